// The Lambda Node.js runtime inside one execution environment (`node bootstrap.mjs HANDLER TIMEOUT`).
//
// Same line protocol as bootstrap.py (see environment.py): each line on stdin is one invocation,
// {"id": request id, "event": event}; everything the function logs goes to stderr, then a line
// <SENTINEL><request id>; then one JSON line with the result goes to stdout. A timed-out invocation,
// an init error, an uncaught exception or an unhandled rejection ends the process after its answer.
//
// What it reproduces, from Lambda's documentation and its runtime interface client
// (github.com/aws/aws-lambda-nodejs-runtime-interface-client, src/UserFunction.js, Runtime.js,
// CallbackContext.js, LogPatch.js, Errors.js):
// - the handler (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html): "module.function",
//   the module tried as CommonJS `.js` (ES module when the nearest package.json says "type": "module"),
//   then `.mjs`, then `.cjs`; async handlers (the promise's value is the result) and callback handlers
//   (`callback(err, result)`, answered once the event loop is empty unless
//   context.callbackWaitsForEmptyEventLoop is false);
// - the context (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html): functionName,
//   functionVersion, invokedFunctionArn, memoryLimitInMB, awsRequestId, logGroupName, logStreamName,
//   getRemainingTimeInMillis(), callbackWaitsForEmptyEventLoop, succeed/fail/done;
// - the logs (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html): console.log/info/warn/
//   error/debug/trace as "<ISO time>\t<request id>\t<LEVEL>\t<message>", one event per call (its
//   newlines travel as LINE_MARK and become "\r", as the runtime writes them), AWS_LAMBDA_LOG_LEVEL and
//   AWS_LAMBDA_LOG_FORMAT=JSON honoured;
// - the errors (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html): the answer
//   {"errorType", "errorMessage", "trace"}, the log line "Invoke Error \t{...}", Runtime.ImportModuleError,
//   Runtime.HandlerNotFound, Runtime.UserCodeSyntaxError, Runtime.MalformedHandlerName, the code shown
//   under /var/task and the runtime under /var/runtime;
// - the SDK for JavaScript v3 resolvable without packaging, from CommonJS (NODE_PATH) and from ES
//   modules: "Starting with Node.js 18, Lambda searches folders in the NODE_PATH environment variable
//   when loading ES modules" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html), done
//   here with a module.register resolve hook (hooks.mjs).

import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { createRequire, register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const SENTINEL = '\x1ecodecraft-invocation-end ';
const LINE_MARK = '\x1d';
const TASK_ROOT = '/var/task';
const RUNTIME_DIR = '/var/runtime';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const APP_ROOT = process.cwd();
const SEARCH_PATHS = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);

// The AWS SDK v3 warns when node is older than it will soon require (@aws-sdk/core's
// emitWarningIfUnsupportedVersion: process.emitWarning('NodeVersionSupportWarning: ...')). Lambda's
// nodejs22.x runs node 22: on a host node of another major (said once in the log) that warning is the
// emulator's artefact, so exactly it is dropped; every other warning goes through.
const RUNTIME_MAJOR = /nodejs(\d+)\.x/.exec(process.env.AWS_EXECUTION_ENV || '');
if (RUNTIME_MAJOR && Number(RUNTIME_MAJOR[1]) !== Number(process.versions.node.split('.')[0])) {
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = (warning, ...rest) => {
    const text = typeof warning === 'string' ? warning : String((warning && warning.message) || '');
    if (text.startsWith('NodeVersionSupportWarning')) return undefined;
    return emitWarning(warning, ...rest);
  };
}

const handlerSpec = process.argv[2] || 'index.handler';
const timeoutSeconds = Number(process.argv[3] || '3');

