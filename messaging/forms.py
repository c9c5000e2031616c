"""The compose form: who, how, what about, and the words."""

from django import forms

from people.models import Person, Team

from .models import Message


class MessageComposeForm(forms.Form):
    channel = forms.ChoiceField(
        choices=Message.Channel.choices, widget=forms.RadioSelect, initial=Message.Channel.EMAIL
    )
    audience = forms.ChoiceField(
        choices=Message.Audience.choices, initial=Message.Audience.GUARDIAN, label="Who is it for?"
    )
    team = forms.ModelChoiceField(Team.objects.none(), required=False, empty_label="Choose players below instead")
    recipients = forms.ModelMultipleChoiceField(
        Person.objects.none(), required=False, label="Players", widget=forms.SelectMultiple(attrs={"size": 8})
    )
    kind = forms.ChoiceField(choices=Message.Kind.choices, label="What is it about?")
    subject = forms.CharField(max_length=150, required=False, help_text="For emails.")
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 8, "data-live-check": "true"}),
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
        return cleaned


class ReturnForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why it is sent back", widget=forms.Textarea(attrs={"rows": 3}))


class MessageReviseForm(forms.Form):
    subject = forms.CharField(max_length=150, required=False)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 8}))
