// UploadFile (Node.js): POST /upload stores a project's file in S3 and its metadata in DynamoDB.
//
// The Node.js twin of lambda_src/upload_file/app.py (seed 003: "le runtime de votre choix
// (ex. : Python 3.x ou Node.js)"): the same answers, object and item.
// Body: {"file_content": "<base64>", "file_name": "guide.pdf", "project_id": "12345",
//        "file_type": "pdf"}
// The file's bytes (decoded, not the base64 text) go to s3://BUCKET_NAME/{project_id}/{file_name};
// the item in TABLE_NAME keeps the seed's data model: fileID (the key), fileName, projectID,
// fileType, s3Key; then size, content type and upload time. Bad input answers 400 in JSON;
// nothing is written then. The AWS SDK v3 comes with Lambda's Node.js runtimes.
import { randomUUID } from "node:crypto";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BadRequest, jsonBody, response, strictBase64, text } from "./proxy.mjs";

const MAX_BODY = 8 * 1024 * 1024; // Lambda accepts 6 MB of payload; base64 makes it larger
const MAX_FILE = 4 * 1024 * 1024;
const SAFE = /^[A-Za-z0-9][A-Za-z0-9._ -]*$/;
const TYPES = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg",
  txt: "text/plain", md: "text/markdown", zip: "application/zip", json: "application/json" };
// what Python's mimetypes.guess_type answers for a file name without file_type
const GUESS = { ...TYPES, gif: "image/gif", svg: "image/svg+xml", webp: "image/webp", csv: "text/csv",
  html: "text/html", htm: "text/html", xml: "application/xml", doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  mp4: "video/mp4", mp3: "audio/mpeg", tar: "application/x-tar", gz: "application/gzip" };

let s3;
let dynamodb;

function decodeBase64(value, field, limit) {
  if (typeof value !== "string" || !value) throw new BadRequest(`${field} is required (base64 text)`);
  let data;
  try {
    data = strictBase64(value);
  } catch {
    throw new BadRequest(`${field} is not valid base64`);
  }
  if (!data.length) throw new BadRequest(`${field} is empty`);
  if (data.length > limit) throw new BadRequest(`${field} is larger than ${Math.floor(limit / (1024 * 1024))} MB`, 413);
  return data;
}

// The time as Python's datetime.now(timezone.utc).isoformat() writes it.
function isoNow() {
  return new Date().toISOString().slice(0, 23) + "000+00:00";
}

export const handler = async (event) => {
  let data, fileName, projectId, fileType;
  try {
    const body = jsonBody(event, MAX_BODY);
    data = decodeBase64(body.file_content, "file_content", MAX_FILE);
    fileName = text(body, "file_name");
    projectId = text(body, "project_id", 64);
    fileType = (text(body, "file_type", 32, false) ?? "").toLowerCase();
    if (!SAFE.test(fileName) || fileName.includes("..")) {
      throw new BadRequest("file_name must be a plain file name (letters, digits, . _ - and spaces)");
    }
    if (!/^[A-Za-z0-9_-]+$/.test(projectId)) throw new BadRequest("project_id may hold letters, digits, _ and - only");
  } catch (error) {
    if (!(error instanceof BadRequest)) throw error;
    return response(error.status, { error: error.message });
  }
  const extension = fileName.includes(".") ? fileName.split(".").pop().toLowerCase() : "";
  const contentType = TYPES[fileType] || GUESS[extension] || "application/octet-stream";
  const key = `${projectId}/${fileName}`;
  s3 ??= new S3Client({});
  dynamodb ??= new DynamoDBClient({});
  await s3.send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key, Body: data, ContentType: contentType }));
  const item = {
    // the seed's attribute names, so a query written from the seed works on this table too
    fileID: randomUUID().replaceAll("-", ""),
    fileName,
    projectID: projectId,
    fileType: fileType || contentType,
    s3Key: key,
    size: data.length,
    content_type: contentType,
    uploaded_at: isoNow(),
  };
  await dynamodb.send(new PutItemCommand({
    TableName: process.env.TABLE_NAME,
    Item: Object.fromEntries(Object.entries(item).map(([k, v]) =>
      [k, typeof v === "number" ? { N: String(v) } : { S: v }])),
  }));
  console.info(`stored ${key} (${data.length} bytes) as ${item.fileID}`);
  return response(200, { message: "File uploaded", ...item });
};
