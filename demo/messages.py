"""The demo club's messages (demo/club.py builds the club, demo/consents.py its consents):
what coach@example.org has sent, what waits for the designated person, what the worker held or
blocked, a young member's reply for the welfare officers, and a fixture for the scheduler.

The messages are made with the models, not message_submit() and message_approve(): those hand
the message to the worker once the transaction commits, reply_receive() queues the policy's answer
and the welfare officers' alert, and loading the demo must email and text no one. The held text is
routed and decided by the worker's own services (message_route() and delivery_send()) at an
explicit instant outside office hours, so the worker's logic holds it and its copy, and nothing is
sent. The other rows are the ones the worker would have written: the same idempotency keys, the
same log events and, for the blocked delivery, the findings of the worker's own rule function
(messaging.sending.send_time_findings), so each verdict reads exactly as a real one. Log entries
and consents are only ever added: the database refuses changes to either. The fixture goes
through fixture_create(), as the committee would enter it; it emails no one.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from consents.models import DirectContactRequest
from messaging import office_hours as messaging_office_hours
from messaging import sending
from messaging import services as messaging_services
from messaging.models import Delivery, DeliveryLogEntry, Message, Reply
from people import services as people_services
from people.models import Person, TeamStaff

from .club import DESIGNATED_EMAIL, WELFARE_EMAIL
from .exceptions import DemoError

TEAM = "Under 11s Blue"
SIGNATURE = "Kind regards,\nDan Kavanagh\nUnder 11s Blue coach"

FAMILIES_SUBJECT = "Under 11s Blue: practice moves to Wednesday next week"
FAMILIES_BODY = f"""Dear parents and guardians,

Next week's practice moves from Tuesday to Wednesday, 6pm to 7.30pm, at the club ground. Please send \
your child in whites, with a cap and a named water bottle. Pick-up is from the pavilion at 7.30pm.

If your child cannot come, please tell me at Saturday's match.

{SIGNATURE}"""

BLOCKED_SUBJECT = "Practice on Wednesday"
BLOCKED_BODY = """Hello {name},

Practice next week is on Wednesday from 6pm to 7.30pm instead of Tuesday. Please bring your whites, \
a cap and a water bottle.

Best wishes,
Dan Kavanagh
Under 11s Blue coach"""

HELD_BODY = (
    "Kit reminder for Saturday's away match: whites, cap and a water bottle. Meet at the pavilion at 9.30am. "
    "Dan Kavanagh, Under 11s Blue coach"
)

RETURNED_BODY = (
    "Sunday's match moves to a 2pm start. Lifts leave the club at 1pm: parents, tell me if you can drive. "
    "Dan, Under 11s Blue coach"
)
RETURN_REASON = (
    "Lifts are for the parents and guardians to arrange: please send that part to them instead, and keep "
    "the text to the players to the new start time."
)

AWAITING_SUBJECT = "Under 11s festival on Sunday"
AWAITING_BODY = f"""Hello both,

This is a reminder that the Under 11s festival is on Sunday. Please be at the club ground by 9.30am in \
whites, with a cap and a water bottle. The matches finish at about 1pm.

