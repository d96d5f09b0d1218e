"""`make serve`'s gunicorn configuration: from the environment, access log as JSON lines."""

import importlib
import json
import logging
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

import config.gunicorn


def load(monkeypatch, **environ):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(config.gunicorn)


def test_port_workers_and_graceful_timeouts_come_from_the_environment(monkeypatch):
    conf = load(monkeypatch, PORT="9123", HOST="127.0.0.1", WEB_CONCURRENCY="5")
    assert conf.bind == "127.0.0.1:9123"
    assert conf.workers == 5
    assert conf.timeout == 30 and conf.graceful_timeout == 30
    assert conf.accesslog == "-"
    assert conf.control_socket_disable is True  # nothing written to $HOME


def test_defaults_serve_on_8000_on_every_interface(monkeypatch):
    for name in ("PORT", "HOST", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    conf = load(monkeypatch)
    assert (conf.bind, conf.workers) == ("0.0.0.0:8000", 2)


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def access_line(path: str) -> dict:
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = config.gunicorn.JsonLogger(cfg)
    capture = Capture()
    capture.setFormatter(logging.Formatter("%(message)s"))
    logger.access_log.addHandler(capture)
    try:
        logger.access(
            SimpleNamespace(status="200 OK", sent=1234),
            None,
            {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": path,
                "REMOTE_ADDR": "10.0.0.7",
                "HTTP_USER_AGENT": 'Mozilla/5.0 "quoted"',
            },
            timedelta(milliseconds=42),
        )
    finally:
        logger.access_log.removeHandler(capture)
    assert len(capture.lines) == 1
    return json.loads(capture.lines[0])


def test_each_request_is_one_json_object():
    line = access_line("/groups/7/")
    assert line["logger"] == "gunicorn.access"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/groups/7/", 200)
    assert (line["bytes"], line["duration_ms"]) == (1234, 42.0)
    assert line["user_agent"] == 'Mozilla/5.0 "quoted"'


def test_secrets_in_paths_never_reach_the_log():
    assert access_line("/k/abc.def-SECRET/kit.pdf")["path"] == "/k/[secret]/kit.pdf"
    assert access_line("/invitations/SECRET/")["path"] == "/invitations/[secret]/"
    assert access_line("/digest/unsubscribe/SECRET/")["path"] == "/digest/unsubscribe/[secret]/"
    assert access_line("/password-reset/MQ/SECRET/")["path"] == "/password-reset/MQ/[secret]/"
