"""Forms of the committee's view (the club's settings among them) and the volunteers' acknowledgement."""

import re
from datetime import timedelta
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth.password_validation import validate_password

from messaging.office_hours import DAY_KEYS, OfficeHours
from people.models import User, club_today
from sefton_safety.forms import AuthenticatorCodeField
from sefton_safety.models import ClubSettings

COLOUR = re.compile(r"^#[0-9a-f]{6}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ]{6,20}$")
RETENTION_FORM_FIELDS = {
    "consents": "consent_years",
    "messages": "message_years",
    "read_logs": "read_log_years",
    "cases": "case_years",
    "case_child_age": "case_child_age",
}
# The same floors as the start-up check of the environment's values (sefton_safety.settings).
RETENTION_MINIMUM = {
    "retention_consent_years": 1,
    "retention_message_years": 1,
    "retention_read_log_years": 1,
    "retention_case_years": 1,
    "retention_case_child_age": 18,
    "retention_sign_in_days": 1,
}


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

    code = AuthenticatorCodeField()


def _relative_luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


class ClubSettingsForm(forms.ModelForm):
    """The committee's settings, checked as the start-up check checks the environment's."""

    class Meta:
        model = ClubSettings
        fields = [
            "name",
            "colour",
            "emergency_phone",
            "time_zone",
            "office_hours_weekdays",
            "office_hours_weekends",
            "school_names",
            "text_copies_to",
            "adult_replies_to",
            "retention_consent_years",
            "retention_message_years",
            "retention_read_log_years",
            "retention_case_years",
            "retention_case_child_age",
            "retention_sign_in_days",
        ]
        labels = {
            "text_copies_to": "Copies of texts to children go to",
            "adult_replies_to": "A parent's reply to a message goes to",
            "retention_consent_years": "Keep consent answers (years after they lapse)",
            "retention_message_years": "Keep messages (years)",
            "retention_read_log_years": "Keep the read log of a case (years)",
            "retention_case_years": "Keep a closed case (years)",
            "retention_case_child_age": "…and until each child it concerns is (age)",
            "retention_sign_in_days": "Keep sign-in records (days)",
        }
        widgets = {
            "colour": forms.TextInput(attrs={"type": "color"}),
            "school_names": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, current, **kwargs):
        """`current` is what applies now (sefton_safety.club): the form shows it, defaults included."""
        initial = {
            "name": current.name,
            "colour": current.colour,
            "emergency_phone": current.emergency_phone,
            "time_zone": current.time_zone,
            "office_hours_weekdays": current.office_hours.get("mon") or "closed",
            "office_hours_weekends": current.office_hours.get("sat") or "closed",
            "school_names": "\n".join(current.school_names),
            "text_copies_to": current.text_copies_to,
            "adult_replies_to": current.adult_replies_to,
            **{f"retention_{name}": current.retention[kind] for kind, name in RETENTION_FORM_FIELDS.items()},
            "retention_sign_in_days": current.retention_sign_in_days,
        }
        super().__init__(*args, initial=initial, **kwargs)
        for name in ("name", "time_zone", "office_hours_weekdays", "office_hours_weekends", "text_copies_to"):
            self.fields[name].required = True
        self.fields["adult_replies_to"].required = True
        self.fields["name"].error_messages["required"] = "Give the club's name, as families know it."
        for name in self.fields:
            if name.startswith("retention_"):
                self.fields[name].required = True

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the club's name, as families know it.")
        return name

    def clean_colour(self):
        colour = self.cleaned_data["colour"].strip().lower()
        if not COLOUR.match(colour):
            raise forms.ValidationError("Give the colour as # and six hexadecimal digits, for example #14532d.")
        # White words on the bar must stay readable (WCAG 2.2 AA: a contrast of 4.5 to 1).
        if 1.05 / (_relative_luminance(colour) + 0.05) < 4.5:
            raise forms.ValidationError("White words on this colour are hard to read: choose a darker shade.")
        return colour

    def clean_emergency_phone(self):
        phone = self.cleaned_data["emergency_phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError("Give a phone number of digits and spaces, for example 0151 496 0000.")
        return phone

    def clean_time_zone(self):
        return time_zone_checked(self.cleaned_data["time_zone"])

    def clean_school_names(self):
        lines = [line.strip() for line in self.cleaned_data["school_names"].splitlines() if line.strip()]
        return "\n".join(dict.fromkeys(lines))

    def clean_office_hours_weekdays(self):
        return office_hours_checked(self.cleaned_data["office_hours_weekdays"])

    def clean_office_hours_weekends(self):
        return office_hours_checked(self.cleaned_data["office_hours_weekends"])

    def clean(self):
        cleaned = super().clean()
        for field, least in RETENTION_MINIMUM.items():
            value = cleaned.get(field)
            if value is not None and value < least:
                self.add_error(field, f"At least {least}: the law and the policy ask for that long at the least.")
        return cleaned


def office_hours_checked(value):
    """A window of the day, or "closed", as the start-up check reads OFFICE_HOURS_* (MSG-3)."""
    value = value.strip()
    try:
        OfficeHours.from_setting(dict.fromkeys(DAY_KEYS, value))
    except ValueError as error:
        reason = "it ends before it starts" if "ends before" in str(error) else "it is not a window of the day"
        raise forms.ValidationError(
            f"“{value}” cannot be used as office hours ({reason}): give them like 09:00-20:00, or “closed”."
        ) from error
    return value


def time_zone_checked(value):
    zone = value.strip()
    if zone not in available_timezones():
        raise forms.ValidationError(f"“{zone}” is not a time zone: give one like Europe/London.")
    return zone


class ClubSetupForm(forms.Form):
    """A new club's first evening: the club, its first committee member and its lead welfare officer."""

    club_name = forms.CharField(label="The club's name", max_length=120)
    time_zone = forms.CharField(label="Time zone", max_length=64, initial="Europe/London")
    office_hours_weekdays = forms.CharField(
        label="Office hours, Monday to Friday",
        max_length=32,
        initial="09:00-20:00",
        help_text="MSG-3: messages to children wait outside these hours.",
    )
    office_hours_weekends = forms.CharField(
        label="Office hours, Saturday and Sunday", max_length=32, initial="09:00-18:00"
    )
    first_name = forms.CharField(label="Your first name", max_length=100)
    last_name = forms.CharField(label="Your last name", max_length=100)
    email = forms.EmailField(label="Your email address")
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, not a common or breached one.",
    )
    password_again = forms.CharField(
        label="The password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    welfare_first_name = forms.CharField(label="Their first name", max_length=100)
    welfare_last_name = forms.CharField(label="Their last name", max_length=100)
    welfare_email = forms.EmailField(label="Their email address")

    def clean_time_zone(self):
        return time_zone_checked(self.cleaned_data["time_zone"])

    def clean_office_hours_weekdays(self):
        return office_hours_checked(self.cleaned_data["office_hours_weekdays"])

    def clean_office_hours_weekends(self):
        return office_hours_checked(self.cleaned_data["office_hours_weekends"])

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords differ: type the same one twice.")
        elif password:
            someone = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                validate_password(password, someone)
            except forms.ValidationError as error:
                self.add_error("password", error)
        email, welfare_email = cleaned.get("email"), cleaned.get("welfare_email")
        if email and welfare_email and email.lower() == welfare_email.lower():
            self.add_error(
                "welfare_email",
                "The welfare officer is a second person, with their own address: the committee member "
                "confirms their role, and nobody confirms their own.",
            )
        return cleaned

    def values(self):
        data = self.cleaned_data
        return {
            "club": {
                "name": data["club_name"].strip(),
                "time_zone": data["time_zone"],
                "office_hours_weekdays": data["office_hours_weekdays"],
                "office_hours_weekends": data["office_hours_weekends"],
            },
            "committee": {
                "first_name": data["first_name"].strip(),
                "last_name": data["last_name"].strip(),
                "email": data["email"].strip().lower(),
                "password": data["password"],
            },
            "welfare_officer": {
                "first_name": data["welfare_first_name"].strip(),
                "last_name": data["welfare_last_name"].strip(),
                "email": data["welfare_email"].strip().lower(),
            },
        }
