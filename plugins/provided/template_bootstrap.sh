#!/bin/sh
# A custom runtime: this file is the runtime. It asks the Runtime API for the next event, handles
# it, and posts the result. Any language works the same way; this one needs only sh and curl.
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
HEADERS="$(mktemp)"

while true; do
    EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
    REQUEST_ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | tr -d '\r' | cut -d' ' -f2)"

    echo "handling $REQUEST_ID"
    RESPONSE="{\"statusCode\":200,\"body\":\"hello from ${AWS_LAMBDA_FUNCTION_NAME}\",\"eventBytes\":${#EVENT}}"

    curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" -d "$RESPONSE"
done
