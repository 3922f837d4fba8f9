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

class BadRequest extends Error {
  constructor(message, status = 400) {
    super(message);
    this.status = status;
  }
}

// JSON as Python's json.dumps writes it (", " and ": "): the same answer text as the Python function.
export function pyDumps(value) {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "[" + value.map(pyDumps).join(", ") + "]";
  if (typeof value === "object") {
    return "{" + Object.entries(value).map(([k, v]) => JSON.stringify(k) + ": " + pyDumps(v)).join(", ") + "}";
  }
  return JSON.stringify(value);
}

// The first NaN, Infinity or -Infinity outside a string: Python's json module reads them (and the
// Python function refuses them by name); JSON.parse only fails, so the answer names them the same.
export function firstConstant(text) {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else {
      for (const name of ["-Infinity", "Infinity", "NaN"]) if (text.startsWith(name, i)) return name;
    }
  }
  return null;
}

function response(status, body) {
  return { statusCode: status, headers: { "Content-Type": "application/json" }, body: pyDumps(body) };
}

const length = (text) => [...text].length;

function jsonBody(event) {
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    throw new BadRequest("not an API Gateway request");
  }
  let raw = event.body;
  if (typeof raw !== "string" || !raw.trim()) throw new BadRequest("send a JSON object in the body");
  if (length(raw) > MAX_BODY) throw new BadRequest("the body is too large", 413);
  if (event.isBase64Encoded) {
    try {
      raw = new TextDecoder("utf-8", { fatal: true }).decode(strictBase64(raw));
    } catch {
      throw new BadRequest("the body is not valid base64 UTF-8 text");
    }
  }
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    const constant = firstConstant(raw);
    throw new BadRequest(constant ? `${constant} is not allowed in the body` : "the body is not valid JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new BadRequest("the body must be a JSON object");
  }
  return body;
}

// base64 as Python's b64decode(validate=True) takes it: the alphabet only, whole quads.
function strictBase64(value) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new Error("invalid base64");
  return Buffer.from(value, "base64");
}

function text(body, field, limit = 255, required = true) {
  let value = body[field];
  if (value === undefined || value === null) {
    if (!required) return null;
    throw new BadRequest(`${field} is required (a non-empty text)`);
  }
  if (typeof value === "number" && Number.isInteger(value)) value = String(value);
  if (typeof value !== "string" || !value.trim()) throw new BadRequest(`${field} must be a non-empty text`);
  if (length(value) > limit) throw new BadRequest(`${field} must be at most ${limit} characters`);
  if (!value.isWellFormed()) throw new BadRequest(`${field} is not valid Unicode`);
  return value.trim();
}

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
    const body = jsonBody(event);
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
