from django import forms
from django.utils import timezone

from accounts.form_copies import FrozenChoices, cheap_copies
from accounts.form_fields import IdMultipleChoiceField, parse_id
from accounts.models import Membership
from content.forms import CONFIRM_LABEL, SensitiveTextMixin
from content.forms import ThemeWeightsField as ContentThemeWeightsField
from content.models import Asset
from planner import people_search, selectors
from planner.buying_roles import ROLE_CHOICES
from planner.models import BuyingGroup, Relationship, RelationshipKind, Stakeholder

MAX_UPLOAD_BYTES = 20_000_000  # planner.importing.MAX_BYTES
PEOPLE_DATALIST = "group-people"  # the <datalist> of suggested people on a group page


class ThemeWeightsField(ContentThemeWeightsField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Themes this person cares about, most important first, e.g. "
            "cost-of-downtime:3;security. New themes are added to your library.",
        )
        super().__init__(**kwargs)


class GroupForm(forms.ModelForm):
    class Meta:
        model = BuyingGroup
        fields = ["name", "account", "opportunity_stage", "expected_close", "owner", "notes"]
        widgets = {
            "expected_close": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        members = Membership.objects.filter(organization=organization).select_related("user")
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(
            pk__in=members.values("user_id")
        )
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = BuyingGroup.objects.filter(organization=self.organization, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"There is already a buying group called {name!r}.")
        return name


@cheap_copies  # made empty on every group page
class StakeholderForm(SensitiveTextMixin, forms.ModelForm):
    priorities = ThemeWeightsField(label="Priorities")
    confirm_sensitive = forms.BooleanField(label=CONFIRM_LABEL, required=False)
    sensitive_fields = ("notes", "outcome", "title")
    sensitive_intro = (
        "Notes about a person should be about their role in the purchase. Health, "
        "family, religion, ethnicity, sexuality or personal finances have no place here."
    )

    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "email",
            "title",
            "buying_role",
            "influence",
            "stance",
            "priorities",
            "outcome",
            "consent",
            "notes",
        ]
        widgets = {
            "influence": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["name"].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        clash = Stakeholder.objects.filter(group=self.group, email__iexact=email)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"{email} is already in this group.")
        return email

    def clean(self):
        cleaned = super().clean()
        self.check_sensitive(cleaned)
        return cleaned

    def service_data(self) -> dict:
        """What `stakeholder_create` / `stakeholder_update` take."""
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm_sensitive"}


# Up to this many people, forms list everyone (checkboxes, <select>s); a bigger group gets
# a multi-select with search and "select by role" buttons, and people typed with
# suggestions, so the page does not carry every person twice or three times.
LIST_EVERYONE_UP_TO = 24


def person_label(person: Stakeholder) -> str:
    return f"{person.name or person.email} ({person.role_label})"


def people_choices(people) -> FrozenChoices:
    """The options of a <select> of one of `people` (a small group's relationship form):
    what a page may work out once per version of the group and hand to each form."""
    return FrozenChoices(
        (("", "---------"), *((p.pk, person_label(p)) for p in people)), normalized=True
    )


class StakeholderField(forms.Field):
    """One person of the group: their id (from a <select>), or their email or name typed
    into a text box with suggestions (a big group). Anything else is a clear error."""

    def __init__(self, *, people=(), **kwargs):
        super().__init__(**kwargs)
        self.people = list(people)

    def to_python(self, value):
        text = people_search.clean_query(value)
        if not text:
            return None
        pk = parse_id(text)
        if pk is not None:
            for person in self.people:
                if person.pk == pk:
                    return person
            raise forms.ValidationError(
                "Select a valid choice: that person is not in this group.", code="invalid_choice"
            )
        return people_search.resolve(self.people, text)


@cheap_copies  # made empty on every group page
class RelationshipForm(forms.Form):
    source = StakeholderField(label="Person")
    kind = forms.ChoiceField(choices=RelationshipKind.choices, label="Relationship")
    target = StakeholderField(label="Other person")
    strength = forms.TypedChoiceField(
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        initial=3,
        help_text="1 = weak, 5 = very strong.",
    )

    def __init__(
        self, *args, group, stakeholders=None, search_url: str = "", choices=None, **kwargs
    ):
        """`choices`: `people_choices(stakeholders)` when the page has them already."""
        super().__init__(*args, **kwargs)
        self.group = group
        if stakeholders is None:  # a page that has not loaded them (a POST)
            stakeholders = Stakeholder.objects.filter(group=group).order_by("name", "email")
        people = list(stakeholders)
        self.typed = len(people) > LIST_EVERYONE_UP_TO
        self.datalist = PEOPLE_DATALIST
        for name in ("source", "target"):
            field = self.fields[name]
            field.people = people
            if self.typed:  # type a name or email; suggestions from one shared <datalist>
                field.help_text = "Type a name or email and pick a suggestion."
                field.error_messages["required"] = "Type a name or an email."
                field.widget = forms.TextInput(
                    attrs={
                        "list": PEOPLE_DATALIST,
                        "autocomplete": "off",
                        "spellcheck": "false",
                        "data-people-search": search_url,
                    }
                )
            else:
                if choices is None:
                    choices = people_choices(people)
                field.widget = forms.Select(choices=choices)

    def clean(self):
        cleaned = super().clean()
        source, target, kind = cleaned.get("source"), cleaned.get("target"), cleaned.get("kind")
        if source and target and source == target:
            self.add_error("target", "Choose two different people.")
        elif (
            source
            and target
            and kind
            and selectors.relationship_exists(source=source, target=target, kind=kind)
        ):
            self.add_error(
                "target",
                f"{source} already {RelationshipKind(kind).label} {target}.",
            )
        return cleaned


