"""A kit requested in the web process is built by a real Celery worker: the task goes to
Redis once the request commits, the worker typesets the PDF and packs the ZIP into the
same (temporary) MEDIA_ROOT the web process reads them back from."""

import io
import time
import zipfile

import pytest
from django.db import transaction
from pypdf import PdfReader

from accounts.roles import Role
from content.models import Asset, GlossaryTerm, Theme
from kits import services as kits
from kits.models import ConsensusKit
from planner.models import Stakeholder
from tests.factories import OrganizationFactory, group_of, member
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

STATEMENT = "Unplanned downtime costs every team on the line, every single week."


@pytest.fixture
def media_root(settings, tmp_path, monkeypatch):
    """One temporary MEDIA_ROOT for this process (settings) and the worker (environment)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return root


@pytest.fixture
def celery_worker_process(media_root, celery_worker_process):
    """The integration worker, started only once MEDIA_ROOT is in its environment."""
    return celery_worker_process


def wait_until_done(kit: ConsensusKit, *, seconds: float = 30.0) -> tuple[ConsensusKit, list]:
    """Poll the kit as the progress page does; the states seen along the way."""
    seen = []

    def done() -> bool:
        kit.refresh_from_db()
        if not seen or seen[-1] != (kit.status, kit.step):
            seen.append((kit.status, kit.step))
        return kit.is_done

    wait_until(done, seconds=seconds, what="the kit to be built")
    return kit, seen


def test_a_kit_requested_by_the_web_process_is_built_by_the_real_worker(
    celery_worker_process, media_root
):
    org = OrganizationFactory(slug="acme-kit-worker")
    rep = member(org, Role.SALES, email="rep@acme-kit.test", name="Rita Rep")
    group = group_of(org, 3, name="Worker kit deal", account="Initech")
    for person, outcome in zip(
        Stakeholder.objects.filter(group=group).order_by("name"),
        ["Unplanned downtime hours", "Budget variance", "Audit findings closed"],
        strict=True,
    ):
        person.outcome = outcome
        person.priorities = {"cost-of-downtime": 2}
        person.save()
    asset = Asset.objects.create(
        organization=org,
        slug="downtime-article",
        title="The true cost of downtime",
        themes={"cost-of-downtime": 3},
        summary="Why every hour counts.",
    )
    theme, _ = Theme.objects.get_or_create(
        organization=org, slug="cost-of-downtime", defaults={"name": "Cost of downtime"}
    )
    term = GlossaryTerm.objects.create(
        organization=org, term="Unplanned downtime", definition="Hours a line stops unexpectedly."
    )
    term.themes.add(theme)

    with transaction.atomic():  # as the view does: enqueued by on_commit, after the commit
        kit = kits.kit_request(
            group=group,
            by=rep,
            problem_statement=STATEMENT,
            assets=[{"id": asset.pk, "why": "Puts a number on the shared problem."}],
            plan=[{"step": "Agree on the problem", "owner": "Rita", "due": ""}],
        )
        assert ConsensusKit.objects.get(pk=kit.pk).status == "queued"
    started = time.monotonic()

    kit, seen = wait_until_done(kit)
    elapsed = time.monotonic() - started
    assert kit.status == "ready", (kit.status, kit.step, kit.error, seen)
    assert kit.progress == 100 and kit.step == "Ready" and kit.built_at is not None
    print(f"\nkit built by the worker in {elapsed:.2f} s; states seen: {seen}")

    # The worker wrote the files under the MEDIA_ROOT this process reads.
    pdf_path = media_root / kit.pdf.name
    zip_path = media_root / kit.zip.name
    assert pdf_path.is_file() and zip_path.is_file()
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert " ".join(STATEMENT.split()) in " ".join(text.split())
    assert "The true cost of downtime" in text

    archive = zipfile.ZipFile(io.BytesIO(zip_path.read_bytes()))
    names = archive.namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    texts = [n for n in names if n.endswith(".txt")]
    assert len(pdfs) == 1 and len(texts) == 1, names
    assert any(n.endswith("/glossary.csv") for n in names), names
    assert archive.read(pdfs[0]) == pdf_path.read_bytes()
    assert STATEMENT in archive.read(texts[0]).decode()
    glossary = archive.read(next(n for n in names if n.endswith("glossary.csv"))).decode()
    assert "Unplanned downtime" in glossary and "Hours a line stops unexpectedly." in glossary
    assert kit.document["problem_statement"] == STATEMENT
