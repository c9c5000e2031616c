"""The compose form: who, how, what about, and the words; the form that imports a team's fixtures."""

from django import forms

from people.models import STAFF_ROLE_KINDS, Person, Team
from sefton_safety.pickers import PeoplePickerField, PersonPickerField

from . import rules
from .calendar_feed import MAX_BYTES, CalendarFeedError, calendar_fetch
from .fixture_calendar import calendar_events
from .models import Fixture, Message

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


class FixturesImportForm(forms.Form):
    """MSG-10: a team's calendar, as a file or the address of its feed, and the match-day details
    its new fixtures carry. `calendar` in the cleaned data is the calendar's bytes, read and parsed
    here, so the import that follows never meets a file that is not one."""

    calendar_file = forms.FileField(
        required=False,
        label="Calendar file (.ics)",
        error_messages={"empty": "The file is empty: export the fixtures again and choose the new file."},
        help_text="Exported from the league's or the club's fixtures site as iCalendar.",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )
    feed_url = forms.CharField(
        required=False,
        max_length=2000,
        label="Or the calendar's web address",
        help_text="The subscription address the fixtures site gives, starting https:// or webcal://.",
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    emergency_contact = PersonPickerField(
        Person.objects.none(),
        label="Emergency contact at the matches",
        help_text="A volunteer who is with the team throughout each match.",
    )
    emergency_phone = forms.ModelChoiceField(
        Fixture.emergency_phone.field.related_model.objects.none(),
        label="Club phone for emergencies",
        help_text="From the club phones register, never anyone's personal phone (VOL-4).",
    )
    contact_times = forms.CharField(
        max_length=Fixture._meta.get_field("contact_times").max_length,
        label="When parents may contact their children",
        help_text='For example "at the tea interval, about 15:30".',
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["emergency_contact"].queryset = Person.objects.holding(*STAFF_ROLE_KINDS).order_by(
            "last_name", "first_name", "pk"
        )
        self.fields["emergency_phone"].queryset = Fixture.emergency_phone.field.related_model.objects.filter(
            in_service=True
        )

    def clean_calendar_file(self):
        upload = self.cleaned_data.get("calendar_file")
        if not upload:
            return None
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: too large for a team's fixtures. "
                "Export one team's fixtures only."
            )
        data = upload.read()
        if not data.strip():
            raise forms.ValidationError("The file is empty: export the fixtures again and choose the new file.")
        return data

    def clean(self):
        cleaned = super().clean()
        data, address = cleaned.get("calendar_file"), cleaned.get("feed_url", "").strip()
        if "calendar_file" in self.errors:
            return cleaned
        if data and address:
            raise forms.ValidationError("Give either a file or a web address, not both.")
        if not data and not address:
            raise forms.ValidationError("Choose the calendar file, or give its web address.")
        field = "calendar_file" if data else "feed_url"
        try:
            data = data or calendar_fetch(address)
            events = calendar_events(data)
        except CalendarFeedError as error:
            self.add_error(field, str(error))
            return cleaned
        if not events:
            self.add_error(field, "The calendar has no events in it: check it is the team's fixtures calendar.")
            return cleaned
        cleaned["calendar"] = data
        return cleaned
