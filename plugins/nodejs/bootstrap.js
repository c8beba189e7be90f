// fnstudio's Node.js runtime: the Lambda Runtime API (2018-06-01) client loop, handler loading
// from _HANDLER (CommonJS and ES modules), the context object, callback and async handlers,
// Lambda's error shapes and console format. Node standard library only.
//
// The loop speaks raw HTTP/1.1 over one persistent TCP connection because it is most of a warm
// invocation's overhead: Node's http module costs ~350 us per /next + /response pair. Behaviour
// (messages, error types, log lines) follows AWS's Node.js runtime interface client.
'use strict';

const net = require('net');
const fs = require('fs');
const path = require('path');
const util = require('util');

const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || '/var/task';
const API = '/2018-06-01/runtime';
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

// ----------------------------------------------------------------------------------------------
// Runtime API client: one keep-alive connection, strict parsing of the fixed exchanges.

class RuntimeApi {
  constructor(address) {
    const colon = address.lastIndexOf(':');
    this.host = colon > 0 ? address.slice(0, colon) : '127.0.0.1';
    this.port = parseInt(address.slice(colon + 1), 10);
    this.hostHeader = `Host: ${address}\r\n`;
    this.nextRequest = Buffer.from(`GET ${API}/invocation/next HTTP/1.1\r\n${this.hostHeader}\r\n`, 'latin1');
    this.socket = null;
    this.chunks = [];
    this.buffered = 0;
    this.pending = null; // { resolve, reject, request, body, retried }
    this.closing = false;
  }

  connect() {
    if (this.socket) this.socket.destroy();
    const socket = net.createConnection({ host: this.host, port: this.port, noDelay: true });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    // 'error' is followed by 'close'; only the first event of the current socket counts.
    socket.on('error', (err) => { if (this.socket === socket) this.onClose(err); });
    socket.on('close', () => { if (this.socket === socket) this.onClose(null); });
    this.socket = socket;
    this.chunks = [];
    this.buffered = 0;
    this.closing = false;
  }

  onClose(err) {
    const p = this.pending;
    if (this.socket) this.socket.destroy();
    this.socket = null;
    if (!p) return;
    // The server closed the idle keep-alive connection: send the request again, once.
    if (!p.retried && this.buffered === 0) {
      p.retried = true;
      this.send(p);
      return;
    }
    this.pending = null;
    p.reject(err || new Error('Runtime API closed the connection'));
  }