// The answers' channel is the process's stdout; whatever the function writes there goes to the log.
const writeAnswer = (text) => fs.writeSync(1, text);
const writeLog = (text) => { try { fs.writeSync(2, text); } catch { /* the emulator is gone */ } };
process.stdout.write = (chunk, encoding, cb) => {
  writeLog(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
  if (typeof encoding === 'function') encoding(); else if (typeof cb === 'function') cb();
  return true;
};

// ---- paths shown as on Lambda -------------------------------------------------------------------
const replacements = [[APP_ROOT, TASK_ROOT], [HERE, RUNTIME_DIR],
  ...SEARCH_PATHS.filter((p) => p !== APP_ROOT).map((p) => [p, RUNTIME_DIR + '/node_modules'])]
  .filter(([from]) => from && from !== '/').sort((a, b) => b[0].length - a[0].length);

function shown(text) {
  let out = String(text);
  for (const [from, to] of replacements) out = out.split(from).join(to);
  return out.split(RUNTIME_DIR + '/bootstrap.mjs').join(RUNTIME_DIR + '/index.mjs');
}

// ---- logs ---------------------------------------------------------------------------------------
let currentRequestId;  // undefined during init, as on Lambda
const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const minimum = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || LEVELS.TRACE;
const jsonFormat = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';

function log(level, message, ...params) {
  if (LEVELS[level] < minimum) return;
  const time = new Date().toISOString();
  let line;
  if (jsonFormat) {  // LogPatch.js formatJsonMessage: one value is the message itself (an error as its fields)
    const record = { timestamp: time, level, requestId: currentRequestId };
    const errorFields = (e) => ({ errorType: e?.constructor?.name ?? 'UnknownError', errorMessage: e.message,
      stackTrace: typeof e.stack === 'string' ? e.stack.split('\n') : e.stack });
    const replacer = (_k, v) => (v instanceof Error ? Object.assign(errorFields(v), v) : v);
    if (params.length === 0) {
      record.message = message;
      try { line = JSON.stringify(record, replacer); } catch { line = JSON.stringify({ ...record, message: util.format(message) }); }
    } else {
      record.message = util.format(message, ...params);
      const error = [message, ...params].find((p) => p instanceof Error);
      line = JSON.stringify(error ? Object.assign(record, errorFields(error)) : record);
    }
  } else {
    line = `${time}\t${currentRequestId}\t${level}\t${util.format(message, ...params)}`;
  }
  line = shown(line);
  writeLog(line.replace(/\r?\n/g, LINE_MARK) + '\n');
}

console.trace = (m, ...p) => log('TRACE', m, ...p);
console.debug = (m, ...p) => log('DEBUG', m, ...p);
console.info = (m, ...p) => log('INFO', m, ...p);
console.log = console.info;
console.warn = (m, ...p) => log('WARN', m, ...p);
console.error = (m, ...p) => log('ERROR', m, ...p);
console.fatal = (m, ...p) => log('FATAL', m, ...p);

// ---- errors, as Errors.js shapes them -----------------------------------------------------------
class RuntimeError extends Error {}
const runtimeError = (name) => {
  const cls = class extends RuntimeError {};
  cls.prototype.name = `Runtime.${name}`;
  return cls;
};
const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const UnhandledPromiseRejection = runtimeError('UnhandledPromiseRejection');
const NodeJsExit = runtimeError('NodeJsExit');
const CallbackHandlerDeprecated = runtimeError('CallbackHandlerDeprecated');

const isError = (e) => util.types.isNativeError(e) || (e && typeof e.name === 'string'
  && typeof e.message === 'string' && typeof e.stack === 'string');

function intoError(err) { return err instanceof Error ? err : new Error(err); }

/** The answer's error document (Errors.toRapidResponse). */
function rapidError(error) {
  try {
    if (isError(error)) {
      return { errorType: error.name, errorMessage: shown(error.message),
               trace: String(error.stack).split('\n').map(shown) };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem '
      + 'while retrieving one or more of its message, name, and stack' };
  }
}

/** The log's rendering of an error (Errors.toFormatted): a tab, then its JSON. */
function formatted(error) {
  const replacer = (_k, v) => {
    if (!(v instanceof Error)) return v;
    const out = Object.assign({ errorType: v.name, errorMessage: shown(v.message), code: v.code }, v);
    if (typeof v.stack === 'string') out.stack = v.stack.split('\n').map(shown);
    return out;
  };
  try { return '\t' + JSON.stringify(error, replacer); } catch { return '\t' + JSON.stringify(rapidError(error)); }
}

function logError(title, err) {
  if (jsonFormat) console.error(intoError(err)); else console.error(title, formatted(intoError(err)));
}

// ---- the handler (UserFunction.js) --------------------------------------------------------------
const requireHere = createRequire(path.join(HERE, 'index.mjs'));

function typeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, 'package.json');
  if (fs.existsSync(pj)) {
    try { return JSON.parse(fs.readFileSync(pj, 'utf8'))?.type === 'module'; } catch { return false; }
  }
  const parent = path.resolve(folder, '..');
  return parent === folder ? false : typeModule(parent);
}

