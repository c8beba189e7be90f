import json
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def lambda_handler(event, context):
    logger.info("event: %s", json.dumps(event))
    return {
        "statusCode": 200,
        "body": json.dumps({"message": "hello from " + context.function_name}),
    }
