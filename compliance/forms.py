"""Forms of the committee's view and the volunteers' acknowledgement."""

from datetime import timedelta

from django import forms

from people.models import club_today


class PolicyPublishForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, required=False)
    body = forms.CharField(
        label="The policy",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Start each clause on its own line with “·”, so it can be matched to the rule that carries it.",
    )
    review_by = forms.DateField(
        label="Review by",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=lambda: club_today() + timedelta(days=365),
    )


class AcknowledgementForm(forms.Form):
    """VOL-1, VOL-2: reading, and the two declarations, in one step."""

    read = forms.BooleanField(
        label="I have read this version of the policy and will follow it",
        error_messages={"required": "Tick to say you have read the policy."},
    )
    declares_no_friending = forms.BooleanField(
        label="I do not ‘friend’ or ‘follow’ children or young people from my personal social media accounts",
        error_messages={"required": "This declaration is part of volunteering with children at the club."},
    )
    declares_no_private_messages = forms.BooleanField(
        label="I do not message children or young people from personal accounts or in private messages",
        error_messages={"required": "This declaration is part of volunteering with children at the club."},
    )


class SubjectAccessForm(forms.Form):
    """A family's data leaves the portal only with a fresh code: an open session is not enough."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
