"""Concerns and the cases they become: the report, its chronology, its evidence and who read it.

A case is never edited or deleted in what matters: the report's own words stay as they were given,
the chronology, the evidence and the read log are append-only in the database itself, and every
change to the case's status, priority and assignee is also a chronology entry.
"""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Person
from sefton_safety.append_only import AppendOnlyModel
from sefton_safety.workflow import TransitionMixin

from . import evidence_files
from .exceptions import IncidentError

# Unambiguous when read aloud or copied from paper: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def reference_new():
    """A reference that says nothing about how many cases the club has."""
    letters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"C-{letters[:4]}-{letters[4:]}"


def status_token_new():
    return secrets.token_urlsafe(24)


class EvidenceStorage(FileSystemStorage):
    """Evidence lives outside every served folder; only the case's gate hands a file out (INC-9).
    The folder is read from the settings at each use, so a test can point it elsewhere."""

    @property
    def base_location(self):
        return settings.EVIDENCE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def evidence_storage():
    return EvidenceStorage()


def evidence_path(instance, filename):
    # The stored name carries no part of the uploaded one: a file name can itself be a detail.
    return f"{instance.incident.reference}/{secrets.token_hex(16)}"


class Incident(TransitionMixin, models.Model):
    """INC-1 to INC-3: a concern as reported, and the case the welfare officer works from it."""

    class Category(models.TextChoices):
        ONLINE_ABUSE_DISCLOSURE = "online_abuse_disclosure", "Disclosure of abuse (online or in person)"
        CYBERBULLYING = "cyberbullying", "Cyberbullying"
        SEXTING = "sexting", "Sexting or indecent images"
        INAPPROPRIATE_CONTACT = "inappropriate_contact", "Inappropriate contact"
        PHOTO_PRIVACY = "photo_privacy", "Misuse of photos or privacy"
        OTHER = "other", "Something else"

    class Channel(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        SOCIAL_MEDIA = "social_media", "Social media"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        GAMING = "gaming", "Online gaming"
        OTHER = "other", "Other or not sure"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        REFERRED = "referred", "Referred"
        MONITORING = "monitoring", "Monitoring"
        CLOSED = "closed", "Closed"

    class Priority(models.IntegerChoices):
        URGENT = 1, "Urgent"
        HIGH = 2, "High"
        NORMAL = 3, "Normal"
        LOW = 4, "Low"

    class Outcome(models.TextChoices):
        RESOLVED_BY_CLUB = "resolved_by_club", "Resolved by the club"
        AGENCY_LEADS = "agency_leads", "Referred: an outside agency leads"
        NO_FURTHER_ACTION = "no_further_action", "No further action needed"
        NOT_SAFEGUARDING = "not_safeguarding", "Not a safeguarding matter"

    class Source(models.TextChoices):
        REPORT_FORM = "report_form", "Report a concern form"
        MESSAGE_REPLY = "message_reply", "Reply to a club message"

    class ReporterRelationship(models.TextChoices):
        YOUNG_MEMBER = "young_member", "A young member"
        GUARDIAN = "guardian", "A parent or guardian"
        VOLUNTEER = "volunteer", "A coach, volunteer or committee member"
        OTHER = "other", "Someone else, or I would rather not say"

    TRANSITIONS = {
        Status.NEW: {Status.IN_REVIEW, Status.REFERRED, Status.CLOSED},
        Status.IN_REVIEW: {Status.REFERRED, Status.MONITORING, Status.CLOSED},
        Status.REFERRED: {Status.IN_REVIEW, Status.MONITORING, Status.CLOSED},
        Status.MONITORING: {Status.IN_REVIEW, Status.REFERRED, Status.CLOSED},
        Status.CLOSED: {Status.IN_REVIEW},
    }
    transition_error = IncidentError

    reference = models.CharField(max_length=16, unique=True, default=reference_new, editable=False)
    status_token = models.CharField(max_length=64, unique=True, default=status_token_new, editable=False)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.REPORT_FORM)

    # The report, in the reporter's words: never changed after it is made.
    category = models.CharField(max_length=32, choices=Category.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    what_happened = models.TextField()
    happened_on = models.DateField()
    people_involved = models.TextField(blank=True)
    immediate_risk = models.BooleanField(default=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns_reported"
    )
    reporter_relationship = models.CharField(max_length=16, choices=ReporterRelationship.choices, blank=True)
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_contact = models.CharField(max_length=254, blank=True)
    reported_at = models.DateTimeField(default=timezone.now, editable=False)
    reply = models.OneToOneField(
        "messaging.Reply", null=True, blank=True, on_delete=models.PROTECT, related_name="incident"
    )

    # The case, as the welfare officer works it.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_assigned"
    )
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True, help_text="When the welfare officers' alerts were queued.")
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_review_on = models.DateField(
        null=True, blank=True, help_text="When the welfare officers look at the case again (set in triage)."
    )
    subjects = models.ManyToManyField(Person, through="IncidentSubject", related_name="incidents")
    history = HistoricalRecords(excluded_fields=["status_token"])

    class Meta:
        verbose_name = "case"
        ordering = ["priority", "reported_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                | (~Q(status="closed") & Q(closed_at__isnull=True, outcome="")),
                name="incidents_incident_closed_exactly_when_it_has_an_outcome",
            ),
            models.CheckConstraint(condition=~Q(what_happened=""), name="incidents_incident_says_what_happened"),
        ]
        indexes = [
            models.Index(fields=["status", "priority", "reported_at"], name="incidents_queue_idx"),
            models.Index(fields=["category", "reported_at"], name="incidents_counts_idx"),
            # The queue of open cases in its order: a page is a seek and a short read, however many
            # cases there are, open or closed.
            models.Index(
                fields=["priority", "reported_at", "id"],
                condition=~Q(status="closed"),
                name="incidents_open_queue_idx",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED


class IncidentSubject(models.Model):
    """INC-6: a person in the register the case is about, linked by the welfare officer, so earlier
    concerns about the same child or adult show beside a new one."""

    class Part(models.TextChoices):
        CHILD_AFFECTED = "child_affected", "Child affected"
        PERSON_OF_CONCERN = "person_of_concern", "Person the concern is about"
        WITNESS = "witness", "Witness or other"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="subject_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="incident_links")
    part = models.CharField(max_length=24, choices=Part.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "person"], name="incidents_subject_once_per_case"),
        ]

    def __str__(self):
        # Says nothing of the case: a name beside a case reference is itself a detail.
        return f"Case link {self.pk}"


