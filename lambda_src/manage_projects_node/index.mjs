// ManageProjects (Node.js): create and update projects in MySQL, and notify through SQS.
//
// The Node.js twin of lambda_src/manage_projects/app.py (seed 000: "Choisissez Runtime (ex. :
// Python 3.x ou Node.js)"): the same answers, rows and messages. Two code paths, so nothing loops:
// - an API Gateway request (POST /projects) creates or updates a project with parameterised SQL
//   and sends ONE notification to the SQS queue QUEUE_URL;
// - an SQS event (the queue's trigger on this same function) only logs each notification.
// Body: {"action": "create", "name": "...", "description": "..."}
//       {"action": "update", "id": 1, "name": "...", "description": "..."}   (id: a number or "1")
// Answers: 201 created · 200 updated · 400 bad body · 404 unknown id.
//
// MySQL through mysql2 (npm, packaged with the function), always over TLS with the server's
// chain and host name verified against the RDS certificate authorities shipped beside this file
// (rds-ca-bundle.pem; RDS_CA_BUNDLE may name another file: codecraft's emulator adds its local CA
// there). https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.html
// Credentials come from the RDS-managed secret DB_SECRET_ARN, read once per cold start. The AWS
// SDK v3 comes with Lambda's Node.js runtimes: it is not packaged.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import mysql from "mysql2/promise";
import { BadRequest, jsonBody, pyDumps, response, text } from "./proxy.mjs";

const CA_BUNDLE = join(dirname(fileURLToPath(import.meta.url)), "rds-ca-bundle.pem");
const MAX_BODY = 8 * 1024 * 1024;
const MAX_NAME = 255;
const MAX_DESCRIPTION = 2000;

let sqs;
let credentials;
let connection;

async function dbCredentials() {
  if (!credentials) {
    const client = new SecretsManagerClient({});
    const secret = await client.send(new GetSecretValueCommand({ SecretId: process.env.DB_SECRET_ARN }));
    const value = JSON.parse(secret.SecretString);
    credentials = { user: value.username, password: value.password };
  }
  return credentials;
}

// mysql2's TLS options: required, the chain verified against the RDS CAs and the host name checked.
export function tls() {
  return { ca: readFileSync(process.env.RDS_CA_BUNDLE || CA_BUNDLE), rejectUnauthorized: true, verifyIdentity: true };
}

// One connection per execution environment, opened again when the server dropped it.
async function db() {
  if (connection) {
    try {
      await connection.ping();
      return connection;
    } catch {
      connection = undefined;
    }
  }
  connection = await mysql.createConnection({
    host: process.env.DB_HOST, port: Number(process.env.DB_PORT || "3306"),
    database: process.env.DB_NAME || undefined, charset: "utf8mb4", connectTimeout: 5000,
    dateStrings: true, ssl: tls(), ...(await dbCredentials()),
  });
  return connection;
}

// A row as the Python function answers it: datetimes in ISO form (2026-11-29T20:10:01).
function project(row) {
  const out = { ...row };
  for (const key of ["created_at", "updated_at"]) {
    if (typeof out[key] === "string") out[key] = out[key].replace(" ", "T");
  }
  return out;
}

async function fetch(conn, projectId) {
  const [rows] = await conn.execute(
    "SELECT id, name, description, created_at, updated_at FROM projects WHERE id = ?", [projectId]);
  return rows.length ? project(rows[0]) : null;
}

async function notify(kind, row) {
  sqs ??= new SQSClient({});
  await sqs.send(new SendMessageCommand({
    QueueUrl: process.env.QUEUE_URL,
    MessageBody: pyDumps({ event: kind, project: row }),
    MessageAttributes: { event: { DataType: "String", StringValue: kind } },
  }));
}

async function create(body) {
  const name = text(body, "name", MAX_NAME, true);
  const description = text(body, "description", MAX_DESCRIPTION, false);
  const conn = await db();
  const [result] = await conn.execute("INSERT INTO projects (name, description) VALUES (?, ?)", [name, description]);
  const row = await fetch(conn, result.insertId);
  await notify("project_created", row);
  console.info(`project ${row.id} created`);
  return response(201, { message: "Project created", project: row });
}

async function update(body) {
  let projectId = body.id;
  if (typeof projectId === "string" && /^[0-9]+$/.test(projectId.trim())) {
    projectId = Number(projectId.trim()); // "17": the id as a form or a path would send it
  }
  if (typeof projectId !== "number" || !Number.isSafeInteger(projectId) || projectId < 1) {
    throw new BadRequest("id must be a positive whole number");
  }
  const name = text(body, "name", MAX_NAME, false);
  const description = text(body, "description", MAX_DESCRIPTION, false);
  if (name === null && description === null) throw new BadRequest("give a name or a description to change");
  const conn = await db();
  if ((await fetch(conn, projectId)) === null) return response(404, { error: `no project with id ${projectId}` });
  await conn.execute("UPDATE projects SET name = COALESCE(?, name), description = COALESCE(?, description) "
    + "WHERE id = ?", [name, description, projectId]);
  const row = await fetch(conn, projectId);
  await notify("project_updated", row);
  console.info(`project ${projectId} updated`);
  return response(200, { message: "Project updated", project: row });
}

const ACTIONS = { create, update };

// The queue's trigger: log each notification; send nothing (no loop).
function consume(records) {
  for (const record of records) console.info(`notification received: ${record.body}`);
  return { batchItemFailures: [] };
}

export const handler = async (event) => {
  if (event && Array.isArray(event.Records) && event.Records.every((r) => r && r.eventSource === "aws:sqs")) {
    return consume(event.Records);
  }
  try {
    const body = jsonBody(event, MAX_BODY);
    const action = body.action;
    if (typeof action !== "string" || !Object.hasOwn(ACTIONS, action)) {
      throw new BadRequest(`action must be one of: ${Object.keys(ACTIONS).join(", ")}`);
    }
    return await ACTIONS[action](body);
  } catch (error) {
    if (!(error instanceof BadRequest)) throw error;
    return response(error.status, { error: error.message });
  }
};
