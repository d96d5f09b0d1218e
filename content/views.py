"""Content-library pages. Thin: parse the request, look up through `content.access`, call a
service or selector, render. htmx requests to the library list get its `results` fragment.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_role
from accounts.http import posted, posted_files, see_other
from content import importing, selectors, services
from content.access import (
    EDITORS,
    get_asset_for_user,
    get_pending_asset_import_for_user,
    get_term_for_user,
)
from content.csv_schemas import FRAMING_CHOICES, LEVEL_CHOICES, STAGE_CHOICES
from content.delivery import file_response
from content.forms import AssetForm, AssetImportForm, GlossaryTermForm
from content.uploads import BY_KEY

PAGE_SIZE = 20
GLOSSARY_PAGE_SIZE = 50


def _choice(params, name: str, choices) -> str:
    value = params.get(name, "")
    return value if value in dict(choices) else ""


def _filters(params) -> selectors.AssetFilters:
    sort = params.get("sort", selectors.DEFAULT_SORT)
    return selectors.AssetFilters(
        query=params.get("q", "")[:100],
        theme=params.get("theme", "")[:60],
        framing=_choice(params, "framing", FRAMING_CHOICES),
        level=_choice(params, "level", LEVEL_CHOICES),
        stage=_choice(params, "stage", STAGE_CHOICES),
        sort=sort if sort in selectors.ASSET_SORTS else selectors.DEFAULT_SORT,
    )


@require_GET
def asset_list(request):
    membership = require_role(request)
    organization = membership.organization
    filters = _filters(request.GET)
    page = Paginator(selectors.asset_list(organization, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.with_theme_chips(page.object_list, organization)
    context = {
        "page": page,
        "filters": filters,
        "themes": selectors.themes_of(organization),
        "sorts": selectors.ASSET_SORTS,
        "framings": FRAMING_CHOICES,
        "levels": LEVEL_CHOICES,
        "stages": STAGE_CHOICES,
        "can_edit": membership.role in EDITORS,
    }
    template = "content/asset_list.html#results" if request.htmx else "content/asset_list.html"
    return render(request, template, context)


@require_GET
def asset_detail(request, pk: int):
    asset = get_asset_for_user(request, pk)
    selectors.with_theme_chips([asset], asset.organization)
    context = {
        "asset": asset,
        "file_type": BY_KEY.get(asset.file_type),
        "terms": selectors.terms_for_themes(asset.organization, list(asset.themes)),
        "can_edit": request.membership.role in EDITORS,
    }
    return render(request, "content/asset_detail.html", context)


@require_http_methods(["GET", "POST"])
def asset_create(request):
    membership = require_role(request, EDITORS)
    form = AssetForm(posted(request), posted_files(request), organization=membership.organization)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_create(
                organization=membership.organization, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{asset} was added to the library.")
            return see_other(asset.get_absolute_url())
    return render(request, "content/asset_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def asset_edit(request, pk: int):
    asset = get_asset_for_user(request, pk, roles=EDITORS)
    form = AssetForm(
        posted(request), posted_files(request), instance=asset, organization=asset.organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update(asset=asset, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{asset} was saved.")
            return see_other(asset.get_absolute_url())
    return render(request, "content/asset_form.html", {"form": form, "asset": asset})


@require_POST
def asset_delete(request, pk: int):
    asset = get_asset_for_user(request, pk, roles=EDITORS)
    services.asset_delete(asset=asset)
    messages.success(request, f"{asset} was removed from the library.")
    return see_other(reverse("asset_list"))


@require_GET
def asset_file(request, pk: int):
    """The asset's file, to members of its organization only, always as a download."""
    asset = get_asset_for_user(request, pk)
    if not asset.file:
        raise Http404("This asset has no file.")
    file_type = BY_KEY.get(asset.file_type)
    return file_response(
        asset.file,
        filename=asset.file_name or "download",
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )


@require_http_methods(["GET", "POST"])
def asset_import(request):
    membership = require_role(request, EDITORS)
    organization = membership.organization
    form = AssetImportForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload:
            name, data = upload.name, upload.read(importing.MAX_BYTES + 1)
        else:
            name, data = importing.DEMO_LIBRARY.name, importing.DEMO_LIBRARY.read_bytes()
        plan = importing.asset_import_plan(organization=organization, data=data, name=name)
        pending = None
        if plan.ok:
            pending = importing.asset_import_stage(
                organization=organization, by=request.user, name=name, data=data
            )
        context = {"form": AssetImportForm(), "plan": plan, "pending": pending}
        return render(request, "content/asset_import.html", context)
    return render(request, "content/asset_import.html", {"form": form})


@require_POST
def asset_import_confirm(request, pk: int):
    pending = get_pending_asset_import_for_user(request, pk)
    name = pending.file_name
    plan = importing.asset_import_confirm(pending=pending)
    if not plan.ok:  # the library changed since the preview in a way that breaks the file
        return render(
            request, "content/asset_import.html", {"form": AssetImportForm(), "plan": plan}
        )
    messages.success(request, f"Imported {name}: {plan.summary()}.")
    return see_other(reverse("asset_list"))


# --- Glossary -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def glossary(request):
    membership = require_role(request)
    can_edit = membership.role in EDITORS
    if request.method == "POST":
        require_role(request, EDITORS)
    organization = membership.organization
    form = GlossaryTermForm(posted(request), organization=organization) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            term = services.term_create(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{term}” was added to the glossary.")
            return see_other(reverse("glossary"))
    query = request.GET.get("q", "")[:100]
    terms = selectors.glossary_list(organization, query=query)
    page = Paginator(terms, GLOSSARY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "form": form, "can_edit": can_edit}
    status = 400 if request.method == "POST" else 200  # a form with errors is a 4xx
    return render(request, "content/glossary.html", context, status=status)


@require_http_methods(["GET", "POST"])
def term_edit(request, pk: int):
    term = get_term_for_user(request, pk, roles=EDITORS)
    form = GlossaryTermForm(posted(request), instance=term, organization=term.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_update(glossary_term=term, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{term}” was saved.")
            return see_other(reverse("glossary"))
    status = 400 if request.method == "POST" else 200  # a form with errors is a 4xx
    return render(request, "content/term_form.html", {"form": form, "term": term}, status=status)


@require_POST
def term_delete(request, pk: int):
    term = get_term_for_user(request, pk, roles=EDITORS)
    services.term_delete(glossary_term=term)
    messages.success(request, f"“{term}” was removed from the glossary.")
    return see_other(reverse("glossary"))
