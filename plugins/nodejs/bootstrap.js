// fnstudio's Node.js runtime: the Lambda Runtime API (2018-06-01) client loop, handler loading
// from _HANDLER (CommonJS and ES modules), the context object, callback and async handlers,
// Lambda's error shapes and console format. Node standard library only.
//
// The loop speaks raw HTTP/1.1 over the one channel the engine hands it (see RuntimeApi below)
// because that is most of a warm invocation's overhead: Node's http module costs ~350 us per /next +
// /response pair. Behaviour (messages, error types, log lines) follows AWS's Node.js runtime
// interface client.
//
// Cold start is measured against a bare `node -e 0`, so start-up work is kept off the path (profiled
// with callgrind, --cpu-prof and marks of performance.now()): no socket code (the channel is made
// by the engine), log lines go to fd 1 with write(2) instead of process.stdout (whose stream costs
// ~1 ms to set up), and ES modules are loaded with require() where the Node version supports it (the
// ESM loader behind import() costs ~3 ms more on its first use).
'use strict';

const fs = require('fs');
const path = require('path');
const util = require('util');

const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || '/var/task';
const API = '/2018-06-01/runtime';
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

// ----------------------------------------------------------------------------------------------
// Runtime API client. The engine hands this runtime its channel to the Runtime API on descriptor 3
// (runtime.json's "runtimeApiFd"): a blocking stream socket whose other end the engine's waiting
// thread reads and answers. Requests go out with write(2) and replies come in with read(2), through
// fs, one exchange at a time. No socket code is loaded at start-up (Node's net module and its first
// connection cost ~7 ms of a cold start), and a GET /next holds the whole process until an event
// arrives: between invocations no code of the function runs, as in Lambda, which freezes the
// environment there.

const API_FD = 3;
const READ_BUFFER_BYTES = 64 * 1024;

