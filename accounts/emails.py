"""Every email the app sends is built here: a subject, a text body and an HTML body.

Templates live in templates/email/: `<name>_subject.txt`, `<name>.txt` and `<name>.html`.

The text templates render with autoescape off (a text body is not HTML), so what they
return is raw text: it is turned into a plain `str` here, never left marked safe, and any
page that shows it escapes it like every other string.
"""

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def email_build(
    *,
    to: Sequence[str],
    template: str,
    context: Mapping,
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
    # render_to_string marks its result safe; a text body holds unescaped user text.
    text = plain_text(render_to_string(f"email/{template}.txt", context))
    html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=list(to), headers=dict(headers or {})
    )
    message.attach_alternative(html, "text/html")
    return message


def plain_text(value: str) -> str:
    """`value` as a plain str, no longer marked safe for HTML."""
    return "".join(value)


def email_send(**kwargs) -> int:
    return email_build(**kwargs).send()
