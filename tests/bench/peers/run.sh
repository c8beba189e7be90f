#!/usr/bin/env bash
# Peer comparison: the same trivial Node handler through fnstudio, serverless-offline and
# lambda-local, measured in one run on this machine, with the same payload and the same client.
#
#   tests/bench/peers/run.sh [--n 500] [--warmup 50] [--cold 10] [--starts 3] [--out FILE]
#
# Installs lambda-local, serverless (v3: v4 needs a login) and serverless-offline from npm into a
# scratch folder (mktemp -d, removed afterwards; or $FN_PEERS_DIR, kept and reused), and writes
# nothing outside it except --out FILE. Every server it starts listens on 127.0.0.1 and is stopped
# by its PID on exit, failure included. Not part of ctest: it downloads from npm and takes minutes.
#
# Environment: FNSTUDIO_CLI (default: the newest build/*/app/fnstudio-cli), FNSTUDIO_COMMIT (what
# it was built from, for the report; default: this checkout's HEAD), FN_PEERS_DIR,
# LAMBDA_LOCAL_VERSION, SERVERLESS_VERSION, SERVERLESS_OFFLINE_VERSION.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
measure="$here/measure.mjs"

LAMBDA_LOCAL_VERSION=${LAMBDA_LOCAL_VERSION:-2.2.0}
SERVERLESS_VERSION=${SERVERLESS_VERSION:-3.40.0}
SERVERLESS_OFFLINE_VERSION=${SERVERLESS_OFFLINE_VERSION:-13.9.0}

n=500 warmup=50 cold=10 starts=3 out=""
die() { echo "peers/run.sh: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --n) n=${2:?--n needs a value}; shift 2 ;;
        --warmup) warmup=${2:?--warmup needs a value}; shift 2 ;;
        --cold) cold=${2:?--cold needs a value}; shift 2 ;;
        --starts) starts=${2:?--starts needs a value}; shift 2 ;;
        --out) out=${2:?--out needs a file}; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
for v in n warmup cold starts; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "--$v must be a whole number, not '${!v}'"
done
[[ $n -ge 1 && $cold -ge 1 && $starts -ge 1 ]] || die "--n, --cold and --starts must be at least 1"
if [[ -n $out ]]; then
    out_dir=$(dirname -- "$out")
    [[ -d $out_dir ]] || die "--out: no folder '$out_dir'"
    out="$(cd "$out_dir" && pwd)/$(basename -- "$out")"
fi

# --- What it needs --------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is missing: install Node.js 18 or later (Debian: apt-get install nodejs)"
command -v npm >/dev/null 2>&1 || die "npm is missing: install it (Debian: apt-get install npm) — the peers come from the npm registry"
command -v setsid >/dev/null 2>&1 || die "setsid is missing (util-linux)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[[ $node_major -ge 18 ]] || die "node $(node -v) is too old: serverless-offline 13 needs Node 18 or later"