const tryRequire = (file, ext = '') => (fs.existsSync(file + ext) ? requireHere(file + ext) : undefined);
const tryImport = async (file, ext = '') => (fs.existsSync(file + ext) ? import(pathToFileURL(file + ext).href)
  : undefined);

async function loadModule(moduleRoot, moduleName) {
  const file = path.resolve(APP_ROOT, moduleRoot, moduleName);
  const extensionless = tryRequire(file);
  if (extensionless) return extensionless;
  const esm = typeModule(path.dirname(file));
  if (!esm) {
    const loaded = tryRequire(file, '.js');
    if (loaded) return loaded;
  }
  const loaded = (esm && (await tryImport(file, '.js'))) || (await tryImport(file, '.mjs')) || tryRequire(file, '.cjs');
  if (loaded) return loaded;
  return requireHere(requireHere.resolve(moduleName, { paths: [APP_ROOT, path.join(APP_ROOT, moduleRoot)] }));
}

async function loadHandler(spec) {
  if (spec.includes('..')) {
    throw new MalformedHandlerName(`'${spec}' is not a valid handler name. Use absolute paths when specifying `
      + 'root directories in handler names.');
  }
  const base = path.basename(spec);
  const moduleRoot = spec.substring(0, spec.indexOf(base));
  const match = base.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, handlerPath] = match;
  let app;
  try {
    app = await loadModule(moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(String(e));
    if (e && e.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(String(e));
    throw e;
  }
  const fn = handlerPath.split('.').reduce((obj, key) => obj && obj[key], app);
  if (!fn) throw new HandlerNotFound(`${spec} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${spec} is not a function`);
  // "Lambda only supports callback-based function handlers for Node.js 22 and earlier runtimes"
  // (nodejs-context.html); the runtime's words (src/context/constants.ts, CALLBACK_ERROR_NODEJS24_ABOVE)
  const runtimeMajor = Number((process.env.AWS_EXECUTION_ENV || '').match(/nodejs(\d+)\.x$/)?.[1] || 0);
  if (runtimeMajor >= 24 && fn.length >= 3) {
    throw new CallbackHandlerDeprecated('ERROR: AWS Lambda has removed support for callback-based function handlers '
      + 'starting with Node.js 24. You need to modify this function to use a supported handler signature to use '
      + 'Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.');
  }
  return fn;
}

// ---- the watchdog -------------------------------------------------------------------------------
// A handler that never yields (a busy loop) keeps the timer below from firing; Lambda still ends it
// at the timeout. A worker thread watches the invocation in progress (its number in `running`, 0 when
// none) and, when it is still running just after its deadline, answers "Task timed out" and ends the
// process, as the platform does.
const running = new Int32Array(new SharedArrayBuffer(4));
const WATCHDOG = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
let timer;
parentPort.on('message', (m) => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (Atomics.load(workerData.running, 0) !== m.number) return;
    try {
      fs.writeSync(2, m.line + '\\n' + m.sentinel + '\\n');
      fs.writeSync(1, JSON.stringify({ ok: false, errorType: 'Sandbox.Timedout', errorMessage: m.line, id: m.id }) + '\\n');
    } finally {
      process.kill(process.pid, 'SIGKILL');
    }
  }, Math.max(0, m.deadline - Date.now()) + 250);
});`;
let watchdog = null;
try {
  watchdog = new Worker(WATCHDOG, { eval: true, workerData: { running } });
  watchdog.unref();
} catch {
  watchdog = null;  // the emulator's own backstop (environment.py) still ends it
}
let invocationNumber = 0;

function timedOutLine(id) {
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return `${stamp} ${id} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

