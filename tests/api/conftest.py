"""API fixtures: keys named after what they may do, and a client that sends them."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from api.keys import api_key_create
from content.models import Asset
from content.services import themes_ensure


class ApiClient:
    """Django's test client speaking JSON with a bearer key (or none)."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.secret = secret

    def _headers(self, headers: dict | None) -> dict:
        sent = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        if self.secret:
            sent["HTTP_AUTHORIZATION"] = f"Bearer {self.secret}"
        return sent

    def get(self, path: str, headers: dict | None = None, **params):
        return self.client.get("/api/v1" + path, params, **self._headers(headers))

    def send(self, method: str, path: str, body=None, headers: dict | None = None):
        call = getattr(self.client, method.lower())
        data = "" if body is None else json.dumps(body)
        return call(
            "/api/v1" + path, data, content_type="application/json", **self._headers(headers)
        )

    def post(self, path: str, body=None, headers: dict | None = None):
        return self.send("POST", path, body, headers)

    def patch(self, path: str, body=None, headers: dict | None = None):
        return self.send("PATCH", path, body, headers)


@pytest.fixture
def write_key(org, admin):
    key, secret = api_key_create(organization=org, name="CRM sync", scope="write", by=admin)
    key.secret = secret
    return key


@pytest.fixture
def read_key(org):
    key, secret = api_key_create(organization=org, name="BI export", scope="read")
    key.secret = secret
    return key


@pytest.fixture
def other_org_key(other_org):
    key, secret = api_key_create(organization=other_org, name="Globex CRM", scope="write")
    key.secret = secret
    return key


@pytest.fixture
def api(write_key) -> ApiClient:
    return ApiClient(write_key.secret)


@pytest.fixture
def reader(read_key) -> ApiClient:
    return ApiClient(read_key.secret)


@pytest.fixture
def outsider(other_org_key) -> ApiClient:
    return ApiClient(other_org_key.secret)


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)


@pytest.fixture
def calculator(org):
    themes_ensure(organization=org, slugs=["cost-of-downtime", "security"])
    return Asset.objects.create(
        organization=org,
        slug="downtime-calculator",
        title="Cost of downtime calculator",
        kind="calculator",
        framing="shared_problem",
        themes={"cost-of-downtime": 2, "security": 1},
    )