cli=${FNSTUDIO_CLI:-}
if [[ -z $cli ]]; then
    # The most recently built fnstudio-cli under build/.
    cli=$(ls -t "$repo"/build/*/app/fnstudio-cli 2>/dev/null | head -n 1 || true)
fi
[[ -n $cli && -x $cli ]] || die "fnstudio-cli not found${cli:+ at '$cli'}: build it (cmake --build build/dev --target fnstudio-cli plugin_nodejs) or set FNSTUDIO_CLI"
cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")

# --- Scratch folder, servers, clean-up ------------------------------------------------------------
if [[ -n ${FN_PEERS_DIR:-} ]]; then
    mkdir -p "$FN_PEERS_DIR"
    scratch=$(cd "$FN_PEERS_DIR" && pwd)
    keep_scratch=1
else
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/fnstudio-peers.XXXXXX")
    keep_scratch=0
fi
results="$scratch/results"
rm -rf "$results"
mkdir -p "$results" "$scratch/home" "$scratch/fn" "$scratch/project"

pids=()
finished=0
stop_pid() {  # TERM the server, wait up to 10 s, then KILL whatever is left of its process group
    local pid=$1 i
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; ++i)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    # It led its own group (setsid): children it left behind go too.
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$?
    local pid
    for pid in "${pids[@]}"; do stop_pid "$pid"; done
    if [[ $finished -eq 1 && $keep_scratch -eq 0 ]]; then
        rm -rf "$scratch"
    elif [[ $finished -eq 0 ]]; then
        echo "peers/run.sh: failed (status $status); logs are in $scratch" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Everything the peers (and npm, and fnstudio) write under $HOME or $TMPDIR goes to the scratch folder.
mkdir -p "$scratch/tmp"
export HOME="$scratch/home" TMPDIR="$scratch/tmp"
export npm_config_cache="$scratch/npm-cache" npm_config_update_notifier=false
export SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off SLS_DEPRECATION_DISABLE='*'
unset XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME
cd "$scratch"

m() { node "$measure" "$@"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
say() { printf '%s\n' "$*" >&2; }

# start_server NAME PORT CMD...: starts CMD in its own process group, logs to NAME.log, waits
# until 127.0.0.1:PORT accepts; sets server_pid and server_ready_ms (launch to listening).
start_server() {
    local name=$1 port=$2
    shift 2
    local t0 t1
    t0=$(date +%s%N)
    setsid "$@" >"$scratch/$name.log" 2>&1 </dev/null &
    server_pid=$!
    pids+=("$server_pid")
    if ! m wait-port --port "$port" --timeout-ms 120000 >/dev/null; then
        tail -n 30 "$scratch/$name.log" >&2
        die "$name did not start listening on 127.0.0.1:$port (log: $scratch/$name.log)"
    fi
    t1=$(date +%s%N)
    server_ready_ms=$(((t1 - t0) / 1000000))
    kill -0 "$server_pid" 2>/dev/null || die "$name exited right after start (log: $scratch/$name.log)"
}
stop_server() {
    stop_pid "$server_pid"
    local keep=() p
    for p in "${pids[@]}"; do [[ $p == "$server_pid" ]] || keep+=("$p"); done
    pids=("${keep[@]}")
}

# first_calls NAME PATH CMD... (CMD may contain @PORT@): starts the server `starts` times and times
# its first call each time (results/NAME.first.json); the last start is left running for the warm
# calls, its URL in urls[NAME].
declare -A urls=()
first_calls() {
    local name=$1 path=$2
    shift 2
    local i port cmd=() url json firsts=() readies=()
    for ((i = 1; i <= starts; ++i)); do
        port=$(m free-port)
        cmd=("${@//@PORT@/$port}")
        start_server "$name" "$port" "${cmd[@]}"
        url="http://127.0.0.1:$port$path"
        json=$(m http --url "$url" --n 0 --warmup 0 --body "$payload") ||
            die "$name: the first call failed (log: $scratch/$name.log)"
        firsts+=("$(node -p "JSON.parse(process.argv[1]).first_us" "$json")")
        readies+=("$server_ready_ms")
        if [[ $i -lt $starts ]]; then stop_server; fi
    done
    urls[$name]=$url
    node -e '
        const med = (a) => { const s = a.map(Number).sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
        const f = process.argv[1].split(" "), r = process.argv[2].split(" ");
        console.log(JSON.stringify({ first_call_us: f.map(Number), first_call_median_us: med(f),
                                     server_ready_ms: r.map(Number), server_ready_median_ms: med(r) }));
    ' "${firsts[*]}" "${readies[*]}" >"$results/$name.first.json"
}

# --- Install the peers ----------------------------------------------------------------------------
installed_version() { node -p "require('./node_modules/$1/package.json').version" 2>/dev/null || true; }
if [[ $(installed_version lambda-local) != "$LAMBDA_LOCAL_VERSION" ||
      $(installed_version serverless) != "$SERVERLESS_VERSION" ||
      $(installed_version serverless-offline) != "$SERVERLESS_OFFLINE_VERSION" ]]; then
    say "installing lambda-local@$LAMBDA_LOCAL_VERSION serverless@$SERVERLESS_VERSION serverless-offline@$SERVERLESS_OFFLINE_VERSION into $scratch (npm, about a minute)"
    [[ -f package.json ]] || echo '{ "name": "fnstudio-peers", "private": true }' >package.json
    npm install --no-audit --no-fund --loglevel=error \
        "lambda-local@$LAMBDA_LOCAL_VERSION" "serverless@$SERVERLESS_VERSION" \
        "serverless-offline@$SERVERLESS_OFFLINE_VERSION" >"$scratch/npm.log" 2>&1 || {
        tail -n 30 "$scratch/npm.log" >&2
        die "npm install failed (is the npm registry reachable? log: $scratch/npm.log)"
    }
fi

# npm may need NODE_EXTRA_CA_CERTS to reach the registry; nothing measured gets it. Loading a CA
# bundle adds tens of milliseconds to every node start, fnstudio starts functions without it
# unless their environment asks for it, and the peers' node processes go without it too.
unset NODE_EXTRA_CA_CERTS NODE_OPTIONS

# --- The one handler, the one payload, three configurations ---------------------------------------
# CommonJS, because all three load it as it is (lambda-local require()s it, serverless-offline and
# fnstudio's bootstrap import()/require() it).
cat >fn/index.js <<'EOF'
exports.handler = async (event) => ({ ok: true, echo: event });
EOF
payload='{"hello":"world","n":42,"items":[1,2,3]}'
printf '%s\n' "$payload" >event.json

# fnstudio: MemorySize 1769 (one vCPU on Lambda, as `fnstudio-cli bench` uses), so the CPU share
# fnstudio enforces is a whole core; the peers enforce no limits at all.
cat >project/template.yaml <<EOF
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: $scratch/fn/
      MemorySize: 1769
      Timeout: 10
EOF
cat >serverless.yml <<'EOF'
service: peers
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  stage: dev
  region: us-east-1
  memorySize: 1769
  timeout: 10
plugins:
  - serverless-offline
functions:
  echo:
    handler: fn/index.handler
EOF

load_before=$(loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
say "load average before: $load_before"

# --- First calls, then warm calls through each HTTP endpoint, in turns ----------------------------
say "fnstudio: Invoke API (fnstudio-cli serve), $starts start(s), first call each"
first_calls fnstudio /2015-03-31/functions/Echo/invocations \
    "$cli" serve --project "$scratch/project" --host 127.0.0.1 --port @PORT@

# serverless-offline's defaults: a worker thread per function instance, the handler loaded once and
# reused (no --useInProcess, no --reloadHandler); an idle instance ends after 60 s.
say "serverless-offline: Lambda invoke endpoint (serverless offline start), $starts start(s), first call each"
first_calls serverless-offline /2015-03-31/functions/peers-dev-echo/invocations \
    node node_modules/serverless/bin/serverless.js offline start --host 127.0.0.1 --lambdaPort @PORT@

# lambda-local's own HTTP mode (--watch) listens on every interface; this is the same per-request
# execute() on 127.0.0.1.
say "lambda-local: Node API behind a 127.0.0.1 HTTP server, $starts start(s), first call each"
first_calls lambda-local-http / \
    node "$measure" lambda-local-serve --module node_modules/lambda-local --handler fn/index.js --port @PORT@

say "warm: $n calls to each endpoint after $warmup warm-up, in turns of 25"
m http --urls "${urls[fnstudio]},${urls[serverless-offline]},${urls[lambda-local-http]}" \
    --n "$n" --warmup "$warmup" --chunk 25 --body "$payload" >"$results/warm-http.json" ||
    die "the warm calls failed (logs: $scratch/*.log)"
for pid in "${pids[@]}"; do stop_pid "$pid"; done
pids=()

# --- fnstudio's other paths -----------------------------------------------------------------------
say "fnstudio: $cold cold starts in one engine (invoke --force-cold)"
"$cli" invoke Echo --project project --event event.json --repeat "$cold" --force-cold \
    >"$scratch/fnstudio-cold.out" 2>"$scratch/fnstudio-cold.log" || die "fnstudio-cli invoke --force-cold failed (log: $scratch/fnstudio-cold.log)"
m reports --file "$scratch/fnstudio-cold.log" >"$results/fnstudio-cold.json"

say "fnstudio: $cold whole CLI processes (fnstudio-cli invoke, one call each)"
m spawn --runs "$cold" --expect '"ok":true' -- "$cli" invoke Echo --project project --event event.json \
    >"$results/fnstudio-cli.json"

say "fnstudio: engine API (fnstudio-cli bench --runtime nodejs --json)"
"$cli" bench --runtime nodejs --json --n "$n" --cold "$cold" --concurrency 1,2 \
    >"$results/fnstudio-bench.json" 2>"$scratch/fnstudio-bench.log" || die "fnstudio-cli bench failed (log: $scratch/fnstudio-bench.log)"

# --- lambda-local's other paths -------------------------------------------------------------------
say "lambda-local: Node API in one process, $n calls after $warmup warm-up"
m lambda-local-api --module node_modules/lambda-local --handler fn/index.js --n "$n" --warmup "$warmup" \
    --body "$payload" >"$results/lambda-local-api.json"

say "lambda-local: $cold whole CLI processes (lambda-local -l ... -e ..., one call each)"
m spawn --runs "$cold" --expect '"ok": true' -- node node_modules/lambda-local/build/cli.js \
    -l fn/index.js -h handler -e event.json -v 1 >"$results/lambda-local-cli.json"

say "reference: $cold bare node starts (node -e 0)"
m spawn --runs "$cold" -- node -e 0 >"$results/node-bare.json"

load_after=$(loadavg)
say "load average after: $load_after"

# --- Report ---------------------------------------------------------------------------------------
cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}" || true)
node "$measure" summarize --dir "$results" \
    --meta "$(node -e 'console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map(a => a.split(/=(.*)/s).slice(0, 2)))))' \
        "date=$started" "cpu=$cpu" "nproc=$(nproc)" "os=$os" "kernel=$(uname -r)" "node=$(node -v)" \
        "fnstudio_cli=$cli" "fnstudio_commit=${FNSTUDIO_COMMIT:-$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)}" \
        "lambda_local=$LAMBDA_LOCAL_VERSION" "serverless=$SERVERLESS_VERSION" \
        "serverless_offline=$SERVERLESS_OFFLINE_VERSION" "n=$n" "warmup=$warmup" "cold=$cold" "starts=$starts" \
        "payload=$payload" "load_before=$load_before" "load_after=$load_after")" \
    ${out:+--out "$out"}
finished=1