{SIGNATURE}"""

REPLY_BODY = (
    "Hi, is it OK if I message you about something that's been worrying me? I'd rather not say at nets "
    "in front of everyone."
)
REPLY_REFERENCE = "<demo-reply-1@mail.example.org>"

FIXTURE_TITLE = "v Mersey Vale CC (away)"
FIXTURE_VENUE = "Mersey Vale Cricket Club, away ground"
FIXTURE_CONTACT_TIMES = "at the drinks break, about 11:45, and from the end of the match at 13:30"


class DemoMessages:
    """coach@example.org's messages as the portal shows them part way through a week."""

    def __init__(self, club, consents):
        self.club = club
        self.consents = consents
        self.now = timezone.now()
        self.team = club.teams[TEAM]
        self.coach = club.coach
        self.designated = Person.objects.get(user__email=DESIGNATED_EMAIL)
        self.welfare = Person.objects.get(user__email=WELFARE_EMAIL)
        self.messages = []
        self.families_reached = 0
        self.held_until = None
        self.reply_row = None
        self.fixture = None

    def build(self):
        texted = self.texted_player()
        emailed = self.emailed_player()
        self.families_message()
        self.blocked_message(emailed)
        self.held_message(texted)
        self.returned_message()
        self.awaiting_message(texted, emailed)
        self.reply()
        self.fixture_create()

    # Who -----------------------------------------------------------------------------------------

    def players(self):
        return list(Person.objects.filter(team_places__team=self.team).distinct().order_by("last_name", "pk"))

    def texted_player(self):
        """The player whose guardian allows texts and approved the coach's kit reminders (see
        demo/consents.py): the one child the coach may text directly (MSG-6)."""
        request = DirectContactRequest.objects.get(
            requested_by=self.coach, status=DirectContactRequest.Status.APPROVED, channel="text"
        )
        return request.child

    def emailed_player(self):
        """An answered player of the side whose guardian (with a sign-in, so it happens on the
        website) will allow email, then withdraw it after the coach's email is approved."""
        requested = set(DirectContactRequest.objects.values_list("child_id", flat=True))
        answered = {child.pk for child in self.consents.answered}
        for player in self.players():
            # The texted player and the coach's other requests are already in requested.
            if player.pk not in answered or player.pk in requested or player in self.club.demo_children:
                continue
            if any(guardian.user_id for guardian in self.consents.guardians[player.pk]):
                return player
        raise DemoError(f"The demo needs an answered player in {TEAM} with a guardian who signs in.")

    # Rows as the worker writes them --------------------------------------------------------------

    def message(self, *, channel, audience, kind, body, subject="", team=None, recipients=(), moves=()):
        """A message moved through the same statuses the services move it through, so its history
        shows each step."""
        message = Message.objects.create(
            author=self.coach,
            channel=channel,
            audience=audience,
            kind=kind,
            body=body,
            subject=subject,
            team=team,
        )
        message.recipients.set(recipients)
        for status in moves:
            message.transition_to(status)
            if status == Message.Status.APPROVED and message.reaches_children:
                message.approved_by = self.designated
                message.approved_at = self.now
            message.save()
        self.messages.append(message)
        return message

    def delivery(self, message, intended, to_person, *, role=Delivery.Role.PRIMARY, channel=None):
        channel = channel or message.channel
        address = to_person.mobile if channel == Message.Channel.SMS else to_person.email
        delivery = Delivery.objects.create(
            message=message,
            intended_for=intended,
            to_person=to_person,
            role=role,
            address=address,
            # The key messaging.sending gives it, so a worker run over the demo finds the same row.
            idempotency_key=f"m{message.pk}-i{intended.pk}-p{to_person.pk}-{role}-{channel}",
        )
        self.log(delivery, "planned", f"{delivery.get_role_display()} to {to_person.full_name}")
        return delivery

    def log(self, delivery, event, detail=""):
        DeliveryLogEntry.objects.create(delivery=delivery, event=event, detail=detail)

    def sent(self, delivery, channel):
        reference = f"{channel}:{delivery.idempotency_key}"
        delivery.transition_to(Delivery.Status.SENDING)
        delivery.transition_to(Delivery.Status.SENT)
        delivery.attempts = 1
        delivery.sent_at = timezone.now()
        delivery.provider_reference = reference
        delivery.save(update_fields=["status", "attempts", "sent_at", "provider_reference"])
        self.log(delivery, "sending", "Attempt 1.")
        self.log(delivery, "sent", reference)

    @staticmethod
    def stored(findings):
        return [{"rule": f.rule, "code": f.code, "message": f.message} for f in findings]

    # The messages ---------------------------------------------------------------------------------

    def families_message(self):
        """MSG-1: to families only, so straight to the worker, which emailed each guardian once."""
        message = self.message(
            channel=Message.Channel.EMAIL,
            audience=Message.Audience.GUARDIAN,
            kind=Message.Kind.PRACTICE_TIMES,
            subject=FAMILIES_SUBJECT,
            body=FAMILIES_BODY,
            team=self.team,
            moves=[Message.Status.APPROVED],
        )
        reached = set()
        for player in self.players():
            for guardian in people_services.guardians_with_responsibility(player).order_by("pk"):
                if guardian.pk in reached or not guardian.email:
                    continue
                reached.add(guardian.pk)
                self.sent(self.delivery(message, guardian, guardian), Message.Channel.EMAIL)
        self.families_reached = len(reached)

    def blocked_message(self, player):
        """MSG-7: the guardian allowed email and approved the team manager's request to email the
        player about practice times; the coach's email was approved; then, before the worker sent it,
        the guardian switched email off. The worker's check at send time blocked it (CON-2) and sent
        it to the guardians instead (MSG-6)."""
        guardian = next(g for g in self.consents.guardians[player.pk] if g.user_id)
        manager = TeamStaff.objects.filter(team=self.team, kind=TeamStaff.Kind.TEAM_MANAGER).order_by("pk").first()
        self.consents.record(player, {"contact_email": True}, guardian, in_round=False)
        request = DirectContactRequest.objects.create(
            child=player,
            requested_by=manager.person,
            purpose=DirectContactRequest.Purpose.PRACTICE_TIMES,
            details="Practice timings for the rest of the month, by email.",
            channel=DirectContactRequest.Channel.EMAIL,
            starts_at=self.now - timedelta(hours=1),
            ends_at=self.now + timedelta(days=14),
        )
        request.transition_to(DirectContactRequest.Status.APPROVED)
        request.decided_by = guardian
        request.decided_at = self.now
        request.save(update_fields=["status", "decided_by", "decided_at"])
        # PPL-4: the player's own address is held only while the email consent holds.
        people_services.person_contact_update(
            person=player, mobile=player.mobile, email=self.club.email(player.first_name, player.last_name)
        )
        message = self.message(
            channel=Message.Channel.EMAIL,
            audience=Message.Audience.CHILD,
            kind=Message.Kind.PRACTICE_TIMES,
            subject=BLOCKED_SUBJECT,
            body=BLOCKED_BODY.format(name=player.first_name),
            recipients=[player],
            moves=[Message.Status.AWAITING_APPROVAL, Message.Status.APPROVED],
        )
        delivery = self.delivery(message, player, player)
        self.consents.record(player, {"contact_email": False}, guardian, in_round=False)
        findings = sending.send_time_findings(delivery, self.now)
        if [(f.rule, f.code) for f in findings] != [("CON-2", "consent_withdrawn")]:
            raise DemoError(f"The demo's blocked email should fail on the withdrawn consent alone: {findings}")
        delivery.transition_to(Delivery.Status.BLOCKED)
        delivery.findings = self.stored(findings)
        delivery.save(update_fields=["status", "findings"])
        self.log(delivery, "blocked", " ".join(f"{f.message} ({f.rule})" for f in findings))
        # MSG-6: stopped by consent alone, so the worker sent it to the player's guardians instead.
        guardians = list(people_services.guardians_with_responsibility(player).order_by("pk"))
        rerouted = [self.delivery(message, player, guardian) for guardian in guardians]
        self.log(delivery, "rerouted", "Sent to the guardians instead: " + ", ".join(g.full_name for g in guardians))
        for copy in rerouted:
            self.sent(copy, Message.Channel.EMAIL)
        people_services.person_contact_update(person=player, mobile=player.mobile, email="")

    def held_message(self, player):
        """MSG-3, MSG-2: an approved kit reminder by text to the one player the coach may text,
        routed and decided by the worker's own services at an explicit instant outside office
        hours, so the worker's logic holds it, and its accountability copy with it, until the next
        window opens. Nothing is sent: each delivery is held before any transport is tried."""
        people_services.person_contact_update(person=player, mobile=self.club.mobile(), email=player.email)
        message = self.message(
            channel=Message.Channel.SMS,
            audience=Message.Audience.CHILD,
            kind=Message.Kind.KIT,
            body=HELD_BODY,
            recipients=[player],
            moves=[Message.Status.AWAITING_APPROVAL, Message.Status.APPROVED],
        )
        hours = messaging_services.office_hours()
        decided_at = self.closed_moment(hours)
        for delivery_id in sending.message_route(message=message, at=decided_at):
            sending.delivery_send(delivery_id=delivery_id, at=decided_at)
        deliveries = list(message.deliveries.order_by("pk"))
        if not deliveries or any(d.status != Delivery.Status.HELD for d in deliveries):
            found = [(d.to_person.full_name, d.role, d.status, d.findings) for d in deliveries]
            raise DemoError(f"The demo's text should be held with its copy until the window opens: {found}")
        primary = next(d for d in deliveries if d.role == Delivery.Role.PRIMARY and d.to_person_id == player.pk)
        self.held_until = primary.hold_until

    def closed_moment(self, hours):
        """Now if the office is closed, else the moment today's window closes: the worker decides
        the text then, and holds it until the next window."""
        at = self.now.replace(second=0, microsecond=0)
        for _ in range(8 * 24 * 4):
            if not messaging_office_hours.in_office_hours(at, hours):
                return at
            at += timedelta(minutes=15)
        raise DemoError("The office hours never close, so the demo has no text to hold.")

    def returned_message(self):
        """MSG-1: the designated person sent a text to the team back with a reason."""
        message = self.message(
            channel=Message.Channel.SMS,
            audience=Message.Audience.TEAM,
            kind=Message.Kind.FIXTURE_CHANGE,
            body=RETURNED_BODY,
            team=self.team,
            moves=[Message.Status.AWAITING_APPROVAL],
        )
        message.transition_to(Message.Status.RETURNED)
        message.return_reason = RETURN_REASON
        message.save()

    def awaiting_message(self, texted, emailed):
        """MSG-1: an email to two players, waiting in the designated person's queue. One is the demo
        parent's daughter, so approving it shows parent@example.org the email the worker sends."""
        maisie = self.club.demo_children[0]
        other = next(p for p in self.players() if p not in (texted, emailed, *self.club.demo_children))
        self.message(
            channel=Message.Channel.EMAIL,
            audience=Message.Audience.CHILD,
            kind=Message.Kind.EVENT_REMINDER,
            subject=AWAITING_SUBJECT,
            body=AWAITING_BODY,
            recipients=[maisie, other],
            moves=[Message.Status.AWAITING_APPROVAL],
        )

    def reply(self):
        """MSG-8: the young member wrote to the club's address to start a conversation. The portal
        answered with the policy's words; the welfare officers have not read it yet."""
        member = self.club.demo_member
        self.reply_row = Reply.objects.create(
            from_person=member,
            channel=Message.Channel.EMAIL,
            from_address=member.email,
            body=REPLY_BODY,
            provider_reference=REPLY_REFERENCE,
        )
        self.reply_row.answered_at = self.reply_row.received_at
        self.reply_row.save(update_fields=["answered_at"])

    def fixture_create(self):
        """MSG-10: the committee's next fixture for the coach's side, in two days. The scheduler
        emails each guardian once, within 48 hours of the start."""
        day = timezone.localdate(self.now) + timedelta(days=2)
        starts_at = timezone.make_aware(datetime.combine(day, time(10, 0)))
        self.fixture = messaging_services.fixture_create(
            team=self.team,
            title=FIXTURE_TITLE,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3, minutes=30),
            venue=FIXTURE_VENUE,
            contact_times=FIXTURE_CONTACT_TIMES,
            emergency_contact=self.coach,
            # The club phone the coach holds, from the register, not the coach's own (VOL-4).
            emergency_phone=self.club.coach_phone,
            by=self.club.secretary,
        )

    def summary(self):
        held = timezone.localtime(self.held_until)
        return (
            f"Messages: {self.coach.email} has {len(self.messages)} (one emailed to {self.families_reached} "
            f"{TEAM} families, one waiting for {DESIGNATED_EMAIL}, one sent back, a text held until "
            f"{held:%A %H:%M} and an email blocked by a withdrawn consent); 1 reply for {WELFARE_EMAIL}; "
            f"fixture {TEAM} {FIXTURE_TITLE} on {timezone.localtime(self.fixture.starts_at):%A %d %B %H:%M}."
        )
