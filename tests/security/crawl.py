"""A bounded crawl with Django's test client: every same-site link reachable by GET."""

from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from django.conf import settings

from tests.security.hostile import MARKER, UNESCAPED

LINK = re.compile(r'(href|src|hx-get)="([^"]*)"')
HTMX = {"HX-Request": "true"}
GET_FORM = re.compile(r'<form\b[^>]*\bmethod="get"[^>]*>', re.IGNORECASE)
ACTION = re.compile(r'\baction="([^"]*)"')
SKIP_PREFIXES = ("/static/", "/logout/")
MARKUP_TYPES = ("text/html", "image/svg+xml", "application/xhtml+xml")


@dataclass
class Findings:
    pages: int = 0
    visited: list[str] = field(default_factory=list)
    html_pages: dict[str, str] = field(default_factory=dict)  # whole pages, by URL
    server_errors: list[str] = field(default_factory=list)
    unescaped: list[tuple[str, str]] = field(default_factory=list)  # (where, marker or attr)
    seen_keys: set[str] = field(default_factory=set)
    statuses: dict[int, int] = field(default_factory=dict)

    def check_markup(self, where: str, text: str) -> None:
        for match in UNESCAPED.finditer(text):
            self.unescaped.append((where, match.group(0)))
        self.seen_keys.update(MARKER.findall(text))


def same_site(url: str) -> str | None:
    """The path (and query) of a link into this site, or None."""
    url = html.unescape(url).strip()
    url, _fragment = urldefrag(url)
    if url.startswith(settings.SITE_URL + "/"):
        url = url[len(settings.SITE_URL) :]
    if not url.startswith("/") or url.startswith("//"):
        return None
    if url.startswith(SKIP_PREFIXES):
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, seeds, *, limit: int, findings: Findings | None = None) -> Findings:
    """GET every same-site page reachable from `seeds` (at most `limit`), following links,
    GET forms, hx-get fragments (as htmx asks for them) and redirects, and check each
    answer for server errors and unescaped markup."""
    findings = findings or Findings()
    queue = deque((seed, False) for seed in seeds)
    visited: set[tuple[str, bool]] = set()
    while queue and len(visited) < limit:
        url, as_htmx = queue.popleft()
        if (url, as_htmx) in visited:
            continue
        visited.add((url, as_htmx))
        findings.visited.append(f"{url} (htmx)" if as_htmx else url)
        response = client.get(url, headers=HTMX if as_htmx else None)
        findings.pages += 1
        findings.statuses[response.status_code] = findings.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            findings.server_errors.append(f"{url} -> {response.status_code}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = same_site(response["Location"])
            if target:
                queue.append((target, False))
            continue
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(MARKUP_TYPES) or getattr(response, "streaming", False):
            continue
        text = response.content.decode()
        findings.check_markup(url, text)
        if not as_htmx and content_type.startswith("text/html"):
            findings.html_pages[url] = text
        forms = [ACTION.search(tag) for tag in GET_FORM.findall(text)]
        links = LINK.findall(text) + [("action", m.group(1)) for m in forms if m]
        for attribute, link in links:
            target = same_site(link)
            if target:
                # An hx-get answers a fragment to htmx and the whole page without it.
                queue.append((target, False))
                if attribute == "hx-get":
                    queue.append((target, True))
    return findings


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL | re.IGNORECASE)
FIELD_NAME = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')
TEXT_FIELD = re.compile(r'<(?:textarea|input\b(?![^>]*type="(?:hidden|checkbox|radio|file)"))')
DESTRUCTIVE = ("delete", "remove", "revoke", "leave", "archive", "logout", "cancel", "switch")


def post_forms(client, pages: dict[str, str], *, value_for, findings: Findings) -> int:
    """POST every data-entry form on `pages` (URL -> HTML) with `value_for(field name)` in
    each field, as a plain form and as htmx; the answers (errors shown with the input) are
    checked like pages. Forms that delete, remove, revoke or leave are not sent. Returns
    how many forms were sent."""
    sent = 0
    for page, text in pages.items():
        for attributes, body in FORM.findall(text):
            if 'method="post"' not in attributes.lower() or not TEXT_FIELD.search(body):
                continue
            action = ACTION.search(attributes)
            target = same_site(action.group(1)) if action and action.group(1) else page
            if not target or any(word in target for word in DESTRUCTIVE):
                continue
            names = {n for n in FIELD_NAME.findall(body) if n != "csrfmiddlewaretoken"}
            data = {name: value_for(name) for name in names}
            sent += 1
            for headers in (None, HTMX):
                response = client.post(target, data, headers=headers)
                findings.pages += 1
                code = response.status_code
                findings.statuses[code] = findings.statuses.get(code, 0) + 1
                if code >= 500:
                    findings.server_errors.append(f"POST {target} -> {code}")
                elif response.get("Content-Type", "").startswith(MARKUP_TYPES):
                    findings.check_markup(f"POST {target}", response.content.decode())
    return sent
