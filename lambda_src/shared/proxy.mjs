// Shared by the Node.js functions (listed in their shared.txt, copied beside index.mjs by the
// packaging, as lambda_src/shared/proxy.py is for the Python ones): a Lambda proxy answer whose JSON
// is written as Python's json.dumps writes it, so a Node.js twin answers the very same text, and
// the request body read and checked as the Python functions read it.

export class BadRequest extends Error {
  constructor(message, status = 400) {
    super(message);
    this.status = status;
  }
}

// JSON as Python's json.dumps(..., default=str, ensure_ascii=False) writes it: ", " and ": ",
// and (asText) numbers as text, as a Python function's Decimals are.
export function pyDumps(value, asText = false) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return asText ? JSON.stringify(String(value)) : JSON.stringify(value);
  if (Array.isArray(value)) return "[" + value.map((v) => pyDumps(v, asText)).join(", ") + "]";
  if (typeof value === "object") {
    return "{" + Object.entries(value).map(([k, v]) => JSON.stringify(k) + ": " + pyDumps(v, asText)).join(", ") + "}";
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

export function response(status, body) {
  return { statusCode: status, headers: { "Content-Type": "application/json" }, body: pyDumps(body) };
}

export const length = (text) => [...text].length; // characters, as Python counts them

// base64 as Python's b64decode(validate=True) takes it: the alphabet only, whole quads.
export function strictBase64(value) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new Error("invalid base64");
  return Buffer.from(value, "base64");
}

// The JSON object in an API Gateway proxy event's body (at most maxBody characters).
export function jsonBody(event, maxBody) {
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    throw new BadRequest("not an API Gateway request");
  }
  let raw = event.body;
  if (typeof raw !== "string" || !raw.trim()) throw new BadRequest("send a JSON object in the body");
  if (length(raw) > maxBody) throw new BadRequest("the body is too large", 413);
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

// A text field as the Python functions take it: required or not, trimmed, at most limit characters.
export function text(body, field, limit = 255, required = true) {
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
