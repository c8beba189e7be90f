"""Resizes a photo put into one bucket into a thumbnail in another.

The S3 client finds fnstudio's local S3 endpoint through AWS_ENDPOINT_URL_S3, which fnstudio
sets in every environment while it serves. boto3 reads that variable itself from 1.28.57 on;
passing it explicitly also serves older ones (Debian 12 ships 1.26), and on AWS, where the
variable is unset, endpoint_url=None means the real S3.
"""
import io
import os
import urllib.parse

import boto3
from PIL import Image

s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3"))
SIZE = int(os.environ.get("THUMBNAIL_SIZE", "128"))


def handler(event, context):
    made = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        with Image.open(io.BytesIO(body)) as image:
            original = image.size
            image.thumbnail((SIZE, SIZE))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85)
            thumbnail = image.size
        target_bucket = os.environ["THUMBNAIL_BUCKET"]
        target_key = "thumbnails/" + key
        s3.put_object(Bucket=target_bucket, Key=target_key, Body=out.getvalue(), ContentType="image/jpeg",
                      Metadata={"source": f"{bucket}/{key}"})
        print(f"{record['eventName']}: resized s3://{bucket}/{key} {original[0]}x{original[1]} -> "
              f"s3://{target_bucket}/{target_key} {thumbnail[0]}x{thumbnail[1]}")
        made.append({"bucket": target_bucket, "key": target_key, "width": thumbnail[0], "height": thumbnail[1]})
    return {"thumbnails": made}
