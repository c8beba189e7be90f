#!/usr/bin/env bash
# Checks that a `provided` function whose bootstrap runs AWS's official Node.js runtime interface
# client (npm package aws-lambda-ric, with its native HTTP client) works unchanged under fnstudio.
# Not part of ctest: it downloads the package from npm (about 3 minutes here).
#   tests/integration/official-ric/run.sh [path/to/fnstudio-cli]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cli=${1:-$here/../../../build/dev/app/fnstudio-cli}
[[ -x $cli ]] || { echo "fnstudio-cli not found at $cli: build first (./fnstudio.sh test)" >&2; exit 2; }
command -v npm >/dev/null || { echo "npm is needed to fetch aws-lambda-ric" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fn"
(cd "$work/fn" && npm install --no-audit --no-fund --silent aws-lambda-ric@4.0.2 >/dev/null)
cat > "$work/fn/index.mjs" <<'JS'
export const handler = async (event, context) => ({ via: "aws-lambda-ric", echo: event, id: context.awsRequestId });
JS
cat > "$work/fn/bootstrap" <<'SH'
#!/bin/sh
exec /usr/bin/node /var/task/node_modules/aws-lambda-ric/index.mjs "$_HANDLER"
SH
chmod +x "$work/fn/bootstrap"
cat > "$work/template.yaml" <<'YAML'
Resources:
  OfficialRic:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: provided.al2023
      Handler: index.handler
      CodeUri: fn/
YAML
out=$("$cli" invoke OfficialRic --project "$work" --repeat 2 --event - <<< '{"a":1}' 2>"$work/log")
echo "$out"
grep REPORT "$work/log"
[[ $(grep -c '"via":"aws-lambda-ric"' <<< "$out") == 2 ]] || { echo "FAILED: two responses from the official client expected" >&2; exit 1; }
echo "official aws-lambda-ric: 2 passed, 0 failed"
