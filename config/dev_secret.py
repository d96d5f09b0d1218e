"""The development SECRET_KEY: random, made once per checkout, kept in an ignored file.

Nothing in the repository can sign a token. With DEBUG on and no SECRET_KEY in the
environment (`make run`, `make test`, a developer's shell), settings read this checkout's
own key from var/secret_key, creating it on first use; production sets SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def dev_secret_key(path: Path) -> str:
    """The key stored at `path`; a new random one (owner-only file) if there is none."""
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    try:  # O_EXCL: two processes starting at once agree on the first key written
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip() or key
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key
