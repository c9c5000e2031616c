"""Forms of the consents app; every refusal says what to do instead."""

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone

from people.models import Person, Team

from . import rules
from .models import DirectContactRequest


class ConsentAnswersForm(forms.Form):
    """One yes/no per question: an unticked box is an answer of no, so the form always answers all."""

    consent_round = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, current=None, for_themselves=False, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        help_texts = rules.TOPIC_HELP_FOR_THEMSELVES if for_themselves else rules.TOPIC_HELP
        for topic, label in rules.TOPICS.items():
            answer = current.get(topic)
            self.fields[topic] = forms.BooleanField(
                label=label,
                required=False,
                help_text=help_texts[topic],
                initial=bool(answer and answer.given),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
            )

    def answers(self):
        return {topic: self.cleaned_data[topic] for topic in rules.TOPICS}

    def photo_fields(self):
        return [self[topic] for topic in rules.PHOTO_TOPICS]

    def contact_fields(self):
        return [self[topic] for topic in rules.CONTACT_TOPICS]


class AcceptableUseForm(forms.Form):
    agree = forms.BooleanField(
        label="I have read this and I agree",
        error_messages={"required": "Tick the box to say you agree, or close this page if you do not."},
    )


class DirectContactRequestForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label="Until", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    class Meta:
        model = DirectContactRequest
        fields = ["child", "purpose", "details", "channel", "club_phone", "starts_at", "ends_at"]
        labels = {"child": "Player", "details": "What it is about", "club_phone": "Club phone (for a call or a text)"}
        help_texts = {"details": "One sentence the guardians will read, for example: kit for Saturday's away match."}

    def __init__(self, *args, children=None, volunteer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children if children is not None else Person.objects.none()
        # VOL-4: only the club phones this volunteer holds today are offered.
        today = timezone.localdate()
        phones = self.fields["club_phone"].queryset
        held = Q(holdings__person=volunteer, holdings__starts_on__lte=today) & (
            Q(holdings__ends_on__isnull=True) | Q(holdings__ends_on__gte=today)
        )
        self.fields["club_phone"].queryset = (
            phones.filter(held, in_service=True).distinct() if volunteer else phones.none()
        )
        self.fields["club_phone"].empty_label = "No club phone (for email, social media or messaging)"
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["starts_at"].initial = now
        self.fields["ends_at"].initial = now + timedelta(days=7)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_at") and cleaned.get("ends_at") and cleaned["ends_at"] <= cleaned["starts_at"]:
            self.add_error("ends_at", "The window must end after it starts.")
        return cleaned


class ConsentRoundStartForm(forms.Form):
    season = forms.IntegerField(
        min_value=2000, max_value=2100, help_text="Named by its summer: 2027 means April to September 2027."
    )
    team = forms.ModelChoiceField(Team.objects.all(), required=False, empty_label="The whole club")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["season"].initial = rules.round_season_default(today)
        self.fields["season"].error_messages.update(
            {
                "invalid": "Enter the season as a year, for example 2027.",
                "min_value": "Enter the season as a year from 2000 on, for example 2027.",
                "max_value": "Enter the season as a year before 2100, for example 2027.",
            }
        )


class DecisionForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=300, label="A note for the volunteer (optional)", widget=forms.TextInput
    )
