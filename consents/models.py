"""Consent records (append-only), consent rounds, direct-contact permissions and acceptable-use
agreements, with the wording each answer was given against."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from people.models import Person, Team
from sefton_safety.append_only import AppendOnlyModel
from sefton_safety.workflow import TransitionMixin

from . import rules
from .exceptions import ConsentError


class Wording(models.Model):
    """A published version of a text people answer against: the consent form, the children's
    acceptable use statement, or the club's policy (CON-4, CON-5). A new version of the statement
    or of the policy asks young members again. The policy's versions are the committee's: each is
    published here when the committee publishes it, so answers can name the one in force."""

    class Kind(models.TextChoices):
        CONSENT_FORM = "consent_form", "Consent form"
        ACCEPTABLE_USE = "acceptable_use", "Acceptable use statement"
        POLICY = "policy", "The club's online safety and social media policy"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="The text as the person reads it.")
    body_for_younger = models.TextField(
        blank=True, help_text="For the acceptable use statement: the same promises in words for under-12s."
    )
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="consents_wording_version_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}, version {self.version}"

    @classmethod
    def current(cls, kind):
        return cls.objects.filter(kind=kind).order_by("-version").first()


class ConsentRound(models.Model):
    """The committee asking every guardian (of the club, or of one team) for a season's answers, or
    reminding those whose children have no answer yet."""

    class Kind(models.TextChoices):
        ROUND = "round", "Round"
        CHASE = "chase", "Reminder to those who have not answered"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ROUND)
    season = models.PositiveIntegerField(
        help_text="The season, named by its summer: 2027 runs April to September 2027."
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, help_text="Leave empty for the whole club."
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    guardians_emailed = models.PositiveIntegerField(default=0)
    guardians_without_email = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        if self.kind == self.Kind.CHASE:
            return f"{self.season} reminder for {self.team or 'the whole club'}"
        return f"{self.season} consent round for {self.team or 'the whole club'}"

    @property
    def scope_key(self):
        """The season and team a round covers: a guardian gets a scope's round email once."""
        return f"{self.season}:{self.team_id or 'club'}"

    @property
    def lapses_on(self):
        return rules.season_lapses_on(self.season)


class ConsentRoundRecipient(models.Model):
    """CON-6: one guardian emailed by one round. A round's scope key is unique per guardian, so a
    round sent again, or the same form posted twice, emails nobody a second time; a reminder to
    those who have not answered carries no key and may go again."""

    consent_round = models.ForeignKey(ConsentRound, on_delete=models.CASCADE, related_name="recipients")
    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    scope_key = models.CharField(max_length=32, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope_key", "guardian"], name="consents_round_email_once_per_scope"),
            models.UniqueConstraint(fields=["consent_round", "guardian"], name="consents_round_email_once_per_round"),
        ]


class Consent(AppendOnlyModel):
    """One answer to one consent question for one person. Rows are only ever added: the current
    answer is the newest, so the full history of who gave or withdrew what, when and how stays."""

    # Append-only (CON-4): an answer, once recorded, is evidence and is never rewritten.
    append_only_error = ConsentError
    change_refused = "A recorded consent answer cannot be changed; record a new answer instead."
    delete_refused = "A recorded consent answer cannot be deleted; record a withdrawal instead."

    Topic = models.TextChoices("Topic", [(key.upper(), (key, label)) for key, label in rules.TOPICS.items()])

    class Method(models.TextChoices):
        WEB = "web", "Web form"
        PAPER = "paper", "Paper form entered by the committee"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    topic = models.CharField(max_length=32, choices=Topic.choices)
    given = models.BooleanField()
    answered_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="consents_answered",
        help_text="The guardian, or the young person when 18 or over.",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=16, choices=Method.choices)
    wording = models.ForeignKey(Wording, on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(
        Wording,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version of the club's policy in force when the answer was given (CON-4).",
    )
    season = models.PositiveIntegerField()
    valid_until = models.DateField()
    consent_round = models.ForeignKey(
        ConsentRound, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["person", "topic", "-recorded_at"], name="consents_current_idx")]

    def __str__(self):
        verb = "gave" if self.given else "did not give"
        return f"{self.answered_by} {verb} consent for {self.person}: {self.get_topic_display()}"

    def as_answer(self):
        return rules.Answer(
            topic=self.topic, given=self.given, recorded_at=self.recorded_at, valid_until=self.valid_until
        )


