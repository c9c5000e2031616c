"""Forms of the incidents app: the report anyone makes, and the welfare officer's case forms."""

from django import forms
from django.conf import settings
from django.utils import timezone

from sefton_safety.forms import AuthenticatorCodeField
from sefton_safety.pickers import PersonPickerField

from . import rules
from .models import CaseEntry, Incident, IncidentSubject

WHAT_HAPPENED_LIMIT = 10000
PEOPLE_INVOLVED_LIMIT = 2000
ENTRY_LIMIT = 10000


class LongTextField(forms.CharField):
    """A box of words with a limit the browser shows but never enforces: no `maxlength`, which
    drops the end of a pasted chat log without a word. The counter (static/js/character-count.js)
    reads `data-max`; past it the form is refused with the numbers and keeps every character."""

    def __init__(self, *, limit, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["data-max"] = str(self.limit)
        return attrs

    def validate(self, value):
        super().validate(value)
        if value and len(value.replace("\r\n", "\n")) > self.limit:
            label = str(self.label).rstrip("?")
            raise forms.ValidationError(rules.over_limit_message(label, value, self.limit), code="max_length")


class IncidentReportForm(forms.Form):
    """INC-1, INC-2: one short form for every concern, online or face to face."""

    immediate_risk = forms.TypedChoiceField(
        label="Is a child in danger right now?",
        choices=[("no", "No"), ("yes", "Yes, a child may be in danger now")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="If a child is in immediate danger, call 999 first, then tell us here.",
        error_messages={"required": "Say whether a child may be in danger right now."},
    )
    what_happened = LongTextField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 6}),
        limit=WHAT_HAPPENED_LIMIT,
        help_text="In your own words. Write what you saw, heard or were told; you do not need to prove anything.",
        error_messages={"required": "Tell us what happened, in your own words."},
    )
    happened_on = forms.DateField(
        label="When did it happen?",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Roughly is fine.",
        error_messages={
            "required": "Give the date it happened, roughly if you are not sure.",
            "invalid": "Enter a date.",
        },
    )
    confirm_date = forms.BooleanField(
        label="Yes, the date is right",
        required=False,
        help_text="Tick this only if the date above is what you meant.",
    )
    people_involved = LongTextField(
        label="Who was involved?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        limit=PEOPLE_INVOLVED_LIMIT,
        help_text="Names, team or online usernames, if you know them.",
    )
    category = forms.ChoiceField(
        label="What is it about?",
        choices=Incident.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the concern is about. If none fits, choose “Something else”."},
    )
    channel = forms.ChoiceField(
        label="Where did it happen?",
        choices=Incident.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where it happened. If you are not sure, choose “Other or not sure”."},
    )
    evidence = forms.FileField(
        label="A screenshot (optional)",
        required=False,
        help_text="An image or PDF, up to 10 MB. Only the welfare officers can see it.",
    )
    reporter_relationship = forms.ChoiceField(
        label="You are",
        choices=Incident.ReporterRelationship.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    reporter_name = forms.CharField(label="Your name (optional)", required=False, max_length=200)
    reporter_contact = forms.CharField(
        label="How can the welfare officer reach you? (optional)",
        required=False,
        max_length=254,
        help_text="An email address or phone number. Leave it empty to stay anonymous.",
    )

    # A box people never see (hidden, out of the tab order and from screen readers) that form-filling
    # bots fill in. A report with it filled is not stored but shown again with the box empty, so a
    # person whose browser filled it loses nothing by pressing Send once more.
    leave_empty = forms.CharField(
        label="Leave this box empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, born_on=None, **kwargs):
        # The reporter's own date of birth when a young member reports about themselves.
        self.born_on = born_on
        self.asks_date_confirmation = False
        super().__init__(*args, **kwargs)

    def without_trap(self):
        """The same form again, everything typed kept, the hidden box emptied."""
        data = self.data.copy()
        data["leave_empty"] = ""
        form = type(self)(data, born_on=self.born_on)
        form.is_valid()
        form.add_error(
            None,
            "Your concern has not been sent yet. Check it and press “Send to the welfare officers” again"
            f"{', attaching the screenshot once more' if self.files else ''}.",
        )
        return form

    def clean(self):
        data = super().clean()
        day = data.get("happened_on")
        if day is None:
            return data
        findings = rules.happened_on_findings(happened_on=day, today=timezone.localdate(), born_on=self.born_on)
        for finding in findings:
            if finding.code == "refused":
                self.add_error("happened_on", finding.message)
            elif not data.get("confirm_date"):
                self.asks_date_confirmation = True
                self.add_error(
                    "happened_on", f"{finding.message} If it is right, tick “Yes, the date is right” and send again."
                )
        if findings and not self.asks_date_confirmation:
            # A confirmed surprising date stays confirmed when the form comes back for another reason.
            self.asks_date_confirmation = any(f.code == "confirm" for f in findings)
        return data

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload and upload.size > settings.EVIDENCE_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB. Send a smaller screenshot or a PDF.")
        return upload


class CaseEntryForm(forms.Form):
    """INC-4: a line of the chronology. Corrections name the entry they correct."""

    kind = forms.ChoiceField(
        label="Kind of entry",
        choices=[(kind.value, kind.label) for kind in CaseEntry.WRITTEN_KINDS],
        initial=CaseEntry.Kind.NOTE,
    )
    text = LongTextField(label="Entry", widget=forms.Textarea(attrs={"rows": 4}), limit=ENTRY_LIMIT)
    response_due_on = forms.DateField(
        label="Answer expected by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="For a referral: the day the agency should have answered. The desk shows it once it passes.",
    )
    responds_to = forms.ModelChoiceField(
        label="Records the answer to",
        queryset=CaseEntry.objects.none(),
        required=False,
        empty_label="Not an agency's answer",
    )
    agency = forms.ChoiceField(
        label="Referred to", choices=[("", "Not a referral")] + CaseEntry.Agency.choices, required=False
    )
    agency_reference = forms.CharField(label="Their reference (optional)", required=False, max_length=100)
    corrects = forms.ModelChoiceField(
        label="Corrects entry", queryset=CaseEntry.objects.none(), required=False, empty_label="Not a correction"
    )

    def __init__(self, *args, incident, helper=False, **kwargs):
        super().__init__(*args, **kwargs)
        if helper:
            self.fields["kind"].choices = [(kind.value, kind.label) for kind in CaseEntry.HELPER_KINDS]
        if not incident.is_open:
            # A closed case takes corrections only; anything more means reopening it first.
            self.fields["kind"].choices = [(CaseEntry.Kind.CORRECTION.value, CaseEntry.Kind.CORRECTION.label)]
            self.fields["kind"].initial = CaseEntry.Kind.CORRECTION
        self.fields["corrects"].queryset = CaseEntry.objects.filter(incident=incident)
        self.fields["responds_to"].queryset = CaseEntry.objects.filter(incident=incident, kind=CaseEntry.Kind.REFERRAL)
        self.fields["responds_to"].label_from_instance = lambda entry: (
            f"Referral of {timezone.localtime(entry.created_at):%d %b} to {entry.get_agency_display()}"
        )
        self.fields["corrects"].label_from_instance = lambda entry: (
            f"{timezone.localtime(entry.created_at):%d %b %H:%M} {entry.get_kind_display()}: {entry.text[:60]}"
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == CaseEntry.Kind.REFERRAL and not data.get("agency"):
            self.add_error("agency", "Choose the agency the case was referred to.")
        if kind == CaseEntry.Kind.CORRECTION and not data.get("corrects"):
            self.add_error("corrects", "Choose the entry this corrects.")
        # Nothing typed is dropped quietly: an agency or a corrected entry belongs to its own kind.
        if kind != CaseEntry.Kind.REFERRAL and (data.get("agency") or data.get("agency_reference")):
            self.add_error("agency", "Only a referral names an agency. Choose “Referral” as the kind, or clear it.")
        if kind != CaseEntry.Kind.CORRECTION and data.get("corrects"):
            self.add_error("corrects", "Only a correction corrects an entry. Choose “Correction”, or clear it.")
        if kind != CaseEntry.Kind.REFERRAL and data.get("response_due_on"):
            self.add_error("response_due_on", "Only a referral waits for an answer. Choose “Referral”, or clear it.")
        if kind == CaseEntry.Kind.REFERRAL and data.get("responds_to"):
            self.add_error("responds_to", "A new referral is not an answer to one. Clear “Records the answer to”.")
        return data


class IncidentStatusForm(forms.Form):
    """INC-3: a move along the transition table; closing needs an outcome and a reason."""

    status = forms.ChoiceField(label="Move to", choices=Incident.Status.choices)
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("", "Choose when closing")] + Incident.Outcome.choices, required=False
    )
    reason = forms.CharField(
        label="Why (needed to close or reopen)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Incident.TRANSITIONS[Incident.Status(incident.status)]
        # No move is chosen for the officer: one stray press must not move a case.
        self.fields["status"].choices = [("", "Choose…")] + [
            (s.value, s.label) for s in Incident.Status if s in allowed
        ]
        self.fields["status"].error_messages["required"] = "Choose where the case moves to."


class IncidentTriageForm(forms.Form):
    priority = forms.TypedChoiceField(label="Priority", choices=Incident.Priority.choices, coerce=int)
    assignee = forms.ModelChoiceField(label="Held by", queryset=None, required=False, empty_label="Nobody yet")
    next_review_on = forms.DateField(
        label="Next review",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day to look at the case again. The desk lists it when it comes.",
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers
        self.fields["assignee"].label_from_instance = lambda user: user.person.full_name


class SubjectLinkForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    part = forms.ChoiceField(label="Part in the case", choices=IncidentSubject.Part.choices)
    # Set by the "Link all the same" button after the page asked about a surprising date.
    confirm_date = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AccessGrantForm(forms.Form):
    person = PersonPickerField(label="Give access to", queryset=None, empty_label="Choose a person")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class EvidenceForm(forms.Form):
    file = forms.FileField(label="File", help_text="An image or PDF, up to 10 MB.")
    description = forms.CharField(label="What it shows", required=False, max_length=300)


class FromReplyForm(forms.Form):
    category = forms.ChoiceField(label="What is it about?", choices=Incident.Category.choices)


class ExportForm(forms.Form):
    """Export asks for the second factor again: a case file is the most sensitive thing here."""

    version = forms.ChoiceField(
        label="Version",
        choices=[("full", "Full, with staff names"), ("redacted", "Staff names removed")],
        widget=forms.RadioSelect,
        initial="redacted",
    )
    code = AuthenticatorCodeField()


class PersonSearchForm(forms.Form):
    """A name typed to find a person's record: sent by POST so it never sits in a URL or a log."""

    name = forms.CharField(
        label="Find a child or adult",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "First name, surname or both"}),
        error_messages={"required": "Type a name, or part of one."},
    )
