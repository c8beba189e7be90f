#!/usr/bin/env node
// Measurement client for tests/bench/peers/run.sh. Node standard library only.
//
//   measure.mjs http --url URL | --urls URL,URL,... [--n 500] [--warmup 50] [--chunk 25] [--body JSON]
//       One keep-alive connection (http.Agent, maxSockets 1) per URL. The first request is timed on
//       its own (first_us: for a freshly started server, its cold/first call), then `warmup` untimed
//       calls, then `n` timed calls, taken in turns of `chunk` calls per URL when there are several.
//       Every response must be 200 and carry "ok":true.
//   measure.mjs lambda-local-api --module DIR --handler FILE [--n 500] [--warmup 50] [--body JSON]
//       lambdaLocal.execute() in a loop in this one process (no HTTP), same timing rules.
//   measure.mjs lambda-local-serve --module DIR --handler FILE --port P
//       An HTTP server on 127.0.0.1 that runs lambdaLocal.execute() per POST, the request body being
//       the event (what `lambda-local --watch` does, but watch mode listens on every interface).
//   measure.mjs spawn [--runs 10] -- CMD ARGS...
//       Wall time of whole processes, one after the other (each must exit 0): the per-call CLI path.
//   measure.mjs reports --file LOG
//       Init Duration and Duration (ms) of the REPORT lines in a Lambda-style log.
//   measure.mjs summarize --dir RESULTS --meta JSON [--out FILE]
//       The table and the ratios (stdout), then the JSON summary (stdout, and FILE if given).
//   measure.mjs wait-port --port P [--timeout-ms 120000]    until 127.0.0.1:P accepts a connection
//   measure.mjs free-port                                    prints a free loopback port
//
// Output: one JSON object on stdout (latencies in µs, process wall times in ms).

import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

function parseArgs(argv) {
  const opts = { _: [] };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--') { opts.rest = argv.slice(i + 1); break; }
    if (a.startsWith('--')) {
      const key = a.slice(2);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) opts[key] = true;
      else { opts[key] = next; ++i; }
    } else opts._.push(a);
  }
  return opts;
}

function die(message) {
  process.stderr.write(`measure.mjs: ${message}\n`);
  process.exit(2);
}

function int(opts, key, fallback) {
  if (opts[key] === undefined) return fallback;
  const v = Number(opts[key]);
  if (!Number.isInteger(v) || v < 0) die(`--${key} must be a whole number, not '${opts[key]}'`);
  return v;
}

// Nearest-rank percentiles of a list of numbers.
function summary(values, digits = 1) {
  const s = [...values].sort((a, b) => a - b);
  const pick = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const round = (v) => Number(v.toFixed(digits));
  if (s.length === 0) return { n: 0 };
  return { n: s.length, p50: round(pick(50)), p90: round(pick(90)), p99: round(pick(99)),
           min: round(s[0]), max: round(s[s.length - 1]) };
}

const elapsedUs = (t0) => Number(process.hrtime.bigint() - t0) / 1000;

function checkBody(text, where) {
  let parsed;
  try { parsed = JSON.parse(text); } catch { throw new Error(`${where}: response is not JSON: ${text.slice(0, 200)}`); }
  if (!parsed || parsed.ok !== true) throw new Error(`${where}: unexpected response: ${text.slice(0, 200)}`);
}

function httpClient(href, body) {
  const url = new URL(href);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set();
  const request = () => new Promise((resolve, reject) => {
    const req = http.request({
      agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': body.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`${url.href}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
        else resolve(text);
      });
      res.on('error', reject);
    });
    req.on('socket', (s) => { if (!sockets.has(s)) { sockets.add(s); s.setNoDelay(true); } });
    req.on('error', reject);
    req.end(body);
  });
  const timed = async () => {
    const t0 = process.hrtime.bigint();
    const text = await request();
    const us = elapsedUs(t0);
    checkBody(text, url.href);
    return us;
  };
  return { url, agent, sockets, timed, samples: [] };
}

// One keep-alive connection per URL. Each URL's first call is timed on its own, then `warmup`
// untimed calls each; then the timed calls go round the URLs in chunks of `chunk`, so that a change
// in the machine's load during the run falls on every endpoint alike.
async function runHttp(opts) {
  const urls = opts.urls ? String(opts.urls).split(',') : opts.url ? [opts.url] : die('http needs --url or --urls');
  const n = int(opts, 'n', 500);
  const warmup = int(opts, 'warmup', 50);
  const chunk = Math.max(1, int(opts, 'chunk', 25));
  const body = Buffer.from(opts.body ?? '{}');
  const clients = urls.map((u) => httpClient(u, body));
  for (const c of clients) {
    c.first = await c.timed();
    for (let i = 0; i < warmup; ++i) await c.timed();
  }
  for (let done = 0; done < n; done += chunk) {
    for (const c of clients)
      for (let i = done; i < Math.min(n, done + chunk); ++i) c.samples.push(await c.timed());
  }
  const results = clients.map((c) => {
    c.agent.destroy();
    return { url: c.url.href, first_us: Number(c.first.toFixed(1)), warmup, chunk, connections: c.sockets.size,
             ...summaryUs(c.samples) };
  });
  return opts.urls ? results : results[0];
}

