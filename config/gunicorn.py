"""gunicorn's configuration for `make serve`, all from the environment.

PORT (8000) and HOST (0.0.0.0; 127.0.0.1 for a server that only the machine may reach),
WEB_CONCURRENCY worker processes (2), GUNICORN_THREADS threads each (4), graceful
timeouts, and both logs as one JSON object per line on stdout.
"""

import json
import logging
import os
import re
from datetime import UTC, datetime

from gunicorn.glogging import Logger

from config.logformat import JsonFormatter

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request may take up to `timeout` seconds; on SIGTERM, requests in flight get
# `graceful_timeout` seconds to finish before the workers are stopped.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "consensus-web"
# No control socket in $HOME: it may be read-only, and two servers on one machine would
# share the socket's path.
control_socket_disable = True

# Paths that carry a secret (share links, invitations, password resets, unsubscribes) are
# logged with the secret replaced.
SECRET_IN_PATH = re.compile(r"^(/k|/invitations|/password-reset/[^/]+|/digest/unsubscribe)/[^/]+")


class JsonLogger(Logger):
    """Access and error log lines as JSON objects, like the app's own logs."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        line = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "info",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD"),
            "path": SECRET_IN_PATH.sub(r"\1/[secret]", environ.get("PATH_INFO", "")),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        try:
            self.access_log.info(json.dumps(line))
        except Exception:
            self.exception("could not write the access log line")


logger_class = JsonLogger