class RelationshipEditForm(forms.ModelForm):
    class Meta:
        model = Relationship
        fields = ["kind", "strength"]


class ImportForm(forms.Form):
    stakeholders = forms.FileField(
        label="Stakeholders CSV",
        required=False,
        help_text="Our format, or a HubSpot contacts / Salesforce contact roles export.",
    )
    relationships = forms.FileField(
        label="Relationships CSV",
        required=False,
        help_text="Columns source_email, target_email, kind, strength.",
    )
    touches = forms.FileField(
        label="Touches CSV",
        required=False,
        help_text="Columns email, occurred_at, channel, asset, themes.",
    )

    def clean(self):
        cleaned = super().clean()
        files = [cleaned.get(name) for name in ("stakeholders", "relationships", "touches")]
        if not any(files) and not self.errors:
            raise forms.ValidationError("Choose at least one CSV file to import.")
        for name in ("stakeholders", "relationships", "touches"):
            upload = cleaned.get(name)
            if upload and upload.size > MAX_UPLOAD_BYTES:
                self.add_error(
                    name,
                    f"{upload.name} is {upload.size / 1_000_000:.1f} MB; the limit is "
                    f"{MAX_UPLOAD_BYTES // 1_000_000} MB.",
                )
        return cleaned


class PlannerSettingsForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles every buying group needs",
        choices=[(value, label) for value, label in ROLE_CHOICES if value != "other"],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Group pages show which of these roles nobody covers yet.",
    )
    half_life_days = forms.IntegerField(
        label="Message half-life (days)",
        min_value=1,
        max_value=365,
        help_text="A message this many days old counts half as much as one sent today "
        "when the app works out what each person has heard.",
    )


CHANNELS = ("email", "call", "meeting", "event", "webinar", "web", "linkedin", "direct mail")


@cheap_copies  # made empty on every group page
class TouchForm(forms.Form):
    recipients = IdMultipleChoiceField(
        queryset=Stakeholder.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Who received it",
        help_text="Tick several people when the same message went to all of them.",
        error_messages={"required": "Choose at least one person who received it."},
    )
    occurred_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.CharField(
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"list": "touch-channels"}),
        help_text="email, call, meeting, event, web...",
    )
    asset = forms.ModelChoiceField(
        queryset=None, required=False, label="Asset", empty_label="No asset (a message)"
    )
    themes = ThemeWeightsField(
        label="Themes",
        help_text="What the message was about, e.g. cost-of-downtime:2;security. "
        "Leave empty to use the asset's themes.",
    )

    def __init__(self, *args, group, stakeholders=None, assets=None, picker=None, **kwargs):
        """`stakeholders` (the group's people) and `assets` (the organization's (pk, title)
        by title, `selectors.asset_choices`): when the page has them, the form's choices.
        With a `picker`, which lists the people itself, they are not made into choices
        (nothing draws them; the people are checked against the group as always). An
        empty form (nothing posted) that is given both is only drawn: it builds no
        queryset to check an answer against (a posted one always does)."""
        super().__init__(*args, **kwargs)
        self.group = group
        # The recipient picker (workspace.recipient_picker) draws the recipients field:
        # search, select by role or faction; without one, Django's checkboxes.
        self.picker = picker
        recipients, asset = self.fields["recipients"], self.fields["asset"]
        recipients.label_from_instance = person_label
        if self.is_bound or picker is None:
            recipients.queryset = Stakeholder.objects.filter(group=group).order_by("name", "email")
        if stakeholders is not None and picker is None:
            recipients.choices = [(s.pk, person_label(s)) for s in stakeholders]
        if self.is_bound or assets is None:
            asset.queryset = Asset.objects.filter(organization_id=group.organization_id).order_by(
                "title"
            )
        if assets is not None:  # flat (pk, title) pairs: taken as they are
            asset.choices = FrozenChoices((("", asset.empty_label), *assets), normalized=True)

    def recipient_ids(self) -> frozenset[int]:
        """The ids of the people ticked (as submitted, or as the initial choice)."""
        value = self["recipients"].value() or ()
        if isinstance(value, str | int):
            value = (value,)
        return frozenset(pk for pk in map(parse_id, value) if pk is not None)

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(
                "That is in the future: log touches once they have happened."
            )
        return value

    def clean(self):
        cleaned = super().clean()
        asset, themes = cleaned.get("asset"), cleaned.get("themes")
        if "themes" in cleaned and not themes and not (asset and asset.themes):
            self.add_error("themes", "Choose an asset with themes, or name at least one theme.")
        return cleaned
