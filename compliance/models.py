"""The policy itself and what volunteers owe it (VOL-1 to VOL-5): published versions with a review
date, each volunteer's acknowledgement and declarations, criminal-records checks, the club's
phones and who holds each, a record of every reminder sent so each is sent once, and the log of
every attempt to export a family's data (UK GDPR Article 15)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Family, Person, club_today


class PolicyVersion(models.Model):
    """VOL-1, VOL-5: a published version of the club's online safety and social media policy."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200, default="Online Safety and Social Media Policy")
    body = models.TextField(help_text="The policy's words. Each line starting with “·” is one clause.")
    published_on = models.DateField(default=club_today)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_by = models.DateField(help_text="When the committee must review the policy again (VOL-5).")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_by__gt=models.F("published_on")), name="compliance_policy_review_after_publishing"
            ),
        ]

    def __str__(self):
        return f"{self.title}, version {self.version}"

    @classmethod
    def current(cls):
        return cls.objects.filter(published_on__lte=club_today()).order_by("-version").first()


class PolicyAcknowledgement(models.Model):
    """VOL-1, VOL-2: a volunteer read this version and made the declarations. Never changed."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="policy_acknowledgements")
    acknowledged_at = models.DateTimeField(default=timezone.now)
    declares_no_friending = models.BooleanField()
    declares_no_private_messages = models.BooleanField()

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "person"], name="compliance_acknowledged_once"),
            models.CheckConstraint(
                condition=Q(declares_no_friending=True, declares_no_private_messages=True),
                name="compliance_acknowledgement_carries_both_declarations",
            ),
        ]

    def __str__(self):
        return f"{self.person} acknowledged {self.version}"


class CriminalRecordsCheck(models.Model):
    """VOL-3: a DBS check for someone whose role needs one, with the date it falls due again."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records_checks")
    checked_on = models.DateField()
    renew_by = models.DateField(help_text="The club renews checks every three years.")
    certificate_reference = models.CharField(
        max_length=40, blank=True, help_text="The certificate number, for the record. Never its contents."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["person__last_name", "-checked_on"]
        verbose_name = "criminal-records (DBS) check"
        constraints = [
            models.CheckConstraint(
                condition=Q(renew_by__gt=models.F("checked_on")), name="compliance_check_renewed_after_it_was_made"
            ),
        ]

    def __str__(self):
        return f"{self.person}: DBS check {self.checked_on:%d %b %Y}"


class ClubPhone(models.Model):
    """VOL-4: a phone the club owns for contact with young people, apart from anyone's own."""

    label = models.CharField(max_length=100, help_text='For example "Juniors phone 1".')
    number = models.CharField(max_length=32, unique=True)
    in_service = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]

    def __str__(self):
        return f"{self.label} ({self.number})"


class PhoneHolding(models.Model):
    """VOL-4: which volunteer holds a club phone, from when to when."""

    phone = models.ForeignKey(ClubPhone, on_delete=models.PROTECT, related_name="holdings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="phone_holdings")
    starts_on = models.DateField(default=club_today)
    ends_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["phone", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=Q(ends_on__isnull=True), name="compliance_phone_one_holder"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="compliance_holding_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.person} holds {self.phone}"


class Reminder(models.Model):
    """A reminder sent, keyed by what it was about, so the scheduler sends each one once."""

    key = models.CharField(max_length=120, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.key


class MissingReminder(models.Model):
    """VOL-1, VOL-3: one email the committee sent from a list, reminding a person of what the list
    shows missing. The newest row per person and list is what the weekly limit reads, so the limit
    holds whichever worker or page sends."""

    class List(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Policy acknowledgement"
        TRAINING = "training", "Training and DBS check"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="missing_reminders")
    list = models.CharField(max_length=16, choices=List.choices)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["person", "list", "-sent_at"], name="compliance_missing_latest_idx")]

    def __str__(self):
        return f"{self.person}: {self.get_list_display().lower()} reminder, {self.sent_at:%d %b %Y}"


class SubjectAccessLogEntry(models.Model):
    """One attempt to export everything the portal holds about a family, allowed or refused. Rows
    are only added: the database refuses to change or delete them, so the club can always show who
    carried a family's data away, and when."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allowed = models.BooleanField()
    reason = models.CharField(max_length=120, help_text="Why it was refused, or what was exported.")
    at = models.DateTimeField(default=timezone.now)
    address = models.GenericIPAddressField(null=True, blank=True)
    session = models.CharField(max_length=32, null=True, blank=True, help_text="A digest of the sign-in's session.")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "subject access export"
        verbose_name_plural = "subject access log"
        indexes = [models.Index(fields=["family", "at"], name="compliance_sar_family_time_idx")]

    def __str__(self):
        return f"Export of {self.family} by {self.user} ({'allowed' if self.allowed else 'refused'})"
