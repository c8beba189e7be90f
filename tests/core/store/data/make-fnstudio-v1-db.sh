#!/bin/sh
# Writes fnstudio-v1.db beside this script: a real project store as fnstudio's schema 1 left it,
# before the SQS tables joined the versioned schema. It holds invocation history and logs, an
# accepted asynchronous event not yet delivered, a dead-letter message, and two SQS queues (one
# FIFO) with messages, one of them received once. Run it with an fnstudio-cli built at a commit
# whose store writes schema 1 (e.g. d2c973f or 0bfe273):
#   tests/core/store/data/make-fnstudio-v1-db.sh build/dev/app/cli/fnstudio-cli
# It prints the request ids that tst_schema checks for.
set -eu
cli=$(realpath "$1")
out=$(cd "$(dirname "$0")" && pwd)/fnstudio-v1.db
project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
mkdir -p "$project/src"
cat > "$project/template.yaml" <<'YAML'
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Greet:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
  Fail:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      DeadLetterQueue:
        Type: SQS
        TargetArn: arn:aws:sqs:us-east-1:123456789012:fail-dlq
      EventInvokeConfig:
        MaximumRetryAttempts: 0
YAML
cat > "$project/src/app.py" <<'PY'
def handler(event, context):
    print("handling", event)
    if event.get("mode") == "fail":
        raise ValueError("nope")
    return {"greeting": "hello " + event.get("name", "?")}
PY
run() { "$cli" "$@" --project "$project"; }
greet=$(echo '{"name": "Ada"}' | run invoke Greet --type Event --event -)
fail=$(echo '{"mode": "fail"}' | run invoke Fail --type Event --event - || true)
pending=$(echo '{"name": "Grace"}' | run invoke Greet --type Event --no-wait --event -)
run sqs send orders '{"order": 1}'
run sqs send orders '{"order": 2}'
run sqs receive orders
run sqs send jobs.fifo '{"job": 1}' --message-group-id g1 --message-deduplication-id d1
run queue list
# Every run closed the store, so its write-ahead log is checkpointed into the file.
test ! -e "$project/.fnstudio/fnstudio.db-wal"
cp "$project/.fnstudio/fnstudio.db" "$out"
echo "greet=$greet fail=$fail pending=$pending"
