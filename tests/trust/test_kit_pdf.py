"""Issue 15, item 8: the kit names the rep (name, email, phone from the profile) on the
cover and the last page; a share link's PDF and page link each asset file; the glossary
holds the terms the rep kept; the PDF never ends on an almost empty page."""

import io
import re
from datetime import date

import pytest
from django.test import Client
from pypdf import PdfReader

from accounts.forms import clean_phone_number
from content.models import GlossaryTerm, Theme
from kits import services as kits
from kits.content import KitAsset, KitDocument, KitStep, KitTerm
from kits.models import ConsensusKit
from kits.render import render_pdf
from tests.content.factories import asset_with_file

pytestmark = pytest.mark.django_db

PHONE = "+44 20 7946 0958"


def _pages(file) -> list[str]:
    with file.open("rb") as handle:
        return [page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages]


def _links(file) -> list[str]:
    with file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and action.get("/URI"):
                uris.append(str(action["/URI"]))
    return uris


def _form_data(page) -> dict:
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return {k: ("on" if v is True else "" if v is False else v) for k, v in data.items()}


@pytest.fixture
def build(client, django_capture_on_commit_callbacks):
    """Build a kit from the page, as the rep would, changing some of the draft's fields."""

    def run(group, **changes):
        page = client.get(f"/groups/{group.pk}/kits/new/")
        assert page.status_code == 200
        data = _form_data(page)
        data.update(changes)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/groups/{group.pk}/kits/new/", data)
        assert response.status_code == 303, response.content.decode()[:2000]
        return ConsensusKit.objects.filter(group=group).latest("version")

    return run


@pytest.fixture
def rep(sales_rep):
    sales_rep.phone = PHONE
    sales_rep.save()
    return sales_rep


# --- the phone in the profile -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        (" (555)  010-2000 x12 ", "(555) 010-2000 ext. 12"),
        ("", ""),
    ],
)
def test_a_phone_is_kept_as_written(typed, kept):
    assert clean_phone_number(typed) == kept


@pytest.mark.parametrize("typed", ["call me", "12345", "+44 20 7946 0958 0000 0000", "=1+2"])
def test_a_phone_that_is_not_a_number_is_refused(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="6 to 15 digits"):
        clean_phone_number(typed)


def test_the_preferences_page_saves_and_shows_the_phone(client, sales_rep):
    client.force_login(sales_rep)
    data = {"name": "Sam Seller", "time_zone": "UTC", "phone": PHONE, "digest_enabled": "on"}
    assert client.post("/account/preferences/", data).status_code == 302
    sales_rep.refresh_from_db()
    assert sales_rep.phone == PHONE
    page = client.get("/account/preferences/").content.decode()
    assert f'value="{PHONE}"' in page and f"<strong>{PHONE}</strong>" in page
    refused = client.post("/account/preferences/", {**data, "phone": "call me"})
    assert refused.status_code == 200 and "6 to 15 digits" in refused.content.decode()
    sales_rep.refresh_from_db()
    assert sales_rep.phone == PHONE


# --- the rep on the cover and the last page ---------------------------------------------


def test_the_pdf_names_the_rep_on_the_cover_and_the_last_page(build, client, rep, kit_group):
    client.force_login(rep)
    kit = build(kit_group)
    assert kit.status == "ready"
    pages = _pages(kit.pdf)
    for page in (pages[0], pages[-1]):
        flat = " ".join(page.split())
        assert "Sam Seller" in flat and "sales@acme.test" in flat and PHONE in flat, flat
    assert "mailto:sales@acme.test" in _links(kit.pdf)
    assert "tel:+442079460958" in _links(kit.pdf)


def _document(steps: int, terms: int) -> KitDocument:
    return KitDocument(
        title="A shared view of downtime",
        account="Contoso",
        version=1,
        prepared_by="Sam Seller",
        prepared_by_email="sales@acme.test",
        prepared_by_phone=PHONE,
        prepared_on=date(2026, 12, 6),
        problem_statement="\n\n".join(["Downtime costs every team. " * 8] * 2),
        terms=tuple(
            KitTerm(term=f"Term {i}", definition="A definition long enough to wrap. " * 2)
            for i in range(terms)
        ),
        assets=tuple(
            KitAsset(title=f"Asset {i}", kind="Article", why="Explains downtime.") for i in range(3)
        ),
        framing=(
            "Open with the problem, not a product: read the problem statement aloud.",
            "Use the words in the glossary.",
            "Ask each person how they will know it worked.",
        ),
        plan=tuple(
            KitStep(step=f"Step {i}: agree the next move", owner="Both", due=date(2027, 1, i + 1))
            for i in range(steps)
        ),
    )


# Sizes that once left the closing words alone on the last page.
@pytest.mark.parametrize(
    ("steps", "terms"), [(0, 23), (2, 16), (4, 14), (6, 7), (6, 10), (8, 13), (12, 0), (12, 20)]
)
def test_the_last_page_is_never_almost_blank(steps, terms):
    pdf = render_pdf(_document(steps, terms))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    last = " ".join(pages[-1].split())
    assert "Questions or changes? Talk to Sam Seller" in last
    closing = last.index("Questions or changes?")
    footer = re.sub(r"v1 · 6 Dec 2026 Contoso Page \d+ of \d+", "", last[:closing])
    assert len(footer.strip()) >= 100, (len(pages), last)  # more than the closing words


