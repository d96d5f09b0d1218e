"""A real S3 HTTP endpoint on loopback (moto's server mode), and buckets on it for tests.

`s3_endpoint` runs for the whole session inside the test process; `s3_bucket` gives a test
a fresh private bucket and points Django's default storage at it with exactly the options
production uses (config.production.s3_storage). Processes the tests start reach the same
endpoint through the environment in `S3Bucket.environ`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

from config.production import s3_storage

REGION = "us-east-1"
KEY_ID = "test-key-id"
SECRET = "test-secret-access-key"


@dataclass(frozen=True)
class S3Bucket:
    endpoint: str
    name: str

    @property
    def environ(self) -> dict[str, str]:
        return {
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET,
        }

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture(scope="session")
def s3_endpoint():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint, settings) -> S3Bucket:
    bucket = S3Bucket(endpoint=s3_endpoint, name=f"consensus-test-{uuid.uuid4().hex[:12]}")
    bucket.client().create_bucket(Bucket=bucket.name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(bucket.environ, url_seconds=settings.FILE_URL_SECONDS),
    }
    return bucket
