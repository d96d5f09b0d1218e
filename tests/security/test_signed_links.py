"""Nothing in the repository can sign a working link: invitation and unsubscribe links
carry a random nonce only the database knows, and the development key is this
checkout's own random one."""

import os
import stat
import subprocess
import sys

from django.conf import settings
from django.core import signing

from accounts.models import Membership, User
from accounts.tokens import SALT as INVITATION_SALT
from accounts.tokens import invitation_token
from config.dev_secret import dev_secret_key
from digests.tokens import SALT as UNSUBSCRIBE_SALT
from digests.tokens import unsubscribe_token
from tests.factories import InvitationFactory

NEWCOMER = {
    "name": "Mallory",
    "password1": "a long enough passphrase 1",
    "password2": "a long enough passphrase 1",
}


def _forge(payload, salt):
    """What someone holding the secret key (but not the database) can sign."""
    return signing.dumps(payload, salt=salt, compress=True)


def test_an_invitation_link_signed_with_the_key_but_without_the_nonce_is_refused(client, org):
    invitation = InvitationFactory(organization=org, email="mallory@evil.test")
    for forged in (
        _forge({"invitation": invitation.pk}, INVITATION_SALT),
        _forge({"invitation": invitation.pk, "n": "guessed"}, INVITATION_SALT),
        _forge({"invitation": [invitation.pk], "n": invitation.nonce}, INVITATION_SALT),
        _forge({"invitation": 2**70, "n": invitation.nonce}, INVITATION_SALT),
    ):
        page = client.get(f"/invitations/{forged}/")
        assert page.status_code == 410
        assert "not valid" in page.content.decode()
        assert client.post(f"/invitations/{forged}/", NEWCOMER).status_code == 410
    assert not User.objects.filter(email="mallory@evil.test").exists()
    assert not Membership.objects.filter(organization=org).exists()
    # The real link, with its nonce, still works.
    assert client.get(f"/invitations/{invitation_token(invitation)}/").status_code == 200


def test_each_invitation_has_its_own_nonce(org):
    first, second = InvitationFactory(organization=org), InvitationFactory(organization=org)
    assert len(first.nonce) >= 32 and first.nonce != second.nonce
    assert invitation_token(first) != invitation_token(second)


def test_an_unsubscribe_link_signed_with_the_key_but_without_the_nonce_does_nothing(
    client, marketer, org
):
    for forged, status in (
        (_forge({"u": marketer.pk, "o": org.pk}, UNSUBSCRIBE_SALT), 400),
        (_forge({"u": marketer.pk, "o": org.pk, "n": "guessed"}, UNSUBSCRIBE_SALT), 404),
        (_forge({"u": "1", "o": org.pk, "n": "x"}, UNSUBSCRIBE_SALT), 400),
    ):
        response = client.post(f"/digest/unsubscribe/{forged}/")
        assert response.status_code == status
        assert response["X-Robots-Tag"] == "noindex"
        assert "This link cannot be used" in response.content.decode()
    marketer.refresh_from_db()
    assert marketer.digest_enabled is True
    real = unsubscribe_token(user=marketer, organization_id=org.pk)
    assert client.post(f"/digest/unsubscribe/{real}/").status_code == 200


def test_users_have_different_unsubscribe_nonces(marketer, admin):
    assert len(marketer.unsubscribe_nonce) >= 32
    assert marketer.unsubscribe_nonce != admin.unsubscribe_nonce


def test_the_development_key_is_random_per_checkout_and_kept_private(tmp_path):
    first = dev_secret_key(tmp_path / "one" / "secret_key")
    assert len(first) >= 50
    assert dev_secret_key(tmp_path / "one" / "secret_key") == first  # made once, then kept
    assert dev_secret_key(tmp_path / "two" / "secret_key") != first
    mode = stat.S_IMODE((tmp_path / "one" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_settings_without_a_secret_key_use_the_checkouts_ignored_key_file():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    key_file = settings.BASE_DIR / "var" / "secret_key"
    assert out == key_file.read_text().strip()
    assert "var/" in (settings.BASE_DIR / ".gitignore").read_text().split()
    source = (settings.BASE_DIR / "config" / "settings.py").read_text()
    assert 'SECRET_KEY = env_str("SECRET_KEY") or (dev_secret_key(' in source


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