function summaryUs(samples) {
  const s = summary(samples);
  return { n: s.n, p50_us: s.p50, p90_us: s.p90, p99_us: s.p99, max_us: s.max };
}

function loadLambdaLocal(opts) {
  if (!opts.module) die('--module DIR (the lambda-local package folder) is required');
  if (!opts.handler) die('--handler FILE is required');
  const require = createRequire(path.join(path.resolve(opts.module), 'package.json'));
  const lambdaLocal = require(path.resolve(opts.module));
  const version = require(path.join(path.resolve(opts.module), 'package.json')).version;
  const execute = (event) => lambdaLocal.execute({
    event, lambdaPath: path.resolve(opts.handler), lambdaHandler: 'handler', timeoutMs: 3000,
    verboseLevel: 0,
  });
  return { execute, version };
}

async function runLambdaLocalApi(opts) {
  const { execute, version } = loadLambdaLocal(opts);
  const n = int(opts, 'n', 500);
  const warmup = int(opts, 'warmup', 50);
  const bodyText = opts.body ?? '{}';
  const timed = async () => {
    const t0 = process.hrtime.bigint();
    const result = await execute(JSON.parse(bodyText));
    const us = elapsedUs(t0);
    checkBody(JSON.stringify(result), 'lambda-local');
    return us;
  };
  const first = await timed();
  for (let i = 0; i < warmup; ++i) await timed();
  const samples = [];
  for (let i = 0; i < n; ++i) samples.push(await timed());
  return { lambda_local: version, first_us: Number(first.toFixed(1)), warmup, ...summaryUs(samples) };
}

