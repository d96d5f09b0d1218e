"""factory-boy factories for the content library."""

import factory

from content.models import Asset, GlossaryTerm, Theme
from tests.factories import OrganizationFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("organization", "slug")

    organization = factory.SubFactory(OrganizationFactory)
    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    organization = factory.SubFactory(OrganizationFactory)
    slug = factory.Sequence(lambda n: f"asset-{n}")
    title = factory.Sequence(lambda n: f"Asset {n:03d}")
    kind = "article"
    framing = "shared_problem"
    level = "mass_customized"
    stage = "problem_identification"
    themes = factory.LazyFunction(dict)
    summary = ""
    url = ""


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    term = factory.Sequence(lambda n: f"Term {n}")
    definition = "What it means for everyone."

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def pdf_upload(name: str = "report.pdf", data: bytes = PDF_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def asset_with_file(organization, *, name: str = "report.pdf", data: bytes = PDF_BYTES, **fields):
    """An asset with an uploaded file, stored through the service like a real upload."""
    from content.services import asset_create

    values = {
        "title": "Downtime report",
        "kind": "article",
        "framing": "shared_problem",
        "level": "mass",
        "stage": "problem_identification",
        "themes": {},
    }
    values.update(fields)
    return asset_create(organization=organization, upload=pdf_upload(name, data), **values)
