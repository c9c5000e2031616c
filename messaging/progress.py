"""What a message's deliveries have come to, in words the people reading it use: the one sentence
the message list, the message page and the approvals page show, and each delivery and log entry
described by name and channel rather than by the keys the worker files them under."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from .models import Delivery, DeliveryLogEntry, Message

IN_FLIGHT = (Delivery.Status.PENDING, Delivery.Status.SENDING)
COUNTED = {
    "sent": (Delivery.Status.SENT,),
    "waiting": IN_FLIGHT,
    "held": (Delivery.Status.HELD,),
    "blocked": (Delivery.Status.BLOCKED,),
    "dead": (Delivery.Status.DEAD,),
    "unknown": (Delivery.Status.UNKNOWN,),
}


def with_delivery_counts(messages):
    """Annotates each message with `progress_<name>` for every count of COUNTED, in the one query."""
    return messages.annotate(
        **{
            f"progress_{name}": Count("deliveries", filter=Q(deliveries__status__in=statuses), distinct=True)
            for name, statuses in COUNTED.items()
        }
    )


@dataclass(frozen=True)
class Progress:
    approved: bool
    routed: bool
    sent: int = 0
    waiting: int = 0
    held: int = 0
    blocked: int = 0
    dead: int = 0
    unknown: int = 0

    @classmethod
    def of_annotated(cls, message):
        """For a message from `with_delivery_counts`."""
        return cls(
            approved=message.status == Message.Status.APPROVED,
            routed=message.routed_at is not None,
            **{name: getattr(message, f"progress_{name}") for name in COUNTED},
        )

    @classmethod
    def of_deliveries(cls, message, deliveries):
        """For a message whose deliveries are already loaded."""
        statuses = [delivery.status for delivery in deliveries]
        return cls(
            approved=message.status == Message.Status.APPROVED,
            routed=message.routed_at is not None,
            **{name: sum(1 for status in statuses if status in wanted) for name, wanted in COUNTED.items()},
        )

    @property
    def live(self):
        """Something is still to happen without a person: worth watching. A delivery held until
        office hours is released by the scheduler hours later, and is not watched for."""
        return self.approved and (self.waiting > 0 or self.unrouted)

    @property
    def unrouted(self):
        """Approved, and the worker has not yet made a single delivery of it. A message with
        deliveries but no routing time (cut short, or built before routing times were kept) is
        described by the deliveries it has: the sweep routes the rest."""
        total = self.sent + self.waiting + self.held + self.blocked + self.dead + self.unknown
        return not self.routed and total == 0

    @property
    def problems(self):
        """Each count that needs a reader's attention, in words, the most urgent first."""
        words = []
        if self.unknown:
            words.append(f"{self.unknown} may have arrived: check with the recipient before sending again")
        if self.dead:
            words.append(f"{self.dead} not delivered")
        if self.blocked:
            words.append(f"{self.blocked} blocked by the policy")
        return words

    def sentence(self):
        """ "Sent to 34, 0 waiting.", "Sending: sent to 12, 22 waiting.", or None before approval."""
        if not self.approved:
            return None
        if self.unrouted:
            return "Approved: the worker is working out who receives it."
        waiting = self.waiting + self.held
        if self.live:
            parts = [f"Sending now: {self.sent} sent, {waiting} waiting"]
        else:
            parts = [f"Sent to {self.sent}, {waiting} waiting"]
        if self.held:
            parts.append(f"{self.held} held until office hours")
        parts.extend(self.problems)
        return "; ".join(parts) + "."


CHANNEL_WORDS = {Message.Channel.EMAIL: "email", Message.Channel.SMS: "text message"}


def _as_whom(delivery, message):
    if delivery.to_person_id != delivery.intended_for_id:
        return f"as {delivery.intended_for.first_name}'s parent or guardian"
    if message.audience == Message.Audience.GUARDIAN:
        return "as a parent or guardian"
    return "directly"


def delivery_route_words(delivery, message):
    """How and why this person gets it: "By email, as Ada's parent or guardian"."""
    if delivery.role == Delivery.Role.COPY:
        return f"Accountability copy by email, of the text to {delivery.intended_for.first_name}"
    channel = CHANNEL_WORDS.get(message.channel, message.get_channel_display().lower())
    return f"By {channel}, {_as_whom(delivery, message)}"


def delivery_words(delivery, message):
    """The delivery in a sentence: "email to Jane Okafor, as Ada's parent or guardian"."""
    to = delivery.to_person.full_name
    if delivery.role == Delivery.Role.COPY:
        return f"accountability copy by email to {to}, of the text to {delivery.intended_for.first_name}"
    channel = CHANNEL_WORDS.get(message.channel, message.get_channel_display().lower())
    as_whom = _as_whom(delivery, message)
    return f"{channel} to {to} {as_whom}" if as_whom == "directly" else f"{channel} to {to}, {as_whom}"


EVENT_WORDS = {
    "sending": "Sending",
    "blocked": "Blocked",
    "retrying": "Not sent yet, the worker tries again",
    "failed": "Not delivered",
    "unknown": "Outcome unknown",
    "outcome_unknown": "Outcome unknown",
    "alerted": "Alert emailed",
}
# Events whose stored detail is already a sentence for a person ("Held until Monday 09:00.").
SELF_EXPLAINED = {"held", "rerouted", "retried", "stuck"}


def _first_lower(words):
    return words[:1].lower() + words[1:]


def log_entry_words(entry, delivery, message):
    """One log entry as a sentence. The stored detail of a send is the transport's reference (for
    an email, the delivery's own key): a reader is told who took the message instead."""
    detail = entry.detail.strip()
    if entry.event == "planned":
        return f"Planned: {delivery_words(delivery, message)}."
    if entry.event == "sent":
        if delivery.role == Delivery.Role.COPY or message.channel == Message.Channel.EMAIL:
            return f"Sent: the mail server took the email to {delivery.to_person.full_name}."
        return f"Sent: the text provider took the text to {delivery.to_person.full_name}."
    if entry.event == "alert_queued":
        return "Alert to be emailed to the author and the designated person."
    if entry.event in SELF_EXPLAINED and detail:
        return detail
    event = EVENT_WORDS.get(entry.event, entry.event.replace("_", " ").capitalize())
    return f"{event}: {_first_lower(detail)}" if detail else f"{event}."


def deliveries_described(message):
    """The message's deliveries for its page, each with `route_words` and its log as `log_lines`
    ((at, sentence) pairs, oldest first), in two queries however many there are."""
    deliveries = list(
        message.deliveries.select_related("to_person", "intended_for")
        .prefetch_related(Prefetch("log", queryset=DeliveryLogEntry.objects.order_by("at", "pk")))
        .order_by("role", "to_person__last_name", "pk")
    )
    for delivery in deliveries:
        delivery.route_words = delivery_route_words(delivery, message)
        delivery.log_lines = [(entry.at, log_entry_words(entry, delivery, message)) for entry in delivery.log.all()]
    return deliveries
