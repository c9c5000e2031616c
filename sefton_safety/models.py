"""The club's own settings, as data the committee edits: one row, with its history."""

from django.db import models
from simple_history.models import HistoricalRecords


class ClubSettings(models.Model):
    """What a club decides for itself. A blank field means the installation's default, taken from
    the environment (sefton_safety.club reads both); secrets and what is per machine stay there."""

    class TextCopiesTo(models.TextChoices):
        LEAD_WELFARE_OFFICER = "lead_welfare_officer", "The lead welfare officer"
        DEPUTIES = "deputies", "The deputy welfare officers"
        GUARDIANS = "guardians", "The child's guardians"

    class AdultRepliesTo(models.TextChoices):
        AUTHOR = "author", "The message's author"
        WELFARE_OFFICERS = "welfare_officers", "The welfare officers"

    # One row only: its key is always 1.
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    name = models.CharField("club name", max_length=120, blank=True)
    colour = models.CharField(
        "club colour", max_length=7, blank=True, help_text="The bar at the top of each page, as #rrggbb."
    )
    time_zone = models.CharField(max_length=64, blank=True, help_text='For example "Europe/London".')
    office_hours_weekdays = models.CharField(
        max_length=32, blank=True, help_text="MSG-3: when texts and emails may reach a child, Monday to Friday."
    )
    office_hours_weekends = models.CharField(max_length=32, blank=True, help_text="MSG-3: Saturday and Sunday.")
    school_names = models.TextField(
        blank=True, help_text="MSG-4: schools a message may not name, one a line (the children's own are added)."
    )
    emergency_phone = models.CharField(
        "emergency club phone", max_length=32, blank=True, help_text="Shown on every page and the outage page."
    )
    text_copies_to = models.CharField(max_length=32, blank=True, choices=TextCopiesTo.choices)
    adult_replies_to = models.CharField(max_length=32, blank=True, choices=AdultRepliesTo.choices)
    retention_consent_years = models.PositiveSmallIntegerField(null=True, blank=True)
    retention_message_years = models.PositiveSmallIntegerField(null=True, blank=True)
    retention_read_log_years = models.PositiveSmallIntegerField(null=True, blank=True)
    retention_case_years = models.PositiveSmallIntegerField(null=True, blank=True)
    retention_case_child_age = models.PositiveSmallIntegerField(null=True, blank=True)
    retention_sign_in_days = models.PositiveSmallIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "club settings"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="club_settings_single_row")]

    def __str__(self):
        return self.name or "Club settings"


class FailingAddress(models.Model):
    """An email address the club's mail relay refused outright (a 5xx to RCPT), or that a delivery
    report sent back later says failed for good (a hard bounce): the committee's dashboard shows it,
    so a family that no longer hears from the club is noticed."""

    address = models.CharField(max_length=254, unique=True, help_text="In lower case.")
    reason = models.CharField(max_length=500, help_text="The relay's own words.")
    first_failed_at = models.DateTimeField(auto_now_add=True)
    last_failed_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=1)
    last_report = models.CharField(
        max_length=255,
        blank=True,
        help_text="The delivery report last counted (its Message-ID), so a report posted twice counts once.",
    )

    class Meta:
        ordering = ["-last_failed_at"]

    def __str__(self):
        return self.address