  onData(chunk) {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (!this.pending) return;
    const data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const headEnd = data.indexOf('\r\n\r\n', 0, 'latin1');
    if (headEnd < 0) { this.chunks = [data]; return; }
    const head = data.toString('latin1', 0, headEnd);
    const lines = head.split('\r\n');
    const status = parseInt(lines[0].slice(9, 12), 10);
    if (!lines[0].startsWith('HTTP/1.') || !(status >= 100)) {
      const p = this.pending;
      this.pending = null;
      p.reject(new Error(`malformed status line from Runtime API: ${lines[0].slice(0, 80)}`));
      return;
    }
    const headers = {};
    let length = 0;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = value;
      if (name === 'content-length') length = parseInt(value, 10);
    }
    const bodyStart = headEnd + 4;
    if (data.length < bodyStart + length) { this.chunks = [data]; return; }
    const body = data.subarray(bodyStart, bodyStart + length);
    const rest = data.length - (bodyStart + length);
    this.chunks = rest > 0 ? [data.subarray(bodyStart + length)] : [];
    this.buffered = rest;
    this.closing = (headers.connection || '').toLowerCase() === 'close';
    const p = this.pending;
    this.pending = null;
    p.resolve({ status, headers, body });
  }

  send(p) {
    if (!this.socket || this.closing) this.connect();
    if (p.body && p.body.length) {
      this.socket.cork();
      this.socket.write(p.request);
      this.socket.write(p.body);
      this.socket.uncork();
    } else {
      this.socket.write(p.request);
    }
  }

  exchange(request, body) {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, request, body, retried: false };
      this.send(this.pending);
    });
  }

  next() {
    return this.exchange(this.nextRequest, null);
  }

  post(urlPath, body, errorType) {
    const request = Buffer.from(
      `POST ${urlPath} HTTP/1.1\r\n${this.hostHeader}Content-Type: application/json\r\n` +
        (errorType ? `Lambda-Runtime-Function-Error-Type: ${errorType}\r\n` : '') +
        `Content-Length: ${body.length}\r\n\r\n`,
      'latin1',
    );
    return this.exchange(request, body);
  }

  // While the handler runs the connection must not keep the event loop alive: Lambda's
  // callbackWaitsForEmptyEventLoop semantics rest on 'beforeExit'.
  ref() { if (this.socket) this.socket.ref(); }
  unref() { if (this.socket) this.socket.unref(); }
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
  // stdout to a pipe is synchronous on Linux: a line is in the pipe when write() returns.
  const out = process.stdout;
  const make = (level) => {
    if (level.priority < minimum.priority && level !== LEVELS.FATAL) return () => {};
    if (json) return (message, ...params) => { out.write(jsonLine(level, message, params).replace(/\n/g, '\r') + '\n'); };
    return (message, ...params) => {
      const line = `${new Date().toISOString()}\t${global[REQUEST_ID]}\t${level.name}\t${util.format(message, ...params)}`;
      out.write(line.replace(/\n/g, '\r') + '\n');
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

async function loadModule(appRoot, moduleRoot, module) {
  const base = path.resolve(appRoot, moduleRoot, module);
  const tryRequire = (file) => (fs.existsSync(file) ? require(file) : undefined);
  const tryImport = async (file) => (fs.existsSync(file) ? await import(require('url').pathToFileURL(file).href) : undefined);

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
// The invoke loop.

function serialize(result) {
  return Buffer.from(JSON.stringify(result === undefined ? null : result));
}

async function main() {
  const address = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!address) {
    process.stderr.write('fnstudio bootstrap: AWS_LAMBDA_RUNTIME_API is not set\n');
    process.exit(1);
  }
  const logError = patchConsole();
  const api = new RuntimeApi(address);
  api.connect();

  const invocationPrefix = `${API}/invocation/`;
  let current = null; // the invocation in progress: { id, done }
  let exiting = false;

  const postAndExit = (urlPath, error, code) => {
    if (exiting) return;
    exiting = true;
    const response = toRapidResponse(error);
    api.ref();
    api.post(urlPath, Buffer.from(JSON.stringify(response)), response.errorType)
      .then(() => process.exit(code), () => process.exit(code));
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

  // fnstudio's phase marker: the runtime is up, user code loads next.
  const started = await api.post('/fnstudio/runtime-started', Buffer.alloc(0));
  if (started.status !== 202 && started.status !== 404) {
    process.stderr.write(`fnstudio bootstrap: runtime-started answered ${started.status}\n`);
  }

  let handler;
  try {
    handler = await loadHandler(TASK_ROOT, process.env._HANDLER || '');
  } catch (error) {
    logError('Uncaught Exception', error);
    postAndExit(`${API}/init/error`, error, 129);
    return;
  }

  // An invocation ends once: with a response, an error, or (handler never answered and the event
  // loop drained) a null response, as Lambda's Node runtime does.
  let onBeforeExit = null;
  process.on('beforeExit', () => { if (onBeforeExit) { const f = onBeforeExit; onBeforeExit = null; f(); } });

  const finish = async (inv, error, result) => {
    if (inv.done) return;
    inv.done = true;
    onBeforeExit = null;
    api.ref();
    let reply;
    if (error !== undefined && error !== null) {
      console.error('Invoke Error', toFormatted(intoError(error)));
      const response = toRapidResponse(error);
      reply = await api.post(`${invocationPrefix}${inv.id}/error`, Buffer.from(JSON.stringify(response)), response.errorType);
    } else {
      let body;
      try {
        body = serialize(result);
      } catch (_) {
        const e = new Error('Unable to stringify response body');
        console.error('Invoke Error', toFormatted(e));
        const response = toRapidResponse(e);
        reply = await api.post(`${invocationPrefix}${inv.id}/error`, Buffer.from(JSON.stringify(response)), response.errorType);
      }
      if (body) reply = await api.post(`${invocationPrefix}${inv.id}/response`, body);
    }
    if (reply.status >= 500) {
      process.stderr.write(`fnstudio bootstrap: Runtime API answered ${reply.status}\n`);
      process.exit(1);
    }
    current = null;
    setImmediate(loop);
  };

  const loop = async () => {
    let next;
    try {
      next = await api.next();
    } catch (e) {
      process.stderr.write(`fnstudio bootstrap: /next failed: ${e.message}\n`);
      process.exit(1);
    }
    if (next.status !== 200) {
      process.stderr.write(`fnstudio bootstrap: /next answered ${next.status}: ${next.body.toString().slice(0, 200)}\n`);
      process.exit(1);
    }
    const h = next.headers;
    const id = h['lambda-runtime-aws-request-id'];
    const inv = { id, done: false };
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
    // The connection stays quiet until the handler answers; unref lets 'beforeExit' fire.
    api.unref();
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
      const result = handler(JSON.parse(next.body.toString('utf8')), context, callback);
      if (result && typeof result.then === 'function') {
        result.then(context.succeed, context.fail);
      }
    } catch (err) {
      callback(err);
    }
  };

  setImmediate(loop);
}

main().catch((e) => {
  process.stderr.write(`fnstudio bootstrap: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