function runLambdaLocalServe(opts) {
  const { execute, version } = loadLambdaLocal(opts);
  const port = int(opts, 'port', undefined);
  if (port === undefined) die('lambda-local-serve needs --port');
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const text = Buffer.concat(chunks).toString();
        const result = await execute(JSON.parse(text || '{}'));
        const out = Buffer.from(JSON.stringify(result));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': out.length });
        res.end(out);
      } catch (err) {
        const out = Buffer.from(JSON.stringify({ errorMessage: String(err && err.message || err) }));
        res.writeHead(500, { 'content-type': 'application/json', 'content-length': out.length });
        res.end(out);
      }
    });
  });
  server.keepAliveTimeout = 60000;
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`lambda-local ${version} (Node API) listening on http://127.0.0.1:${port}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function runSpawn(opts) {
  const cmd = opts.rest;
  if (!cmd || cmd.length === 0) die('spawn needs -- CMD ARGS...');
  const runs = int(opts, 'runs', 10);
  const ms = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    const took = elapsedUs(t0) / 1000;
    if (r.error) die(`spawn ${cmd[0]}: ${r.error.message}`);
    if (r.status !== 0)
      die(`'${cmd.join(' ')}' exited with ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`.slice(0, 2000));
    if (i === 0 && opts.expect && !String(r.stdout).includes(opts.expect))
      die(`'${cmd.join(' ')}' printed no '${opts.expect}':\n${r.stdout}${r.stderr}`.slice(0, 2000));
    ms.push(took);
  }
  const s = summary(ms, 2);
  return { runs: s.n, p50_ms: s.p50, min_ms: s.min, max_ms: s.max };
}

function runReports(opts) {
  if (!opts.file) die('reports needs --file');
  const text = fs.readFileSync(opts.file, 'utf8');
  const init = [];
  const duration = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('REPORT')) continue;
    const d = /\bDuration: ([\d.]+) ms/.exec(line);
    const i = /Init Duration: ([\d.]+) ms/.exec(line);
    if (d) duration.push(Number(d[1]));
    if (i) init.push(Number(i[1]));
  }
  if (duration.length === 0) die(`no REPORT lines in ${opts.file}`);
  const a = summary(init, 2);
  const b = summary(duration, 2);
  return { reports: duration.length, init_p50_ms: a.p50 ?? null, init_max_ms: a.max ?? null,
           duration_p50_ms: b.p50, duration_max_ms: b.max };
}

async function waitPort(opts) {
  const port = int(opts, 'port', undefined);
  if (port === undefined) die('wait-port needs --port');
  const deadline = Date.now() + int(opts, 'timeout-ms', 120000);
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return { port, ready: true };
    if (Date.now() > deadline) die(`nothing listens on 127.0.0.1:${port} after ${opts['timeout-ms'] ?? 120000} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function summarize(opts) {
  if (!opts.dir) die('summarize needs --dir');
  const read = (name) => JSON.parse(fs.readFileSync(path.join(opts.dir, `${name}.json`), 'utf8'));
  const meta = JSON.parse(opts.meta ?? '{}');
  // warm-http.json holds the three endpoints in the order run.sh passes them.
  // Their first_us is a second call (the first went to first_calls), so it is left out here.
  const [fnWarm, slsWarm, llWarm] = read('warm-http').map(({ first_us, ...rest }) => rest);
  const fn = { warm: fnWarm, ...read('fnstudio.first') };
  const sls = { warm: slsWarm, ...read('serverless-offline.first') };
  const llHttp = { warm: llWarm, ...read('lambda-local-http.first') };
  const llApi = read('lambda-local-api');
  const bench = read('fnstudio-bench');
  const fnCold = read('fnstudio-cold');
  const fnCli = read('fnstudio-cli');
  const llCli = read('lambda-local-cli');
  const bare = read('node-bare');

  const ratio = (a, b) => { if (!a || !b) return null; const v = a / b; return Number(v.toFixed(v >= 10 ? 0 : v >= 1 ? 1 : 2)); };
  const ms = (us) => Number((us / 1000).toFixed(1));
  const summary = {
    meta,
    warm_http_us: {
      fnstudio: fn.warm,
      serverless_offline: sls.warm,
      lambda_local_http: llHttp.warm,
    },
    warm_in_process_us: {
      fnstudio_engine_api: Object.fromEntries(Object.entries(bench.warm_engine_api)
                                                .map(([k, v]) => [k, Number(Number(v).toFixed(1))])),
      lambda_local_api: { n: llApi.n, p50_us: llApi.p50_us, p90_us: llApi.p90_us, p99_us: llApi.p99_us,
                          max_us: llApi.max_us },
    },
    first_call_after_start_ms: {
      fnstudio: { median: ms(fn.first_call_median_us), all: fn.first_call_us.map(ms),
                  server_ready_median_ms: fn.server_ready_median_ms },
      serverless_offline: { median: ms(sls.first_call_median_us), all: sls.first_call_us.map(ms),
                            server_ready_median_ms: sls.server_ready_median_ms },
      lambda_local_http: { median: ms(llHttp.first_call_median_us), all: llHttp.first_call_us.map(ms),
                           server_ready_median_ms: llHttp.server_ready_median_ms },
    },
    fnstudio_cold_ms: { force_cold_reports: fnCold, bench_cold: bench.cold_start_ms },
    process_per_call_ms: { fnstudio_cli_invoke: fnCli, lambda_local_cli: llCli, node_bare: bare },
    fnstudio_throughput: bench.throughput,
  };
  summary.ratios_p50_peer_over_fnstudio = {
    warm_http_serverless_offline: ratio(sls.warm.p50_us, fn.warm.p50_us),
    warm_http_lambda_local: ratio(llHttp.warm.p50_us, fn.warm.p50_us),
    warm_in_process_lambda_local_api_vs_engine_api: ratio(llApi.p50_us, bench.warm_engine_api.p50_us),
    first_call_serverless_offline: ratio(sls.first_call_median_us, fn.first_call_median_us),
    first_call_lambda_local_http: ratio(llHttp.first_call_median_us, fn.first_call_median_us),
    server_ready_serverless_offline: ratio(sls.server_ready_median_ms, fn.server_ready_median_ms),
    process_per_call_lambda_local_cli: ratio(llCli.p50_ms, fnCli.p50_ms),
  };

  const out = [];
  const pad = (v, w) => String(v ?? '-').padStart(w);
  const row = (label, s, r) => out.push(`  ${label.padEnd(44)}${pad(s.p50_us, 9)}${pad(s.p90_us, 9)}${pad(s.p99_us, 9)}`
                                        + `${pad(s.max_us, 10)}${pad(r === undefined ? '' : `${r}x`, 8)}`);
  const r = summary.ratios_p50_peer_over_fnstudio;
  out.push(`Peers, trivial Node handler, same payload, one run (${meta.date ?? ''})`);
  out.push(`  machine: ${meta.cpu ?? '?'}, ${meta.nproc ?? '?'} cores, ${meta.os ?? ''}, node ${meta.node ?? ''}`);
  out.push(`  load average before ${meta.load_before ?? '?'}, after ${meta.load_after ?? '?'}`);
  out.push(`  fnstudio ${meta.fnstudio_commit ?? ''}, serverless ${meta.serverless ?? ''} + serverless-offline `
           + `${meta.serverless_offline ?? ''}, lambda-local ${meta.lambda_local ?? ''}`);
  out.push('');
  out.push(`Warm, one keep-alive HTTP connection each, n=${fn.warm.n} after ${fn.warm.warmup} warm-up, `
           + `in turns of ${fn.warm.chunk} (µs)`);
  out.push(`  ${''.padEnd(44)}${pad('p50', 9)}${pad('p90', 9)}${pad('p99', 9)}${pad('max', 10)}${pad('ratio', 8)}`);
  row('fnstudio, Invoke API (fnstudio-cli serve)', fn.warm, 1);
  row('serverless-offline, lambda endpoint', sls.warm, r.warm_http_serverless_offline);
  row('lambda-local, Node API behind HTTP', llHttp.warm, r.warm_http_lambda_local);
  out.push(`Warm, no HTTP, n=${llApi.n} (µs)`);
  row('fnstudio, engine API (bench)', summary.warm_in_process_us.fnstudio_engine_api, 1);
  row('lambda-local, execute() loop in one process', llApi, r.warm_in_process_lambda_local_api_vs_engine_api);
  out.push('');
  out.push(`First call after the server starts (ms, median of ${fn.first_call_us.length} starts) and start to listening (ms)`);
  const first = (label, v, ratioValue) => out.push(`  ${label.padEnd(44)}${pad(ms(v.first_call_median_us), 9)}`
                                                   + `${pad(v.server_ready_median_ms, 12)}${pad(ratioValue === undefined ? '' : `${ratioValue}x`, 8)}`);
  out.push(`  ${''.padEnd(44)}${pad('first', 9)}${pad('listening', 12)}${pad('ratio', 8)}`);
  first('fnstudio (cold environment)', fn, 1);
  first('serverless-offline (new worker thread)', sls, r.first_call_serverless_offline);
  first('lambda-local behind HTTP (first require)', llHttp, r.first_call_lambda_local_http);
  out.push('');
  out.push('Cold path (ms)');
  out.push(`  fnstudio --force-cold, ${fnCold.reports} cold starts: Init Duration p50 ${fnCold.init_p50_ms}, `
           + `Duration p50 ${fnCold.duration_p50_ms}`);
  const bc = bench.cold_start_ms;
  out.push(`  fnstudio bench cold start median ${Number(bc.total_median.toFixed(2))} = sandbox ${Number(bc.sandbox_median.toFixed(2))}`
           + ` + runtime start ${Number(bc.runtime_start_median.toFixed(2))} + module init ${Number(bc.module_init_median.toFixed(2))}`
           + ` + first invocation ${Number(bc.first_invocation_median.toFixed(2))}; bare node ${Number(bc.bare_interpreter_median.toFixed(2))}`);
  out.push(`  whole process per call, p50 of ${fnCli.runs}: fnstudio-cli invoke ${fnCli.p50_ms}, lambda-local CLI ${llCli.p50_ms}`
           + ` (${r.process_per_call_lambda_local_cli}x), node -e 0 ${bare.p50_ms}`);
  out.push('');
  out.push('Ratios are peer p50 / fnstudio p50 (above 1: fnstudio is faster).');
  process.stdout.write(out.join('\n') + '\n\n');
  const json = JSON.stringify(summary, null, 2);
  process.stdout.write(json + '\n');
  if (opts.out) fs.writeFileSync(opts.out, json + '\n');
}

const opts = parseArgs(process.argv.slice(2));
const mode = opts._[0];
try {
  switch (mode) {
    case 'http': console.log(JSON.stringify(await runHttp(opts))); break;
    case 'lambda-local-api': console.log(JSON.stringify(await runLambdaLocalApi(opts))); break;
    case 'lambda-local-serve': runLambdaLocalServe(opts); break;
    case 'spawn': console.log(JSON.stringify(runSpawn(opts))); break;
    case 'reports': console.log(JSON.stringify(runReports(opts))); break;
    case 'summarize': summarize(opts); break;
    case 'wait-port': console.log(JSON.stringify(await waitPort(opts))); break;
    case 'free-port': console.log(await freePort()); break;
    default: die('usage: measure.mjs http|lambda-local-api|lambda-local-serve|spawn|reports|summarize|wait-port|free-port ...');
  }
} catch (err) {
  die(err && err.stack || String(err));
}
