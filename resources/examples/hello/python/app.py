import json
import os
import time

# Module-level code runs once per execution environment, during the cold start.
STARTED = time.time()
invocations = 0


def handler(event, context):
    global invocations
    invocations += 1
    name = event.get("name", "world")
    print(f"greeting {name} (invocation {invocations} of this environment)")
    return {
        "message": f"{os.environ.get('GREETING', 'Hello')}, {name}!",
        "invocationsInThisEnvironment": invocations,
        "environmentAgeSeconds": round(time.time() - STARTED, 3),
        "requestId": context.aws_request_id,
        "remainingTimeMs": context.get_remaining_time_in_millis(),
    }
