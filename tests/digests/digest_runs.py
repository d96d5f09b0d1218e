"""Running `send_digests` as the hourly job does, and reading back which ISO weeks each user
was sent: what the sending tests share."""

from django.core.management import call_command

from digests.models import DigestOutbox

Status = DigestOutbox.Status


def send(capsys=None, *args) -> str:
    call_command("send_digests", *args)
    return capsys.readouterr().out if capsys else ""


def weeks_sent(user) -> list[str]:
    return [
        f"{r.iso_year}-W{r.iso_week:02d}"
        for r in DigestOutbox.objects.filter(user=user, status=Status.SENT).order_by(
            "iso_year", "iso_week"
        )
    ]
