// ProcessOrder (Node.js): validate an order from API Gateway, store it in DynamoDB, notify.
//
// The Node.js twin of lambda_src/process_order/app.py: the same answers, the same item in the
// table, the same SNS message (its JSON written as Python's json.dumps writes it, numbers as
// text), so the workshop's checks and rubric judge both alike. The function publishes one
// notification to the SNS topic TOPIC_ARN; the workshop subscribes the SQS queue
// OrderProcessingQueue to it (raw message delivery).
//
// Environment: TABLE_NAME (DynamoDB table), TOPIC_ARN (SNS topic). No credentials: the role
// grants exactly dynamodb:PutItem on the table and sns:Publish on the topic. The AWS SDK for
// JavaScript v3 is provided by Lambda's Node.js runtimes: nothing to package.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { firstConstant, length, pyDumps, response } from "./proxy.mjs";

const TABLE_NAME = process.env.TABLE_NAME ?? "";
const TOPIC_ARN = process.env.TOPIC_ARN ?? "";
const MAX_TEXT = 200;
const MAX_BODY = 64 * 1024; // DynamoDB items are limited to 400 KB; an order is far smaller
const MAX_DEPTH = 16; // DynamoDB allows 32 levels of nesting

let dynamodb;
let sns;

class InvalidOrder extends Error {}

// An AttributeValue as boto3's TypeSerializer makes it from the Python function's values.
export function attribute(value) {
  if (value === null) return { NULL: true };
  if (typeof value === "boolean") return { BOOL: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "string") return { S: value };
  if (Array.isArray(value)) return { L: value.map(attribute) };
  return { M: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, attribute(v)])) };
}

// Refuse what DynamoDB or SNS would refuse, so the answer is a 400, not a crash (502).
export function checkStorable(value, where = "body", depth = 0) {
  if (depth > MAX_DEPTH) throw new InvalidOrder(`${where} is nested too deeply`);
  if (typeof value === "string") {
    if (!value.isWellFormed()) throw new InvalidOrder(`${where} holds text that is not valid Unicode`);
  } else if (typeof value === "number") {
    // DynamoDB numbers: 38 digits, magnitude 1E-130 to 9.99E+125 (Developer Guide, "Data types")
    const size = Math.abs(value);
    if (!Number.isFinite(value) || size >= 1e126 || (size !== 0 && size < 1e-130)) {
      throw new InvalidOrder(`${where} is a number DynamoDB cannot store (at most 38 digits)`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkStorable(item, `${where}[${index}]`, depth + 1));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (!key) throw new InvalidOrder(`${where} has an empty field name`);
      checkStorable(key, `a field name in ${where}`, depth + 1);
      checkStorable(item, where === "body" ? key : `${where}.${key}`, depth + 1);
    }
  }
}

// The order in an API Gateway proxy event, validated.
export function parseOrder(event) {
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    throw new InvalidOrder("the event is not an API Gateway request");
  }
  let body = event.body;
  if (body === null || body === undefined || body === "") {
    throw new InvalidOrder("the request has no body: send a JSON object with order_id");
  }
  if (typeof body !== "string") throw new InvalidOrder("the body must be JSON text");
  if (event.isBase64Encoded) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw new InvalidOrder("the body is not valid base64 UTF-8 text");
    }
    try {
      body = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(body, "base64"));
    } catch {
      throw new InvalidOrder("the body is not valid base64 UTF-8 text");
    }
  }
  if (length(body) > MAX_BODY) throw new InvalidOrder(`the body is larger than ${MAX_BODY / 1024} KB`);
  let order;
  try {
    order = JSON.parse(body);
  } catch {
    const constant = firstConstant(body);
    if (constant) throw new InvalidOrder(`${constant} is not a number DynamoDB can store`);
    throw new InvalidOrder("the body is not valid JSON (JSONDecodeError)");
  }
  if (order === null || typeof order !== "object" || Array.isArray(order)) {
    throw new InvalidOrder("the body must be a JSON object");
  }
  checkStorable(order);
  let orderId = order.order_id;
  if (orderId === undefined || orderId === null) throw new InvalidOrder("order_id is required");
  if (typeof orderId !== "string" && typeof orderId !== "number") throw new InvalidOrder("order_id must be a string");
  if (typeof orderId === "number" && !Number.isInteger(orderId)) {
    throw new InvalidOrder("order_id must be a string or a whole number");
  }
  orderId = String(orderId).trim();
  if (!orderId || length(orderId) > MAX_TEXT) throw new InvalidOrder(`order_id must be 1 to ${MAX_TEXT} characters`);
  order.order_id = orderId;
  if ("product" in order && (typeof order.product !== "string" || length(order.product) > MAX_TEXT)) {
    throw new InvalidOrder(`product must be a text of at most ${MAX_TEXT} characters`);
  }
  if ("price" in order) {
    if (typeof order.price !== "number") throw new InvalidOrder("price must be a number");
    if (order.price < 0) throw new InvalidOrder("price must be a positive number");
  }
  if ("quantity" in order) {
    const quantity = order.quantity;
    if (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity < 1) {
      throw new InvalidOrder("quantity must be a whole number of at least 1");
    }
  }
  return order;
}

export const handler = async (event) => {
  let order;
  try {
    order = parseOrder(event);
  } catch (error) {
    if (!(error instanceof InvalidOrder)) throw error;
    console.info(`rejected order: ${error.message}`);
    return response(400, { error: error.message });
  }
  dynamodb ??= new DynamoDBClient({});
  sns ??= new SNSClient({});
  await dynamodb.send(new PutItemCommand({ TableName: TABLE_NAME, Item: attribute(order).M }));
  const message = pyDumps({ event: "order_received", order }, true);
  await sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, Subject: "Order received", Message: message }));
  console.info(`order ${order.order_id} stored and published`);
  return response(200, { message: "Order processed", order_id: order.order_id });
};