class CaseEntry(AppendOnlyModel):
    """INC-4: one line of a case's chronology. Never edited or deleted: a correction is a new entry
    that names the one it corrects."""

    append_only_error = IncidentError
    change_refused = "A chronology entry is never changed: add a correction instead."
    delete_refused = "A chronology entry is never deleted: add a correction instead."

    class Kind(models.TextChoices):
        REPORT = "report", "Report received"
        NOTE = "note", "Note"
        ACTION = "action", "Action"
        DECISION = "decision", "Decision"
        REFERRAL = "referral", "Referral"
        CORRECTION = "correction", "Correction"
        STATUS = "status", "Status"
        ACCESS = "access", "Access"
        EVIDENCE = "evidence", "Evidence"

    # The kinds a welfare officer writes; the others are written by the services as things happen.
    WRITTEN_KINDS = (Kind.NOTE, Kind.ACTION, Kind.DECISION, Kind.REFERRAL, Kind.CORRECTION)
    # What a person given one case to help with may add.
    HELPER_KINDS = (Kind.NOTE, Kind.ACTION)

    class Agency(models.TextChoices):
        COUNTY_SAFEGUARDING_OFFICER = "county_safeguarding_officer", "County safeguarding officer"
        NATIONAL_GOVERNING_BODY = "national_governing_body", "National governing body (ECB)"
        LADO = "lado", "Local authority designated officer (LADO)"
        POLICE = "police", "Police"
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField()
    agency = models.CharField(max_length=32, choices=Agency.choices, blank=True)
    agency_reference = models.CharField(max_length=100, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    # A referral says when the agency should have answered; the entry that records their answer
    # names the referral, so an unanswered one past its date shows on the desk.
    response_due_on = models.DateField(null=True, blank=True)
    responds_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="responses")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "case entries"
        ordering = ["created_at", "pk"]
        indexes = [
            # The desk's "no action for 14 days" reads the entries of the last fortnight, and its
            # "referral answer overdue" the referrals: each a short index read, not a probe per case.
            models.Index(fields=["created_at"], name="incidents_entry_time_idx"),
            models.Index(fields=["response_due_on"], condition=Q(kind="referral"), name="incidents_entry_referral_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="referral", agency__gt="") | (~Q(kind="referral") & Q(agency="")),
                name="incidents_caseentry_referral_names_its_agency",
            ),
            models.CheckConstraint(
                condition=Q(kind="correction", corrects__isnull=False) | (~Q(kind="correction") & Q(corrects=None)),
                name="incidents_caseentry_correction_names_its_entry",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="incidents_caseentry_has_text"),
            models.CheckConstraint(
                condition=Q(kind="referral") | Q(response_due_on=None),
                name="incidents_caseentry_only_a_referral_awaits_a_response",
            ),
            models.CheckConstraint(
                condition=~Q(kind="referral") | Q(responds_to=None),
                name="incidents_caseentry_a_referral_is_not_a_response",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.incident}"


class Evidence(models.Model):
    """INC-9: a file (usually a screenshot) kept privately with the case, never deleted."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(storage=evidence_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"Evidence {self.pk} on {self.incident}"

    @property
    def download_name(self):
        """The sender's name for the file, ending in the extension of the type read from its bytes:
        a picture named `chat.pdf` is handed out as `chat.png`, never opened as something else."""
        return evidence_files.download_name(self.original_name, self.content_type)

    @property
    def type_in_words(self):
        return evidence_files.EVIDENCE_TYPES.get(self.content_type, self.content_type)


class CaseRead(models.Model):
    """INC-5: every read of a case, its files and its exports, allowed or refused."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=120)
    allowed = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    # Where the read came from, so one stolen sign-in can be traced through every page it opened.
    # Nullable so that adding them never rewrites the append-only table.
    address = models.GenericIPAddressField(null=True, blank=True)
    session = models.CharField(max_length=32, null=True, blank=True, help_text="A digest of the sign-in's session.")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["incident", "at"], name="incidents_read_case_time_idx")]

    def __str__(self):
        return f"{self.what} of {self.incident} ({'allowed' if self.allowed else 'refused'})"


class CaseHold(models.Model):
    """Standing guarantee 5: while a hold is in place, the case is never purged, whatever its age.
    Placed and lifted by a welfare officer, each with a reason; the history keeps every step."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lift_reason="") | (Q(lifted_at__isnull=False) & ~Q(lift_reason="")),
                name="incidents_casehold_lifted_with_a_reason",
            ),
        ]

    def __str__(self):
        return f"Hold {self.pk}"
