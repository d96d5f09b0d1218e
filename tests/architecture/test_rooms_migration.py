"""A database made before the rooms move keeps every row: the moved models (Snapshot,
PlannedSend, the kit models) change app but keep their tables, and their content types
keep their ids. CI runs this on SQLite and on PostgreSQL."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kits.models import ConsensusKit, KitDownload, KitShare, KitView
from scoring.models import Snapshot
from suggestions.models import PlannedSend

BEFORE_THE_MOVE = ("planner", "0003_consensuskit_kitdownload_kitshare_kitview_and_more")
MOVED = {
    "scoring": ["snapshot"],
    "suggestions": ["plannedsend"],
    "kits": ["consensuskit", "kitdownload", "kitshare", "kitview"],
}


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _state_apps_now():
    executor = MigrationExecutor(connection)
    applied = list(executor.loader.applied_migrations)
    return executor.loader.project_state(applied).apps


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_read_through_the_new_models():
    _migrate([BEFORE_THE_MOVE])
    assert ("kits", "0001_initial") not in MigrationExecutor(connection).loader.applied_migrations
    old = _state_apps_now()
    with pytest.raises(LookupError):
        old.get_model("kits", "ConsensusKit")  # the state of a database before the move

    # Content types as the old code made them (the test database was made after the move).
    ContentType.objects.filter(app_label__in=MOVED).delete()
    old_types = {
        model: ContentType.objects.get_or_create(app_label="planner", model=model)[0].pk
        for models in MOVED.values()
        for model in models
    }

    organization = old.get_model("accounts", "Organization").objects.create(
        slug="before", name="Before the move"
    )
    user = old.get_model("accounts", "User").objects.create(
        email="rep@before.example", name="Rita Rep", password="!"
    )
    group = old.get_model("planner", "BuyingGroup").objects.create(
        organization=organization, name="Contoso", account="Contoso"
    )
    person = old.get_model("planner", "Stakeholder").objects.create(
        group=group,
        email="dana@contoso.example",
        name="Dana",
        buying_role="influencer",
        influence=3,
        stance="neutral",
        priorities={},
    )
    asset = old.get_model("content", "Asset").objects.create(
        organization=organization,
        slug="downtime",
        title="Cost of downtime",
        kind="article",
        framing="shared_problem",
        level="mass_customized",
        stage="problem_identification",
        themes={},
    )
    now = timezone.now()
    old.get_model("planner", "Snapshot").objects.create(
        group=group, taken_at=now, divergence=0.25, readiness=61, document={"readiness": {}}
    )
    planned = old.get_model("planner", "PlannedSend").objects.create(
        group=group, asset=asset, send_first=person, reasons=["Shared problem"], created_by=user
    )
    planned.recipients.set([person])
    kit = old.get_model("planner", "ConsensusKit").objects.create(
        group=group, version=1, status="ready", problem_statement="Downtime costs us", plan=[]
    )
    old.get_model("planner", "KitDownload").objects.create(kit=kit, user=user, format="pdf")
    share = old.get_model("planner", "KitShare").objects.create(
        kit=kit, nonce="n0nce", created_by=user, expires_at=now, views=2
    )
    old.get_model("planner", "KitView").objects.create(share=share)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    snapshot = Snapshot.objects.get(group_id=group.pk)
    assert (snapshot.divergence, snapshot.readiness) == (0.25, 61)
    send = PlannedSend.objects.get(group_id=group.pk)
    assert send.asset.title == "Cost of downtime"
    assert [r.email for r in send.recipients.all()] == ["dana@contoso.example"]
    assert send.send_first.name == "Dana"
    assert send.status == PlannedSend.Status.PLANNED
    built = ConsensusKit.objects.get(group_id=group.pk)
    assert built.problem_statement == "Downtime costs us"
    assert built.downloads.get().user.email == "rep@before.example"
    assert KitShare.objects.get(kit=built).views == 2
    assert KitView.objects.filter(share__kit=built).count() == 1
    assert KitDownload.objects.count() == 1
    assert group.pk in {g.group_id for g in Snapshot.objects.all()}

    for app_label, models in MOVED.items():
        for model in models:
            moved = ContentType.objects.get(app_label=app_label, model=model)
            assert moved.pk == old_types[model]  # renamed, not made anew
    assert not ContentType.objects.filter(app_label="planner", model__in=old_types).exists()
