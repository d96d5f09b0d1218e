from django import forms

from api.models import ApiKey
from api.webhooks import EVENTS


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="The system that will use it, such as “HubSpot sync”."
    )
    scope = forms.ChoiceField(
        choices=ApiKey.Scope.choices,
        initial=ApiKey.Scope.READ,
        help_text="A read key can only read; a write key can also create and change.",
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Endpoint URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where we POST each event (http or https, a public address).",
    )
    events = forms.MultipleChoiceField(
        choices=[(name, f"{name}: {text}") for name, text in EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="Which events to send there.",
    )
    description = forms.CharField(max_length=120, required=False)
