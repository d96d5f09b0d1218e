"""htmx runs with eval and script tags off and requests to our own origin only, so
injected markup could not fire a request even if escaping failed somewhere."""

import json
import re
from pathlib import Path

from django.conf import settings

CONFIG = re.compile(r"<meta name=\"htmx-config\" content='([^']*)'>")


def test_every_page_configures_htmx_safely_before_loading_it(client, marketer, group):
    client.force_login(marketer)
    for path in ("/", f"/groups/{group.pk}/", "/login/"):
        if path == "/login/":
            client.logout()
        page = client.get(path).content.decode()
        match = CONFIG.search(page)
        assert match, path
        config = json.loads(match.group(1))
        assert config["allowEval"] is False
        assert config["allowScriptTags"] is False
        assert config["selfRequestsOnly"] is True
        assert page.index("htmx-config") < page.index("htmx.min.js")


def test_only_the_base_layout_loads_htmx():
    templates = Path(settings.BASE_DIR) / "templates"
    loaders = sorted(
        str(p.relative_to(templates))
        for p in templates.rglob("*.html")
        if "htmx.min.js" in p.read_text(encoding="utf-8")
    )
    # and its twin for the pages Jinja2 writes (tests/workspace/test_jinja_page.py)
    assert loaders == ["base.html", "jinja2/base.html"]