// ---- the invocation loop (Runtime.js, CallbackContext.js) ---------------------------------------
let handler = null;
let onEmptyLoop = null;  // the beforeExit listener of the invocation in progress
let current = null;  // { id, finish }
let pending = '';

process.on('beforeExit', () => {
  const listener = onEmptyLoop;
  onEmptyLoop = null;
  if (listener) listener();
});

/** The next line on stdin, blocking as Lambda's runtime API does (the process is frozen meanwhile). */
function readLine() {
  const buffer = Buffer.alloc(65536);
  for (;;) {
    const nl = pending.indexOf('\n');
    if (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      return line;
    }
    let n;
    try {
      n = fs.readSync(0, buffer, 0, buffer.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); continue; }
      if (e.code === 'EOF') return null;
      throw e;
    }
    if (n === 0) return null;
    pending += buffer.toString('utf8', 0, n);
  }
}

function answer(id, payload) {
  try {
    writeLog(`${SENTINEL}${id}\n`);
    writeAnswer(JSON.stringify({ ...payload, id }) + '\n');
  } catch {
    process.exit(0);  // the emulator is gone
  }
}

function answerAndEnd(id, payload, code = 0) {
  answer(id, payload);
  process.exit(code);
}

function next() {
  const line = readLine();
  if (line === null) process.exit(0);  // stdin closed: the emulator is gone
  if (!line.trim()) { setImmediate(next); return; }
  run(JSON.parse(line)).catch((err) => {
    writeLog(`Unexpected Top Level Error: ${err}\n`);
    if (current) answerAndEnd(current.id, { ok: false, ...rapidError(err) }, 1);
    process.exit(1);
  });
}

