"""Outbound messages, the deliveries the worker makes of them, and their unchangeable log."""

from django.db import models
from simple_history.models import HistoricalRecords

from consents.models import DirectContactRequest
from people.models import Person, Team
from sefton_safety.append_only import AppendOnlyModel
from sefton_safety.workflow import TransitionMixin

from .exceptions import MessagingError


class Message(TransitionMixin, models.Model):
    """A volunteer's message to players or families. One to children is approved by the designated
    person before the worker takes it (MSG-1); the worker then checks every recipient again (MSG-7)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    class Audience(models.TextChoices):
        CHILD = "child", "Players (children)"
        GUARDIAN = "guardian", "Parents and guardians"
        TEAM = "team", "A team's players"
        # Notices the portal sends to adults for a recorded action (a moderation record): never
        # drafted on the compose page, and a child among the recipients is reached through the family.
        ADULT = "adult", "Adults"

    # The informational kinds are the purposes a guardian's direct-contact permission names (CON-3),
    # so a message of a kind is covered only by a permission for the same purpose.
    Kind = models.TextChoices(
        "Kind",
        [
            (purpose.name, (purpose.value, purpose.label))
            for purpose in DirectContactRequest.Purpose
            if purpose.value in {"event_reminder", "kit", "practice_times", "fixture_change", "cancellation"}
        ]
        + [("FREE_TEXT", ("free_text", "Other news for parents and guardians"))],
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting_approval", "Waiting for the designated person"
        RETURNED = "returned", "Sent back to the author"
        APPROVED = "approved", "Approved: the worker is sending it"
        CANCELLED = "cancelled", "Cancelled"

    transition_error = MessagingError
    TRANSITIONS = {
        Status.DRAFT: {Status.AWAITING_APPROVAL, Status.APPROVED, Status.CANCELLED},
        Status.AWAITING_APPROVAL: {Status.APPROVED, Status.RETURNED, Status.CANCELLED},
        Status.RETURNED: {Status.AWAITING_APPROVAL, Status.CANCELLED},
        Status.APPROVED: set(),
        Status.CANCELLED: set(),
    }

    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="messages_written")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    recipients = models.ManyToManyField(Person, blank=True, related_name="messages_received")
    subject = models.CharField(max_length=150, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(max_length=500, blank=True)
    routed_at = models.DateTimeField(
        null=True, blank=True, help_text="When every recipient had a delivery; until then the sweep routes it again."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[recipients])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_channel_display()} from {self.author}: {self.subject or self.body[:40]}"

    @property
    def reaches_children(self):
        return self.audience in {self.Audience.CHILD, self.Audience.TEAM}


class Delivery(TransitionMixin, models.Model):
    """One copy of a message to one address, decided by the worker at send time.

    The idempotency key makes the row unique, so a retried or restarted worker finds the same row
    and never sends it twice. A delivery whose outcome is unknown (a worker that died mid-send, a
    mail server that never answered the message) is never guessed at: a person checks it (MSG-9)."""

    class Role(models.TextChoices):
        PRIMARY = "primary", "Recipient"
        COPY = "copy", "Accountability copy"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        HELD = "held", "Held until office hours"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        BLOCKED = "blocked", "Blocked by the policy"
        DEAD = "dead", "Not delivered: needs a person to look"
        # The mail server had the whole message but its answer never came, or the worker stopped
        # mid-send: it may have arrived, so it is never sent again without a person (MSG-9).
        UNKNOWN = "unknown", "Outcome unknown: may have arrived, check with the recipient"

    transition_error = MessagingError
    # Only 'sending' leads to an outcome, so nothing is marked sent, failed or unknown that was not
    # claimed first; only a person's retry takes a failed or unknown one back to the queue (MSG-9).
    TRANSITIONS = {
        Status.PENDING: {Status.HELD, Status.BLOCKED, Status.SENDING},
        Status.HELD: {Status.HELD, Status.BLOCKED, Status.SENDING},
        Status.SENDING: {Status.SENT, Status.PENDING, Status.BLOCKED, Status.DEAD, Status.UNKNOWN},
        Status.SENT: set(),
        Status.BLOCKED: set(),
        Status.DEAD: {Status.PENDING},
        Status.UNKNOWN: {Status.PENDING},
    }

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="deliveries")
    intended_for = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    to_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="deliveries")
    address = models.CharField(max_length=254)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PRIMARY)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    findings = models.JSONField(
        default=list, help_text="The worker's reasons, in words, with the rule each comes from."
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    provider_reference = models.CharField(max_length=200, blank=True)
    hold_until = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When a task to send it was last queued.")
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # No default ordering: the one that read well on a message's page joined the people table
        # into every read of deliveries, the worker's and the counts' included. Pages order their own.
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "hold_until"], name="messaging_delivery_due_idx")]

    def __str__(self):
        return f"{self.get_role_display()} to {self.to_person} ({self.get_status_display().lower()})"


class DeliveryLogEntry(AppendOnlyModel):
    """What happened to a delivery, in order. Rows are only added (MSG-9): the database refuses to
    change or delete them."""

    append_only_error = MessagingError
    change_refused = delete_refused = "The delivery log cannot be changed."

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="log")
    event = models.CharField(max_length=32)
    detail = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "delivery log"


class RecordedText(models.Model):
    """Texts the development SMS backend 'sends': kept here, so a developer and the tests can read
    exactly what a provider would have been given."""

    to = models.CharField(max_length=32)
    body = models.TextField()
    idempotency_key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Text to {self.to}"


class Reply(models.Model):
    """MSG-8: a message that came back to a club number or address. A young person's ends the
    thread: the club answers with the policy's words (a message of its own, through the worker) and
    the welfare officers see it. A parent's or another adult's goes to the author of the message
    they answered, or to the welfare officers where the club prefers, and is not answered."""

    class GoesTo(models.TextChoices):
        WELFARE_OFFICERS = "welfare_officers", "The welfare officers"
        AUTHOR = "author", "The author of the message"

    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    from_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="replies_sent"
    )
    channel = models.CharField(max_length=8, choices=Message.Channel.choices)
    from_address = models.CharField(max_length=254)
    body = models.TextField(blank=True)
    provider_reference = models.CharField(max_length=200, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True, help_text="When the policy's answer was made.")
    answer = models.OneToOneField(
        Message,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_reply",
        help_text="The policy's answer to a young person, sent through the worker like any message.",
    )
    goes_to = models.CharField(max_length=16, choices=GoesTo.choices, default=GoesTo.WELFARE_OFFICERS)
    seen_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "replies"

    def __str__(self):
        return f"Reply from {self.from_person or self.from_address}"


class Fixture(models.Model):
    """A match or event. Before it, guardians are told when they may contact their children during
    it and whom to call in an emergency (MSG-10), and the young players whom to tell of an
    emergency or a change of plan (MSG-11)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="fixtures")
    title = models.CharField(max_length=150, help_text='For example "v Formby CC (away)".')
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=200)
    contact_times = models.CharField(
        max_length=300, help_text='When parents may contact their children, e.g. "at the tea interval, about 15:30".'
    )
    emergency_contact = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", help_text="Reachable throughout the match."
    )
    # VOL-4: the number comes from the committee's club phones register (named, not imported, as
    # this app sits below the committee's), so it is never someone's personal phone.
    emergency_phone = models.ForeignKey(
        "compliance.ClubPhone",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"in_service": True},
        help_text="A phone from the club phones register, reachable throughout the match.",
    )
    players_notice = models.OneToOneField(
        Message,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="fixture",
        help_text="MSG-11: whom the young players contact in an emergency or a change of plan, sent to "
        "those the club may email directly.",
    )
    calendar_uid = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="The event's UID in the team's fixtures calendar, which a re-import matches it by.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="messaging_fixture_ordered"
            ),
            models.UniqueConstraint(
                fields=["team", "calendar_uid"],
                condition=~models.Q(calendar_uid=""),
                name="messaging_fixture_one_per_calendar_event",
            ),
        ]

    def __str__(self):
        return f"{self.team}: {self.title}, {self.starts_at:%d %b %H:%M}"


class FixtureNotice(models.Model):
    """The MSG-10 email to one guardian for one fixture at one start time: sent at most once."""

    fixture = models.ForeignKey(Fixture, on_delete=models.PROTECT, related_name="notices")
    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # The start the notice gave: a fixture moved after its notices went gets new ones, with the new time.
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fixture", "guardian", "starts_at"], name="messaging_one_notice_each")
        ]
