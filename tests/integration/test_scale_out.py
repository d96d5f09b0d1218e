"""Scale-out: two `make serve` processes on two ports and one Celery worker, sharing the
database, Redis and the S3 endpoint, with DEBUG=0 behind a (simulated) TLS proxy.

Sign in through one server; upload an asset file and build a kit; download both through
the other. Then fail the sign-in through both in turn: the limit holds in total.
"""

from __future__ import annotations

import os
import re
import secrets
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import global_settings

from accounts.roles import Role
from config.processes import MakeProcess, start_make, start_web, wait_until_live
from kits.models import ConsensusKit
from tests.content.factories import PDF_BYTES
from tests.factories import OrganizationFactory, group_of, member
from tests.integration.conftest import FAILED, _test_database_url
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple 12"
FAILURE_LIMIT = 4


class Browser:
    """Cookies and CSRF like a browser on https://, talking to whichever server it is given."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        parts = urlsplit(url)
        headers = {
            "X-Forwarded-Proto": "https",  # the TLS proxy in front (BEHIND_TLS_PROXY=1)
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if method == "POST":
            headers["Origin"] = f"https://{parts.netloc}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        response = requests.request(
            method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, url: str) -> requests.Response:
        return self.request("GET", url)

    def post(self, url: str, data: dict, files: dict | None = None) -> requests.Response:
        return self.request("POST", url, data=data, files=files)

    def sign_in(self, base: str, email: str, password: str) -> requests.Response:
        assert self.get(f"{base}/login/").status_code == 200  # sets the CSRF cookie
        return self.post(f"{base}/login/", {"username": email, "password": password})


@pytest.fixture
def bucket_environ(s3_bucket, monkeypatch):
    """The S3 endpoint in the environment of every process started after this fixture."""
    for name, value in s3_bucket.environ.items():
        monkeypatch.setenv(name, value)
    return s3_bucket


@pytest.fixture
def web_env(transactional_db, redis_url, redis_cache, bucket_environ, tmp_path_factory):
    static = tmp_path_factory.mktemp("static")
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": redis_cache,
        "BEHIND_TLS_PROXY": "1",
        "SITE_URL": "https://app.example.com",
        "STATIC_ROOT": str(static),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def two_servers(web_env, request):
    release = start_make("release", web_env)  # migrate (nothing to do) + collectstatic
    try:
        assert release.proc.wait(timeout=120) == 0, release.output()
    finally:
        release.stop()
    servers: list[tuple[MakeProcess, str]] = [start_web(web_env), start_web(web_env)]
    try:
        for web, url in servers:
            wait_until_live(web, url)
        yield [url for _web, url in servers]
    finally:
        for web, _url in servers:
            code = web.stop()
            if code != 0 or request.node.stash.get(FAILED, False):
                print(f"\n----- make serve output -----\n{web.output()}")


@pytest.fixture
def team(transactional_db, settings):
    # The servers verify passwords with the production hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    org = OrganizationFactory(slug="acme", name="Acme Corp")
    admin = member(org, Role.ADMIN, email="admin@acme.test", name="Ada Admin")
    admin.set_password(PASSWORD)
    admin.save()
    return admin, group_of(org, 4, name="Contoso renewal")


def wait_for_kit(kit_id: int, seconds: float = 90) -> ConsensusKit:
    wait_until(
        lambda: ConsensusKit.objects.get(pk=kit_id).status in {"ready", "failed"},
        seconds=seconds,
        what="the kit to be built",
    )
    return ConsensusKit.objects.get(pk=kit_id)


def test_two_web_servers_and_a_worker_share_sessions_files_and_throttles(
    bucket_environ, celery_worker_process, two_servers, team
):
    web_a, web_b = two_servers
    admin, group = team
    browser = Browser()

    signed_in = browser.sign_in(web_a, admin.email, PASSWORD)
    assert signed_in.status_code == 302, signed_in.text
    page = browser.get(f"{web_b}/groups/{group.pk}/")  # the session is in the database
    assert page.status_code == 200
    assert "Contoso renewal" in page.text
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]+\.css)"', page.text)
    assert stylesheet and browser.get(web_b + stylesheet[1]).status_code == 200

    created = browser.post(
        f"{web_a}/library/new/",
        {
            "title": "The cost of downtime",
            "kind": "article",
            "framing": "shared_problem",
            "level": "mass",
            "stage": "problem_identification",
            "themes": "cost-of-downtime:2",
            "summary": "Every hour counts.",
        },
        files={"upload": ("Downtime report.pdf", PDF_BYTES, "application/pdf")},
    )
    assert created.status_code == 303, created.text
    asset_id = int(re.fullmatch(r"/library/(\d+)/", created.headers["Location"])[1])
    assert len(bucket_environ.keys()) == 1  # in the bucket, not on a server's disk

    requested = browser.post(
        f"{web_a}/groups/{group.pk}/kits/new/",
        {"problem_statement": "Downtime costs us all.", f"asset_{asset_id}_include": "on"},
    )
    assert requested.status_code == 303, requested.text
    kit_id = int(re.search(r"/kits/(\d+)/$", requested.headers["Location"])[1])
    kit = wait_for_kit(kit_id)  # built by the worker
    assert kit.status == "ready"
    detail = browser.get(f"{web_b}/groups/{group.pk}/kits/{kit_id}/")
    assert detail.status_code == 200 and "Download PDF" in detail.text

    asset_file = browser.get(f"{web_b}/library/{asset_id}/file/")
    assert asset_file.status_code == 302  # to a short-lived signed URL
    assert requests.get(asset_file.headers["Location"], timeout=30).content == PDF_BYTES
    pdf = browser.get(f"{web_b}/groups/{group.pk}/kits/{kit_id}/kit.pdf")
    assert pdf.status_code == 302
    assert requests.get(pdf.headers["Location"], timeout=30).content.startswith(b"%PDF")

    # Sign-in throttling counts in Redis: failures through both servers add up.
    guesser = Browser()
    for attempt in range(FAILURE_LIMIT):
        server = (web_a, web_b)[attempt % 2]
        failed = guesser.sign_in(server, admin.email, f"wrong-{attempt}")
        assert failed.status_code == 200
        assert "do not match an account" in failed.text
    for server in (web_a, web_b):
        refused = guesser.sign_in(server, admin.email, PASSWORD)
        assert refused.status_code == 200  # the form again, not a redirect into the app
        assert "Too many failed sign-in attempts" in refused.text
