"""Password reset limits live in the shared cache (Redis): a second process, like another
web server behind the load balancer, sees the counts this one made."""

import os
import subprocess
import sys

from django.conf import settings
from django.core import mail

PROBE = """
import django
django.setup()
from django.test import RequestFactory
from accounts import throttling
request = RequestFactory().post("/password-reset/", REMOTE_ADDR="10.1.1.1")
print("allowed" if throttling.password_reset_allowed(request, "marketer@acme.test") else "refused")
"""


def test_a_second_process_sees_the_reset_limit_this_one_reached(
    client, marketer, redis_cache, redis_url
):
    for _ in range(3):
        assert client.post("/password-reset/", {"email": "marketer@acme.test"}).status_code == 302
    assert len(mail.outbox) == 3
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": redis_cache,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "refused"
