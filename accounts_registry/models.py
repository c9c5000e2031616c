"""The club's register of social media accounts and email addresses (ACC-1 to ACC-7): who holds
each one's password, when passwords were changed, who monitors it, the advice they asked for, and
every post removed from it.

No password is stored here, ever (ACC-3): the register records that a custodian holds the
credentials, and when the password was changed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Person, club_today


class ClubAccount(models.Model):
    class Kind(models.TextChoices):
        SOCIAL = "social", "Social media account"
        EMAIL = "email", "Email address"

    class Platform(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X (Twitter)"
        TIKTOK = "tiktok", "TikTok"
        YOUTUBE = "youtube", "YouTube"
        WHATSAPP = "whatsapp", "WhatsApp channel"
        EMAIL = "email", "Email"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SOCIAL)
    platform = models.CharField(max_length=16, choices=Platform.choices)
    handle = models.CharField(max_length=100, help_text='As people see it: "@seftonparkcc" or the email address.')
    address = models.CharField(max_length=300, help_text="The page's web address, or the email address.")
    purpose = models.CharField(max_length=300, help_text="What the club uses it for, in a sentence.")
    listed_publicly = models.BooleanField(default=True, help_text="Shown on the public “Who runs our accounts” page.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "platform", "handle"]
        constraints = [models.UniqueConstraint(fields=["platform", "handle"], name="accounts_account_once")]

    def __str__(self):
        return f"{self.get_platform_display()} {self.handle}"


class AccountReview(models.Model):
    """ACC-1: the committee's periodic look at an account: still appropriate and fit for purpose?"""

    account = models.ForeignKey(ClubAccount, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(default=club_today)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fit_for_purpose = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.account} reviewed {self.reviewed_on:%d %b %Y}"


class CustodianQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class Custodian(models.Model):
    """ACC-2, ACC-3: a member of staff or volunteer who holds an account's password. Ended, never deleted."""

    account = models.ForeignKey(ClubAccount, on_delete=models.PROTECT, related_name="custodians")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="custodianships")
    since = models.DateField(default=club_today, help_text="When they were given the password.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    objects = CustodianQuerySet.as_manager()

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "person"], condition=Q(ended_on__isnull=True), name="accounts_custodian_once"
            ),
        ]

    def __str__(self):
        return f"{self.person} holds {self.account}"


class PasswordRotation(models.Model):
    """ACC-3: a password change that fell due (a custodian left) and, once done, when and by whom."""

    account = models.ForeignKey(ClubAccount, on_delete=models.PROTECT, related_name="rotations")
    due_since = models.DateField(default=club_today)
    reason = models.CharField(max_length=300)
    done_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["done_on", "due_since"]

    def __str__(self):
        return f"Password change for {self.account}, due since {self.due_since:%d %b %Y}"


class Appointment(models.Model):
    """ACC-4: the designated person the committee appointed to monitor an account."""

    account = models.ForeignKey(ClubAccount, on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="account_appointments")
    appointed_on = models.DateField(default=club_today)
    minute_reference = models.CharField(max_length=100, help_text='The committee minute, e.g. "AGM 2026/7".')
    ended_on = models.DateField(null=True, blank=True)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-appointed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(ended_on__isnull=True), name="accounts_one_designated_person"
            ),
        ]

    def __str__(self):
        return f"{self.person} monitors {self.account}"


class AdviceRequest(models.Model):
    """ACC-5: a volunteer asks the welfare officer for safeguarding advice; both are kept. The
    designated person's questions about an account stay with the account; anyone else's, or the
    designated person's on anything else, have none."""

    account = models.ForeignKey(ClubAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="advice")
    asked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self):
        about = f" on {self.account}" if self.account_id else ""
        return f"Advice{about} for {self.asked_by}, {self.asked_at:%d %b %Y}"


class ModerationRecord(models.Model):
    """ACC-6: a post a designated supervisor removed from a club account, and why. The author, the
    people affected and the guardians of the children involved are told through the messaging
    pipeline."""

    account = models.ForeignKey(ClubAccount, on_delete=models.PROTECT, related_name="moderation")
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="posts_removed")
    author_description = models.CharField(
        max_length=200, blank=True, help_text="Who wrote it, when they are not in the register."
    )
    removed_content = models.TextField(help_text="What the post said or showed.")
    reason = models.TextField(help_text="Why it was removed, in words the author will read.")
    affected = models.ManyToManyField(Person, blank=True, related_name="+")
    children = models.ManyToManyField(Person, blank=True, related_name="+")
    notices_sent_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[affected, children])

    class Meta:
        ordering = ["-removed_at"]

    def __str__(self):
        return f"Post removed from {self.account} {self.removed_at:%d %b %Y}"