async function run(message) {
  const id = String(message.id);
  let initMs = null;
  if (handler === null) {
    const started = performance.now();
    try {
      handler = await loadHandler(handlerSpec);
    } catch (err) {  // logged before any request id, as Lambda's init phase does; the environment is discarded
      logError('Uncaught Exception', err);
      answerAndEnd(id, { ok: false, ...rapidError(err), init_ms: performance.now() - started });
      return;
    }
    initMs = performance.now() - started;
  }
  currentRequestId = id;
  if (message.trace) process.env._X_AMZN_TRACE_ID = String(message.trace);  // X-Ray's header, as Lambda sets it
  const started = performance.now();
  const deadline = Date.now() + timeoutSeconds * 1000;
  let done = false;
  const number = ++invocationNumber;
  Atomics.store(running, 0, number);
  if (watchdog) {
    const line = timedOutLine(id).replace(/^\S+/, new Date(deadline).toISOString().replace(/\.\d+Z$/, 'Z'));
    watchdog.postMessage({ number, deadline, id, line, sentinel: SENTINEL + id });
  }
  const finish = (payload) => {
    if (done) return;
    done = true;
    Atomics.store(running, 0, 0);
    clearTimeout(timer);
    onEmptyLoop = null;
    current = null;
    answer(id, { ...payload, duration_ms: performance.now() - started, init_ms: initMs });
    setImmediate(next);
  };
  current = { id, finish };
  // unref: the timer alone does not keep the event loop from being empty
  const timer = setTimeout(() => {
    Atomics.store(running, 0, 0);
    const text = timedOutLine(id);
    writeLog(text + '\n');
    answerAndEnd(id, { ok: false, errorType: 'Sandbox.Timedout', errorMessage: text });
  }, Math.max(1, deadline - Date.now()));
  timer.unref();

  const succeed = (result) => {
    let value;
    try {
      value = result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (err) {
      const error = { errorType: 'Runtime.MarshalError', errorMessage: `Unable to stringify response body: ${err.message}`, trace: [] };
      logError('Invoke Error', err);
      finish({ ok: false, ...error });
      return;
    }
    finish({ ok: true, result: value === undefined ? null : value });
  };
  const fail = (err) => {
    logError('Invoke Error', err);
    finish({ ok: false, ...rapidError(err) });
  };
  let waitForEmptyLoop = true;
  let called = false;
  const once = (fn) => (...args) => { if (!called) { called = true; fn(...args); } };
  const done_ = (err, result) => {
    onEmptyLoop = null;
    if (err !== undefined && err !== null) fail(err); else succeed(result);
  };
  const callback = once((err, result) => {
    onEmptyLoop = null;
    if (err !== undefined && err !== null) fail(err);
    else if (!waitForEmptyLoop) succeed(result);
    else onEmptyLoop = () => setImmediate(() => succeed(result));
  });
  const env = process.env;
  const context = {
    get callbackWaitsForEmptyEventLoop() { return waitForEmptyLoop; },
    set callbackWaitsForEmptyEventLoop(value) { waitForEmptyLoop = value; },
    succeed: once((result) => done_(null, result)),
    fail: once((err) => done_(err === undefined || err === null ? 'handled' : err, null)),
    done: once(done_),
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: env.CODECRAFT_FUNCTION_ARN,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  // The event loop empty and nothing answered (Runtime._setDefaultExitListener): an async handler
  // whose promise never settled fails; a callback handler that never called back answers null.
  const isAsync = handler.constructor && handler.constructor.name === 'AsyncFunction';
  onEmptyLoop = () => {
    called = true;
    if (isAsync) {
      fail(new NodeJsExit('The Lambda runtime client detected an unexpected Node.js exit code. This is most '
        + 'commonly caused by a Promise that was never settled. For more information, see '
        + 'https://nodejs.org/docs/latest/api/process.html#exit-codes'));
    } else {
      succeed(null);
    }
  };
  try {
    const result = handler(message.event, context, callback);
    if (result && typeof result.then === 'function') {
      result.then((value) => { if (!called) { called = true; done_(null, value); } },
        (err) => { if (!called) { called = true; done_(err === undefined || err === null ? 'handled' : err); } });
    }
  } catch (err) {
    callback(err);
  }
}

// An error nobody caught ends the environment after its answer, as Lambda's runtime does (index.mjs:
// "Uncaught Exception" exits 129, "Unhandled Promise Rejection" exits 128).
process.on('uncaughtException', (err) => {
  logError('Uncaught Exception', err);
  if (current) answerAndEnd(current.id, { ok: false, ...rapidError(err) }, 129);
  process.exit(129);
});
process.on('unhandledRejection', (reason) => {
  const error = new UnhandledPromiseRejection(reason && reason.stack ? String(reason.stack) : String(reason));
  logError('Unhandled Promise Rejection', error);
  if (current) answerAndEnd(current.id, { ok: false, ...rapidError(error) }, 128);
  process.exit(128);
});

if (SEARCH_PATHS.length) {
  try {
    register('./hooks.mjs', import.meta.url, { data: { paths: SEARCH_PATHS } });
  } catch (err) {
    writeLog(`[codecraft] ES modules cannot resolve the runtime's SDK on this node (${err.message})\n`);
  }
}
setImmediate(next);