class RuntimeApi {
  constructor(fd, address) {
    this.fd = fd;
    this.hostHeader = `Host: ${address}\r\n`;
    this.nextRequest = `GET ${API}/invocation/next HTTP/1.1\r\n${this.hostHeader}\r\n`;
    this.buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES); // unread bytes are [start, end)
    this.start = 0;
    this.end = 0;
  }

  // Sends `request` (head and body, a string) and returns the reply { status, headers, body }.
  // Throws when the connection fails or the reply is not HTTP.
  exchange(request) {
    this.write(request);
    return this.readReply();
  }

  postRequest(urlPath, body, errorType) {
    return (
      `POST ${urlPath} HTTP/1.1\r\n${this.hostHeader}Content-Type: application/json\r\n` +
      (errorType ? `Lambda-Runtime-Function-Error-Type: ${errorType}\r\n` : '') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  }

  write(request) {
    const written = retrying(() => fs.writeSync(this.fd, request));
    const length = Buffer.byteLength(request);
    if (written === length) return;
    const bytes = Buffer.from(request, 'utf8'); // a short write: rare, finish it byte-exact
    for (let at = written; at < length;) at += retrying(() => fs.writeSync(this.fd, bytes, at, length - at));
  }

  // Reads into `target` from `offset`; 0 bytes is the server closing the connection.
  fill(target, offset) {
    const n = retrying(() => fs.readSync(this.fd, target, offset, target.length - offset, null));
    if (n === 0) throw new Error('the Runtime API closed the connection');
    return n;
  }

  readReply() {
    let headEnd;
    while ((headEnd = this.buffer.indexOf('\r\n\r\n', this.start, 'latin1')) < 0 || headEnd + 4 > this.end) {
      if (this.start > 0) {
        this.buffer.copy(this.buffer, 0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      }
      if (this.end === this.buffer.length) throw new Error('the Runtime API sent a response head over 64 KiB');
      this.end += this.fill(this.buffer, this.end);
    }
    const head = this.buffer.toString('latin1', this.start, headEnd);
    const firstEnd = head.indexOf('\r\n');
    const statusLine = firstEnd < 0 ? head : head.slice(0, firstEnd);
    const status = parseInt(statusLine.slice(9, 12), 10);
    if (!statusLine.startsWith('HTTP/1.') || !(status >= 100)) {
      throw new Error(`malformed status line from the Runtime API: ${statusLine.slice(0, 80)}`);
    }
    const headers = {};
    let length = 0;
    for (let at = firstEnd; at >= 0 && at < head.length;) {
      const lineEnd = head.indexOf('\r\n', at + 2);
      const line = head.slice(at + 2, lineEnd < 0 ? head.length : lineEnd);
      at = lineEnd;
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = value;
      if (name === 'content-length') length = parseInt(value, 10);
    }
    const bodyStart = headEnd + 4;
    const reply = { status, headers, body: '' };
    if (this.end - bodyStart >= length) {
      if (length > 0) reply.body = this.buffer.toString('utf8', bodyStart, bodyStart + length);
      this.start = bodyStart + length;
      if (this.start === this.end) this.start = this.end = 0;
      return reply;
    }
    // A body longer than what has arrived: read the rest straight into one buffer of its size.
    const body = Buffer.allocUnsafe(length);
    let filled = this.buffer.copy(body, 0, bodyStart, this.end);
    this.start = this.end = 0;
    while (filled < length) filled += this.fill(body, filled);
    reply.body = body.toString('utf8');
    return reply;
  }
}

// A system call interrupted by a signal, or a descriptor user code made non-blocking, is retried.
function retrying(call) {
  for (;;) {
    try {
      return call();
    } catch (e) {
      if (e.code === 'EINTR') continue;
      if (e.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // no busy loop: 1 ms
        continue;
      }
      throw e;
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Errors, in the Node RIC's shapes.

function runtimeError(name) {
  const cls = class extends Error {};
  cls.prototype.name = `Runtime.${name}`;
  return cls;
}
const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
UnhandledPromiseRejection.prototype.name = 'Runtime.UnhandledPromiseRejection';

function isError(obj) {
  return obj && typeof obj.name === 'string' && typeof obj.message === 'string' && typeof obj.stack === 'string';
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isError(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// Logged errors show name, message, code, stack and the error's own properties; always tab-led.
function toFormatted(error) {
  const withProperties = (_k, v) => {
    if (!(v instanceof Error)) return v;
    const ret = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
    if (typeof v.stack === 'string') ret.stack = v.stack.split('\n');
    return ret;
  };
  try {
    return '\t' + JSON.stringify(error, withProperties);
  } catch (_) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// ----------------------------------------------------------------------------------------------
// Console: Lambda's text line (or JSON with AWS_LAMBDA_LOG_FORMAT=JSON), filtered by level.
//
// Lines are written to fd 1 with write(2): the engine reads a blocking pipe, so a line is in it
// when the call returns, as process.stdout would have it on Linux, without building that stream at
// start-up. If the pipe was made non-blocking (by user code opening process.stdout or stderr, which
// share it) and is full, this and every later line go through process.stdout, keeping the order.

let stdoutStream = null;

function writeOut(line) {
  const bytes = Buffer.from(line, 'utf8');
  let written = 0;
  if (stdoutStream === null) {
    try {
      while (written < bytes.length) written += fs.writeSync(1, bytes, written, bytes.length - written);
      return;
    } catch (_) {
      stdoutStream = process.stdout;
    }
  }
  stdoutStream.write(written > 0 ? bytes.subarray(written) : bytes);
}

const LEVELS = {
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
};

function jsonLine(level, message, params) {
  const result = { timestamp: new Date().toISOString(), level: level.name, requestId: global[REQUEST_ID] };
  if (params.length === 0) {
    result.message = message;
    try {
      return JSON.stringify(result, (_k, v) =>
        v instanceof Error
          ? Object.assign(
              { errorType: v?.constructor?.name ?? 'UnknownError', errorMessage: v.message,
                stackTrace: typeof v.stack === 'string' ? v.stack.split('\n') : v.stack },
              v)
          : v);
    } catch (_) {
      result.message = util.format(message);
      return JSON.stringify(result);
    }
  }
  result.message = util.format(message, ...params);
  for (const p of [message, ...params]) {
    if (p instanceof Error) {
      result.errorType = p?.constructor?.name ?? 'UnknownError';
      result.errorMessage = p.message;
      result.stackTrace = typeof p.stack === 'string' ? p.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}

function patchConsole() {
  const json = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
  const minimum = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || LEVELS.TRACE;
  const make = (level) => {
    if (level.priority < minimum.priority && level !== LEVELS.FATAL) return () => {};
    if (json) return (message, ...params) => { writeOut(jsonLine(level, message, params).replace(/\n/g, '\r') + '\n'); };
    return (message, ...params) => {
      const line = `${new Date().toISOString()}\t${global[REQUEST_ID]}\t${level.name}\t${util.format(message, ...params)}`;
      writeOut(line.replace(/\n/g, '\r') + '\n');
    };
  };
  console.trace = make(LEVELS.TRACE);
  console.debug = make(LEVELS.DEBUG);
  console.info = make(LEVELS.INFO);
  console.log = console.info;
  console.warn = make(LEVELS.WARN);
  console.error = make(LEVELS.ERROR);
  console.fatal = make(LEVELS.FATAL);
  return json
    ? (_msg, err) => console.error(intoError(err))
    : (msg, err) => console.error(msg, toFormatted(intoError(err)));
}

// ----------------------------------------------------------------------------------------------
// Handler loading, as the Node RIC: "[dir/]file.fn[.nested]"; file.js, .mjs or .cjs.

function hasPackageJsonTypeModule(folder) {
  for (;;) {
    if (folder.endsWith('/node_modules')) return false;
    const pj = path.join(folder, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj)).type === 'module';
      } catch (e) {
        console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
        return false;
      }
    }
    if (folder === '/') return false;
    folder = path.resolve(folder, '..');
  }
}

// ----------------------------------------------------------------------------------------------
// Import profile (FNSTUDIO_PROFILE_IMPORTS=1, set by the engine for one profiled cold start): the
// modules the handler's init loads, timed around Module._load and written to stderr in the form of
// CPython's -X importtime (a module after those it loaded, two spaces a level deeper), so that one
// parser reads both. The engine keeps these lines out of the function's logs. A module already
// loaded costs nothing and is not written, as in CPython.

const PROFILE_LINE = 'import time:';

function writeProfileLine(selfUs, cumulativeUs, level, name) {
  const line = `${PROFILE_LINE} ${String(selfUs).padStart(9)} | ${String(cumulativeUs).padStart(10)} | ` +
    `${' '.repeat(level * 2)}${name}\n`;
  try {
    fs.writeSync(2, line);
  } catch (_) {
    // a profile line lost is not worth failing the init for
  }
}

function profileName(file) {
  if (file.startsWith(TASK_ROOT + '/')) return file.slice(TASK_ROOT.length + 1);
  return file;
}

let profiling = null; // { children: [] }: the time of the modules loaded inside the current one, by level

function startImportProfile() {
  const Module = require('module');
  const original = Module._load;
  const seenBuiltins = new Set(process.moduleLoadList.filter((m) => m.startsWith('NativeModule '))
    .map((m) => m.slice('NativeModule '.length)));
  profiling = { children: [] };
  Module._load = function profiledLoad(request, parent, isMain) {
    let name;
    if (Module.isBuiltin(request)) {
      const id = request.startsWith('node:') ? request.slice(5) : request;
      if (seenBuiltins.has(id)) return original.apply(this, arguments);
      seenBuiltins.add(id);
      name = 'node:' + id;
    } else {
      let file;
      try {
        file = Module._resolveFilename(request, parent, isMain);
      } catch (_) {
        return original.apply(this, arguments); // the load reports the error itself
      }
      if (Module._cache[file]) return original.apply(this, arguments);
      name = profileName(file);
    }
    const level = profiling.children.length;
    profiling.children.push(0n);
    const start = process.hrtime.bigint();
    let loaded = false;
    try {
      const result = original.apply(this, arguments);
      loaded = true;
      return result;
    } finally {
      const cumulative = (process.hrtime.bigint() - start) / 1000n;
      const inner = profiling.children.pop();
      if (profiling.children.length) profiling.children[profiling.children.length - 1] += cumulative;
      // A load that failed is no module (loadModule's require() of an ES module with top-level
      // await is refused before import() loads it): its time still counts in its importer's.
      if (loaded) writeProfileLine(cumulative - inner, cumulative, level, name);
    }
  };
  fs.writeSync(2, `${PROFILE_LINE} fnstudio: handler init begins\n`);
}

// An ES module's own import statements run in the ESM loader, out of Module._load's sight: an ES
// module shows with its whole graph's time. One loaded with import() (top-level await) is timed
// here, the CommonJS modules its graph require()s nested under it (nothing else loads meanwhile).
async function profiledImport(file, load) {
  if (!profiling || profiling.children.length) return load();
  profiling.children.push(0n);
  const start = process.hrtime.bigint();
  try {
    return await load();
  } finally {
    const cumulative = (process.hrtime.bigint() - start) / 1000n;
    const inner = profiling.children.pop();
    writeProfileLine(cumulative - inner, cumulative, 0, `${profileName(file)} (ES module graph, import())`);
  }
}

function endImportProfile() {
  if (!profiling) return;
  fs.writeSync(2, `${PROFILE_LINE} fnstudio: handler init ends\n`);
}

// An ES module is loaded as the RIC loads it, with import(), unless this Node can require() it
// (require(esm): Node 20.19+ and 22.12+): the same module namespace without starting the ESM
// loader, whose first use costs ~3 ms of every cold start. A module graph with top-level await
// (or a Node with require(esm) turned off) still goes through import(); require() evaluates
// nothing before refusing it.
const canRequireEsm = process.features.require_module === true;

async function importEsm(file) {
  if (canRequireEsm) {
    try {
      return require(file);
    } catch (e) {
      if (!e || (e.code !== 'ERR_REQUIRE_ASYNC_MODULE' && e.code !== 'ERR_REQUIRE_ESM')) throw e;
    }
  }
  return profiledImport(file, () => import(require('url').pathToFileURL(file).href));
}

async function loadModule(appRoot, moduleRoot, module) {
  const base = path.resolve(appRoot, moduleRoot, module);
  const tryRequire = (file) => (fs.existsSync(file) ? require(file) : undefined);
  const tryImport = async (file) => (fs.existsSync(file) ? await importEsm(file) : undefined);

  const extensionless = tryRequire(base);
  if (extensionless) return extensionless;
  const typeModule = fs.existsSync(base + '.js') && hasPackageJsonTypeModule(path.dirname(base + '.js'));
  if (!typeModule) {
    const loaded = tryRequire(base + '.js');
    if (loaded) return loaded;
  }
  const loaded =
    (typeModule && (await tryImport(base + '.js'))) || (await tryImport(base + '.mjs')) || tryRequire(base + '.cjs');
  if (loaded) return loaded;
  // Node-style resolution relative to the task, not to this file.
  return require(require.resolve(module, { paths: [appRoot, moduleRoot] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const match = handlerString.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, module, handlerPath] = match;

  let app;
  try {
    app = await loadModule(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) throw new ImportModuleError(e);
    throw e;
  }
  const fn = handlerPath.split('.').reduce((nested, key) => nested && nested[key], app);
  if (!fn) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  return fn;
}

// ----------------------------------------------------------------------------------------------
// The invoke loop: callbacks on the client's replies, no promise or allocation on the way beyond
// the invocation's own (event, context, response).

async function main() {
  const address = process.env.AWS_LAMBDA_RUNTIME_API;
  let isSocket = false;
  try {
    isSocket = fs.fstatSync(API_FD).isSocket();
  } catch (_) {
    // not open
  }
  if (!address || !isSocket) {
    process.stderr.write(`fnstudio bootstrap: started without its Runtime API channel (descriptor ${API_FD} ` +
      'and AWS_LAMBDA_RUNTIME_API): fnstudio\'s engine starts this runtime and hands it one\n');
    process.exit(1);
  }
  const logError = patchConsole();
  const api = new RuntimeApi(API_FD, address);

  const invocationPrefix = `${API}/invocation/`;
  let current = null; // the invocation in progress: { id, done }
  let exiting = false;

  const errorRequest = (urlPath, error) => {
    const response = toRapidResponse(error);
    return api.postRequest(urlPath, JSON.stringify(response), response.errorType);
  };
  const postAndExit = (urlPath, error, code) => {
    if (exiting) return;
    exiting = true;
    try {
      api.exchange(errorRequest(urlPath, error));
    } catch (_) {
      // the exit says it
    }
    process.exit(code);
  };

  // Before the first invocation a crash is an init error; during one it fails that invocation.
  process.on('uncaughtException', (error) => {
    logError('Uncaught Exception', error);
    if (current) postAndExit(`${invocationPrefix}${current.id}/error`, error, 129);
    else postAndExit(`${API}/init/error`, error, 129);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    logError('Unhandled Promise Rejection', error);
    if (current) postAndExit(`${invocationPrefix}${current.id}/error`, error, 128);
    else postAndExit(`${API}/init/error`, error, 128);
  });

  const exchangeOrExit = (request, what) => {
    let reply;
    try {
      reply = api.exchange(request);
    } catch (err) {
      process.stderr.write(`fnstudio bootstrap: ${what} failed: ${err.message}\n`);
      process.exit(1);
    }
    if (reply.status >= 500) {
      process.stderr.write(`fnstudio bootstrap: ${what}: the Runtime API answered ${reply.status}\n`);
      process.exit(1);
    }
    return reply;
  };

  // fnstudio's phase marker: the runtime is up, user code loads next.
  const started = exchangeOrExit(api.postRequest('/fnstudio/runtime-started', ''), 'runtime-started');
  if (started.status !== 202 && started.status !== 404) {
    process.stderr.write(`fnstudio bootstrap: runtime-started answered ${started.status}\n`);
  }
  if (process.env.FNSTUDIO_PROFILE_IMPORTS === '1') {
    delete process.env.FNSTUDIO_PROFILE_IMPORTS; // not the function's to see
    startImportProfile();
  }
  let handler;
  try {
    handler = await loadHandler(TASK_ROOT, process.env._HANDLER || '');
    endImportProfile();
  } catch (error) {
    logError('Uncaught Exception', error);
    postAndExit(`${API}/init/error`, error, 129);
    return;
  }

  // An invocation ends once: with a response, an error, or (handler never answered and the event
  // loop drained) a null response, as Lambda's Node runtime does.
  let onBeforeExit = null;
  process.on('beforeExit', () => { if (onBeforeExit) { const f = onBeforeExit; onBeforeExit = null; f(); } });

  const finish = (inv, error, result) => {
    if (inv.done) return;
    inv.done = true;
    onBeforeExit = null;
    let request;
    if (error !== undefined && error !== null) {
      console.error('Invoke Error', toFormatted(intoError(error)));
      request = errorRequest(`${invocationPrefix}${inv.id}/error`, error);
    } else {
      let body;
      try {
        body = JSON.stringify(result === undefined ? null : result);
      } catch (_) {
        body = undefined;
      }
      if (typeof body === 'string') {
        request = api.postRequest(`${invocationPrefix}${inv.id}/response`, body);
      } else {
        const e = new Error('Unable to stringify response body');
        console.error('Invoke Error', toFormatted(e));
        request = errorRequest(`${invocationPrefix}${inv.id}/error`, e);
      }
    }
    exchangeOrExit(request, 'posting the result');
    current = null;
    // One turn of the event loop for what the handler left behind, then the next /next.
    setImmediate(loop);
  };

  const onNext = (next) => {
    if (next.status !== 200) {
      process.stderr.write(`fnstudio bootstrap: /next answered ${next.status}: ${next.body.slice(0, 200)}\n`);
      process.exit(1);
    }
    const h = next.headers;
    const id = h['lambda-runtime-aws-request-id'];
    const inv = { id, done: false, claimed: false };
    current = inv;
    global[REQUEST_ID] = id;
    if (h['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
    else delete process.env._X_AMZN_TRACE_ID;

    let waitForEmptyEventLoop = true;
    const once = (f) => (...args) => { if (!inv.done && !inv.claimed) { inv.claimed = true; f(...args); } };
    const done = once((err, result) => finish(inv, err, result));
    const callback = once((err, result) => {
      if (err !== undefined && err !== null) finish(inv, err);
      else if (!waitForEmptyEventLoop) finish(inv, null, result);
      else onBeforeExit = () => setImmediate(() => finish(inv, null, result));
    });
    const deadline = parseInt(h['lambda-runtime-deadline-ms'], 10);
    // Nothing of the runtime keeps the event loop alive while the handler runs: 'beforeExit' fires
    // when the handler's own work is done.
    onBeforeExit = () => finish(inv, null, null);
    try {
      const parseJson = (v, name) => {
        if (v === undefined) return undefined;
        try { return JSON.parse(v); } catch (err) { throw new Error(`Cannot parse ${name} as json: ${err.toString()}`); }
      };
      const context = {
        get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
        set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
        succeed: (result) => done(null, result),
        fail: (err) => done(err === undefined || err === null ? 'handled' : err, null),
        done: (err, result) => done(err, result),
        functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
        memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
        logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
        clientContext: parseJson(h['lambda-runtime-client-context'], 'ClientContext'),
        identity: parseJson(h['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
        invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
        awsRequestId: id,
        tenantId: h['lambda-runtime-aws-tenant-id'],
        getRemainingTimeInMillis: () => deadline - Date.now(),
      };
      const result = handler(JSON.parse(next.body), context, callback);
      if (result && typeof result.then === 'function') {
        result.then(context.succeed, context.fail);
      }
    } catch (err) {
      callback(err);
    }
  };

  function loop() {
    onNext(exchangeOrExit(api.nextRequest, '/next'));
  }
  setImmediate(loop);
}

main().catch((e) => {
  process.stderr.write(`fnstudio bootstrap: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
