"""Forms of the content library: assets (with a file and the sensitive-data check), the
glossary and the library CSV upload."""

import hashlib

from django import forms

from accounts.form_fields import IdMultipleChoiceField
from content import importing
from content.csv_schemas import SUMMARY_MAX_LENGTH
from content.models import Asset, GlossaryTerm, Theme
from content.sensitive import Finding, find_sensitive
from content.uploads import ALLOWED_LABEL, UploadRefused, check_upload, human_size, max_bytes
from csvio.fields import FieldError, parse_slug, parse_theme_weights

CONFIRM_LABEL = "I have checked this text and want to save it"


def format_theme_weights(weights: dict) -> str:
    """The inverse of `parse_theme_weights`: `slug:weight;slug` (weight 1 left out)."""
    parts = []
    for slug, weight in sorted(weights.items(), key=lambda item: (-item[1], item[0])):
        parts.append(slug if weight == 1 else f"{slug}:{weight:.10g}")
    return ";".join(parts)


class ThemeWeightsField(forms.CharField):
    """A text input for `slug:weight;slug` that cleans to a dict (as planner's, which
    content cannot import)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return format_theme_weights(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_theme_weights(text or "")
        except FieldError as error:
            raise forms.ValidationError(str(error)) from error


def findings_signature(findings: tuple[Finding, ...]) -> str:
    """Names exactly the findings a person confirmed: new ones need a new confirmation."""
    keys = sorted({f"{f.category}:{f.phrase.casefold()}" for f in findings})
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]


class SensitiveTextMixin:
    """A form that warns before saving text that mentions personal data about someone.

    The form declares `confirm_sensitive` (a BooleanField, not required) and lists the
    fields to check in `sensitive_fields`; `clean()` calls `check_sensitive(cleaned)`.
    With findings, nothing is saved until the box is ticked for exactly those findings;
    partials/form_fields.html shows the warning and the box.
    """

    sensitive_fields: tuple[str, ...] = ()
    sensitive_intro = "This text may mention personal data about someone."
    sensitive_findings: tuple[Finding, ...] = ()

    def visible_fields(self):
        # The confirmation is shown with the warning it answers, not among the fields.
        return [field for field in super().visible_fields() if field.name != "confirm_sensitive"]

    @property
    def sensitive_signature(self) -> str:
        return findings_signature(self.sensitive_findings)

    @property
    def sensitive_signature_name(self) -> str:
        return self.add_prefix("sensitive_signature")

    def check_sensitive(self, cleaned: dict) -> None:
        text = "\n".join(str(cleaned.get(name) or "") for name in self.sensitive_fields)
        self.sensitive_findings = find_sensitive(text)
        confirmed = cleaned.get("confirm_sensitive") and (
            self.data.get(self.sensitive_signature_name) == self.sensitive_signature
        )
        if self.sensitive_findings and not confirmed:
            self.add_error(
                "confirm_sensitive",
                "Nothing was saved yet. Change the text, or tick the box to save it as it is.",
            )


class AssetForm(SensitiveTextMixin, forms.ModelForm):
    sensitive_fields = ("title", "summary")
    sensitive_intro = (
        "The title or summary may mention personal data about someone. The library is "
        "shared with the whole team, so describe the content, not people."
    )

    themes = ThemeWeightsField(
        label="Themes",
        help_text="What it is about, most important first, e.g. cost-of-downtime:3;uptime. "
        "New themes are added to your library.",
    )
    slug = forms.CharField(label="Slug", max_length=60, required=False)
    url = forms.URLField(
        label="Link",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Where the asset lives, if it is online.",
    )
    upload = forms.FileField(label="File", required=False)
    remove_file = forms.BooleanField(label="Remove the attached file", required=False)
    confirm_sensitive = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    class Meta:
        model = Asset
        fields = ["title", "kind", "framing", "level", "stage", "themes", "summary", "url", "slug"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "framing": "Shared-problem content gives the whole buying group one story.",
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["summary"].max_length = SUMMARY_MAX_LENGTH
        self.fields["summary"].widget.attrs["maxlength"] = SUMMARY_MAX_LENGTH
        self.fields["upload"].help_text = (
            f"{ALLOWED_LABEL}, up to {human_size(max_bytes())}. Only members of your "
            "organization can download it."
            + (" A new file replaces the one attached now." if self.instance.file else "")
        )
        self.fields["slug"].help_text = (
            "How CSV files name this asset. Leave empty to make one from the title."
            if not self.instance.pk
            else "How CSV files name this asset: files that use the old slug stop matching."
        )
        if not self.instance.file:
            del self.fields["remove_file"]

    @property
    def upload_dropped(self) -> bool:
        """A file was chosen but the form is shown again: browsers do not keep it."""
        return self.is_bound and bool(self.files.get("upload")) and bool(self.errors)

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_slug(self):
        text = self.cleaned_data.get("slug", "").strip()
        if not text:
            return ""
        try:
            slug = parse_slug(text)
        except FieldError as error:
            raise forms.ValidationError(f"The slug {error}.") from error
        clash = Asset.objects.filter(organization=self.organization, slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"Another asset already uses the slug {slug}.")
        return slug

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                check_upload(name=upload.name, size=upload.size, file=upload)
            except UploadRefused as error:
                raise forms.ValidationError(str(error)) from error
        return upload

    def clean(self):
        cleaned = super().clean()
        self.check_sensitive(cleaned)
        return cleaned

    def _post_clean(self):
        # The model form would copy every field onto the instance; services do the writes.
        pass

    def service_kwargs(self) -> dict:
        """What `asset_create` / `asset_update` take, from the cleaned data."""
        data = self.cleaned_data
        kwargs = {name: data[name] for name in self.Meta.fields}
        kwargs["upload"] = data.get("upload") or None
        if self.instance.pk:
            kwargs["remove_file"] = bool(data.get("remove_file"))
        return kwargs


class GlossaryTermForm(forms.ModelForm):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "definition", "themes"]
        field_classes = {"themes": IdMultipleChoiceField}
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "term": "A word the buying group should use the same way, e.g. “downtime”.",
            "definition": "What it means for everyone: finance, IT and the business.",
            "themes": "The themes this word belongs to.",
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["themes"].queryset = Theme.objects.filter(organization=organization).order_by(
            "name"
        )
        self.fields["themes"].required = False

    def clean_term(self):
        term = " ".join(self.cleaned_data["term"].split())
        clash = GlossaryTerm.objects.filter(organization=self.organization, term__iexact=term)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"“{term}” is already in the glossary.")
        return term

    def _post_clean(self):
        pass  # services do the writes and check the constraint again


class AssetImportForm(forms.Form):
    file = forms.FileField(
        label="Library CSV",
        help_text="Columns slug, title, kind, framing, level, stage, themes, url, summary.",
        error_messages={"required": "Choose a CSV file to import."},
    )
    demo = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.fields["demo"].clean(self.data.get("demo")):
            self.fields["file"].required = False  # the demo library instead of a file

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload and upload.size > importing.MAX_BYTES:
            self.add_error(
                "file",
                f"{upload.name} is {human_size(upload.size)}; the limit is "
                f"{importing.MAX_BYTES // 1_000_000} MB.",
            )
        return cleaned