# --- asset files, through the share link ------------------------------------------------


@pytest.fixture
def kit_with_file(build, client, rep, org, kit_group):
    asset = asset_with_file(
        org, title="Downtime calculator", name="calculator.pdf", themes={"cost-of-downtime": 2}
    )
    client.force_login(rep)
    kit = build(kit_group, **{f"asset_{asset.pk}_include": "on", f"asset_{asset.pk}_order": "1"})
    share = kits.share_create(kit=kit, by=rep)
    return kit, share, kits.share_token(share), asset


def test_the_share_links_pdf_links_the_file_through_the_share(kit_with_file):
    kit, share, token, asset = kit_with_file
    reader = Client()
    response = reader.get(f"/k/{token}/kit.pdf")
    assert response.status_code == 200
    share.refresh_from_db()
    # The link is signed when the PDF is made (its token may carry a later second than
    # `token`): it must name this share and this file, and open it.
    files = [u for u in _links(share.pdf) if "/files/" in u]
    assert len(files) == 1
    site, path = "https://app.example.com", files[0].removeprefix("https://app.example.com")
    assert files[0].startswith(f"{site}/k/") and path.endswith(f"/files/{asset.pk}/")
    assert kits.share_from_token(path.split("/")[2]) == share
    assert "calculator.pdf" in " ".join(_pages(share.pdf))
    # The rep's own copy names the file and where to get it, with no member-only link.
    assert "calculator.pdf" in " ".join(" ".join(_pages(kit.pdf)).split())
    assert not [u for u in _links(kit.pdf) if "/files/" in u or "/library/" in u]
    assert reader.get(path).status_code == 200  # the PDF's own link
    assert reader.get(f"/k/{token}/files/{asset.pk}/").status_code == 200
    kits.share_revoke(share=share)
    assert reader.get(f"/k/{token}/files/{asset.pk}/").status_code == 410
    assert reader.get(f"/k/{token}/kit.pdf").status_code == 410


def test_the_share_page_links_the_file_under_its_asset_and_names_the_rep(kit_with_file):
    _kit, _share, token, asset = kit_with_file
    page = Client().get(f"/k/{token}/").content.decode()
    assets = page[page.index('id="k-assets"') : page.index("</ol>", page.index('id="k-assets"'))]
    assert f'href="/k/{token}/files/{asset.pk}/"' in assets and "calculator.pdf" in assets
    assert "Files to download" not in page  # not a second list apart
    assert page.count('href="mailto:sales@acme.test"') == 2  # the cover and the end
    assert page.count('href="tel:+442079460958"') == 2


# --- the glossary the rep kept ----------------------------------------------------------


def test_the_rep_keeps_or_drops_each_glossary_term(build, client, rep, org, kit_group):
    other = GlossaryTerm.objects.create(
        organization=org, term="Chip shortage", definition="Supply of chips runs short."
    )
    other.themes.add(Theme.objects.create(organization=org, slug="supply", name="Supply"))
    ours = GlossaryTerm.objects.get(organization=org, term="Unplanned downtime")
    client.force_login(rep)
    page = client.get(f"/groups/{kit_group.pk}/kits/new/")
    html = page.content.decode()
    assert "Chip shortage" in html and "Unplanned downtime" in html
    data = _form_data(page)
    assert data[f"term_{ours.pk}_keep"] == "on"  # linked to this group's themes
    assert data[f"term_{other.pk}_keep"] == ""  # made for another deal's themes

    kept_default = build(kit_group)
    assert kept_default.glossary == [ours.pk]
    text = " ".join(_pages(kept_default.pdf))
    assert "Hours a line stops unexpectedly." in text and "Chip shortage" not in text

    dropped = build(kit_group, **{f"term_{ours.pk}_keep": ""})
    assert dropped.glossary == []
    assert "Words we use" not in " ".join(_pages(dropped.pdf))


def test_a_term_of_another_organization_cannot_be_kept(client, rep, other_org, kit_group):
    foreign = GlossaryTerm.objects.create(organization=other_org, term="Secret", definition="x")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        kits.kit_request(
            group=kit_group,
            by=rep,
            problem_statement="p",
            assets=[],
            plan=[],
            glossary=[foreign.pk],
        )


# --- who may build ----------------------------------------------------------------------


def test_a_marketer_may_not_build_a_kit(client, marketer, kit_group):
    client.force_login(marketer)
    assert client.get(f"/groups/{kit_group.pk}/kits/new/").status_code == 403
    assert client.post(f"/groups/{kit_group.pk}/kits/new/", {}).status_code == 403


def test_another_organizations_kit_is_not_found(build, client, other_org_admin, rep, kit_group):
    client.force_login(rep)
    kit = build(kit_group)
    client.force_login(other_org_admin)
    assert client.get(f"/groups/{kit_group.pk}/kits/{kit.pk}/").status_code == 404
    assert client.get(f"/groups/{kit_group.pk}/kits/new/").status_code == 404
