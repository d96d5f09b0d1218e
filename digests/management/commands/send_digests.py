"""`send_digests [--dry-run] [--now ISO_DATETIME]`: send the weekly digests that are due,
inline (no worker or broker), and print a one-line summary. Run twice, it sends nothing
the second time: every digest is claimed in the outbox first, as the Celery tasks do."""

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organization
from digests.schedule import zone
from digests.selectors import digest_content, digests_due
from digests.services import SENT, SKIPPED, Tally, digest_send_chunk


def _moment(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now {value!r} is not an ISO 8601 date and time.") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = "Send the weekly digests that are due (inline, no worker needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="list who would get a digest now; send nothing, write nothing",
        )
        parser.add_argument(
            "--now",
            metavar="ISO_DATETIME",
            help="treat this moment as now, e.g. 2026-06-08T07:05:00+02:00 (no offset: UTC)",
        )

    def handle(self, *args, dry_run: bool = False, now: str | None = None, **options):
        moment = _moment(now)
        due = digests_due(moment)
        if dry_run:
            self._dry_run(due, moment)
            return
        tally = Tally()
        try:
            digest_send_chunk(pairs=[d.pair for d in due], now=moment, tally=tally)
        except Exception as error:
            self.stdout.write(f"send_digests {moment.isoformat()}: {tally.summary()}")
            raise CommandError(f"sending stopped: {type(error).__name__}: {error}") from error
        self.stdout.write(f"send_digests {moment.isoformat()}: {len(due)} due, {tally.summary()}")
        if tally.errors:
            raise CommandError(f"{len(tally.errors)} failed, first: {tally.errors[0]}")

    def _dry_run(self, due, moment: datetime) -> None:
        organizations = Organization.objects.in_bulk({d.organization_id for d in due})
        contents = {}
        counts = {SENT: 0, SKIPPED: 0}
        for d in due:
            if d.organization_id not in contents:
                contents[d.organization_id] = digest_content(
                    organizations[d.organization_id], now=moment
                )
            quiet = contents[d.organization_id].quiet
            counts[SKIPPED if quiet else SENT] += 1
            local = d.scheduled_at.astimezone(zone(d.time_zone)).strftime("%a %Y-%m-%d %H:%M")
            what = "quiet week: would skip" if quiet else "would send"
            self.stdout.write(
                f"{d.email}\t{d.organization_name}\t{d.week.label}\tdue since {local} "
                f"({d.time_zone})\t{what}"
            )
        self.stdout.write(
            f"send_digests --dry-run {moment.isoformat()}: {len(due)} due, {counts[SENT]} "
            f"would be sent, {counts[SKIPPED]} quiet (would skip); nothing sent"
        )
