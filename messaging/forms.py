"""The compose form: who, how, what about, and the words."""

from django import forms

from people.models import Person, Team
from sefton_safety.pickers import PeoplePickerField

from . import rules
from .models import Message

# The compose page's character counter reads each channel's limit from the message box.
LIMIT_ATTRIBUTES = {f"data-max-{channel}": str(limit) for channel, limit in rules.MAX_LENGTH.items()}

# Starting words for the informational kinds (MSG-5): short, factual, signed off properly.
SIGN_OFF = "\n\nMany thanks,\n[your name], [your role]"
TEMPLATES = {
    "event_reminder": "Hello,\n\nA reminder that [event] is on [day] at [time], at [place]." + SIGN_OFF,
    "kit": "Hello,\n\nPlease bring [kit] to [session] on [day]." + SIGN_OFF,
    "practice_times": "Hello,\n\nPractice on [day] runs from [start] to [finish] at [place]." + SIGN_OFF,
    "fixture_change": "Hello,\n\nThe match against [opponent] has moved to [day] at [time], at [place]." + SIGN_OFF,
    "cancellation": "Hello,\n\n[Session or match] on [day] is cancelled because [reason]." + SIGN_OFF,
    "free_text": "",
}


class MessageComposeForm(forms.Form):
    channel = forms.ChoiceField(
        choices=Message.Channel.choices, widget=forms.RadioSelect, initial=Message.Channel.EMAIL
    )
    audience = forms.ChoiceField(
        choices=[c for c in Message.Audience.choices if c[0] != Message.Audience.ADULT],
        initial=Message.Audience.GUARDIAN,
        label="Who is it for?",
    )
    team = forms.ModelChoiceField(Team.objects.none(), required=False, empty_label="Choose players below instead")
    recipients = PeoplePickerField(Person.objects.none(), required=False, label="Players")
    kind = forms.ChoiceField(
        choices=Message.Kind.choices,
        label="What is it about?",
        help_text="Choosing one fills the message with starting words, if it is empty.",
    )
    subject = forms.CharField(max_length=150, required=False, help_text="For emails.")
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 8, "data-live-check": "true", **LIMIT_ATTRIBUTES}),
        help_text="End an email with a professional sign-off and your name. No emojis or kisses.",
    )

    def __init__(self, *args, teams=None, players=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()
        self.fields["recipients"].queryset = players if players is not None else Person.objects.none()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("team") and not cleaned.get("recipients"):
            raise forms.ValidationError("Choose a team, or at least one player.")
        if cleaned.get("channel") == Message.Channel.EMAIL and not cleaned.get("subject"):
            self.add_error("subject", "An email needs a subject.")
        _check_length(self, cleaned.get("channel"))
        return cleaned


def _check_length(form, channel):
    """X-4: a body longer than its channel carries is refused on the form, before any rule runs."""
    body = form.cleaned_data.get("body")
    if body is None or channel not in rules.MAX_LENGTH:
        return
    finding = rules.length_finding(body, channel)
    if finding:
        form.add_error("body", finding.message)


class ReturnForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why it is sent back", widget=forms.Textarea(attrs={"rows": 3}))


class MessageReviseForm(forms.Form):
    subject = forms.CharField(max_length=150, required=False)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 8, **LIMIT_ATTRIBUTES}))

    def __init__(self, *args, channel, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.fields["body"].widget.attrs["data-channel"] = channel

    def clean(self):
        cleaned = super().clean()
        _check_length(self, self.channel)
        return cleaned


class InboundReplyForm(forms.Form):
    """A reply as a provider posts it, checked against the columns it is kept in: a NUL byte or an
    over-long sender or reference is refused whole, never cut to fit. A reply without words (a
    picture message) is still a reply."""

    from_address = forms.CharField(max_length=254)
    body = forms.CharField(required=False)
    provider_reference = forms.CharField(max_length=200)