class DirectContactRequest(TransitionMixin, models.Model):
    """CON-3: a volunteer asks to contact a named child directly, for one purpose, on one channel,
    within a time window; a guardian with parental responsibility approves or declines."""

    class Purpose(models.TextChoices):
        EVENT_REMINDER = "event_reminder", "Reminder of an upcoming event"
        KIT = "kit", "Which kit to bring"
        PRACTICE_TIMES = "practice_times", "Practice timings"
        FIXTURE_CHANGE = "fixture_change", "A change to a fixture"
        CANCELLATION = "cancellation", "A cancellation"
        SELECTION = "selection", "Selection news"
        TRAVEL = "travel", "Travel arrangements"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        TEXT = "text", "Text message"
        PHONE = "phone", "Phone call"
        SOCIAL = "social", "Social media"
        MESSAGING = "messaging", "Instant messaging"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a guardian"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled by the volunteer"

    transition_error = ConsentError
    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.DECLINED, Status.CANCELLED},
        Status.APPROVED: {Status.CANCELLED},
        Status.DECLINED: set(),
        Status.CANCELLED: set(),
    }

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="direct_contact_requests")
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="direct_contact_requests_made")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    details = models.CharField(max_length=300, help_text="In a sentence, what the contact is about.")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    # VOL-4: the committee's register of club phones, named rather than imported, as this app sits
    # below the committee's.
    club_phone = models.ForeignKey(
        "compliance.ClubPhone",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="direct_contact_requests",
        help_text="For a call or a text: the club phone that will be used, one you hold on those days.",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="consents_request_window_ordered"
            ),
        ]

    def __str__(self):
        channel = self.get_channel_display().lower()
        return f"{self.requested_by} to contact {self.child} by {channel}: {self.get_purpose_display()}"

    def club_phone_held_on(self, day):
        """VOL-4: whether the volunteer who asked holds the named club phone, in service, on `day`."""
        if self.club_phone_id is None or not self.club_phone.in_service:
            return False
        return any(
            holding.person_id == self.requested_by_id
            and holding.starts_on <= day
            and (holding.ends_on is None or day <= holding.ends_on)
            for holding in self.club_phone.holdings.all()
        )

    def as_permission(self, *, on=None):
        return rules.Permission(
            purpose=self.purpose,
            channel=self.channel,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            approved=self.status == self.Status.APPROVED,
            club_phone_held=on is not None
            and self.channel in rules.CLUB_PHONE_CHANNELS
            and self.club_phone_held_on(on),
        )


class AcceptableUseAgreement(models.Model):
    """CON-5, VOL-1: a young member agrees to a version of the acceptable use statement, or of the
    club's policy; one row for each version of each text."""

    AGREED_KINDS = ("policy", "acceptable_use")

    class Method(models.TextChoices):
        GUARDIAN_DEVICE = "guardian_device", "On a guardian's device"
        OWN_ACCOUNT = "own_account", "From their own account"
        PAPER = "paper", "Paper form entered by the committee"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="acceptable_use_agreements")
    wording = models.ForeignKey(Wording, on_delete=models.PROTECT, related_name="agreements")
    method = models.CharField(max_length=16, choices=Method.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-agreed_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "wording"], name="consents_agreement_once_per_version"),
        ]

    def __str__(self):
        return f"{self.person} agreed to {self.wording}"


class LapseReminder(models.Model):
    """CON-6: a reminder sent to a guardian before a season's answers lapse; at most one each."""

    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    season = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["guardian", "season"], name="consents_one_reminder_per_season")]
