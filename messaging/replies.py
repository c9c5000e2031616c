"""MSG-8 replies and MSG-10 match-day information: the services the inbound endpoints and the
scheduler call."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from consents.selectors import may_contact_directly
from people.models import FamilyMember, Person, Role
from people.selectors import welfare_officer_recipients, welfare_reply_to
from sefton_safety.club import club
from sefton_safety.mail import email_send

from . import services, tasks
from .models import Delivery, Fixture, FixtureNotice, Message, Reply

NOTICE_AHEAD = timedelta(hours=48)
ONE_ANSWER_A_DAY = timedelta(days=1)


def policy_answer(channel=Message.Channel.SMS):
    """The policy's answer to a young person who starts a conversation: stop, talk at the next
    session, and here is whom to contact if worried. Email only: no phone number is sent. As an
    email it signs off like every club email (MSG-4)."""
    lead = Person.objects.holding(Role.Kind.WELFARE_OFFICER).select_related("user").first()
    address = lead and lead.email_address
    contact = f"{lead.full_name}, at {address}" if address else (lead.full_name if lead else "through your coach")
    words = (
        f"Thank you for your message. Club volunteers do not chat by message, so please bring this up at "
        f"the next practice or match. If anything is worrying you, you can contact our welfare officer, "
        f"{contact}."
    )
    if channel == Message.Channel.EMAIL:
        return f"Hello,\n\n{words}\n\nKind regards,\n{club().name}"
    return f"{words} {club().name}"


@transaction.atomic
def reply_receive(*, channel, from_address, body, provider_reference):
    """Records a reply once (the provider's reference is unique) and links it to the last message
    delivered to that address. Only a young person's reply gets the policy's answer (MSG-8), made
    here as a message of its own that the worker sends like any other; every reply alerts whoever
    it goes to: the welfare officers, or for an adult's reply the author where the club chose that
    (`MESSAGING_ADULT_REPLIES_TO`). A sender the club cannot name goes to the welfare officers."""
    address = from_address.strip()
    delivery = (
        Delivery.objects.filter(address=address, status=Delivery.Status.SENT, message__channel=channel)
        .select_related("message__author", "to_person")
        .order_by("-sent_at")
        .first()
    )
    person = (
        delivery.to_person if delivery else Person.objects.filter(Q(mobile=address) | Q(email__iexact=address)).first()
    )
    message = delivery.message if delivery else None
    young = person is not None and person.is_child()
    to_author = (
        not young and person is not None and message is not None and club().adult_replies_to == Reply.GoesTo.AUTHOR
    )
    try:
        with transaction.atomic():
            reply = Reply.objects.create(
                message=message,
                from_person=person,
                channel=channel,
                from_address=address,
                body=body,
                provider_reference=provider_reference,
                goes_to=Reply.GoesTo.AUTHOR if to_author else Reply.GoesTo.WELFARE_OFFICERS,
            )
    except IntegrityError:
        # The provider sent the same reply twice: it is already recorded and answered.
        return Reply.objects.get(provider_reference=provider_reference)
    if young:
        reply_answer_send(reply=reply)
        reply.refresh_from_db()
    reply_id = reply.pk
    transaction.on_commit(lambda: tasks.send_reply_alert.delay(reply_id))
    return reply


@transaction.atomic
def reply_answer_send(*, reply):
    """Ends a young person's thread with the policy's answer: a message from the author of the one
    they replied to (else the lead welfare officer), by the same channel, that the worker routes and
    sends like any other, so office hours, consent and permission, the accountability copy and the
    delivery log all apply, and it goes once. Made once per reply, however often this runs."""
    reply = (
        Reply.objects.select_for_update(of=("self",)).select_related("message__author", "from_person").get(pk=reply.pk)
    )
    if reply.answer_id is not None or reply.from_person is None or not reply.from_person.is_child():
        return reply.answer
    original = reply.message
    # The thread ends with one answer: a second reply to the same message is read, not answered,
    # or the answers would become the conversation the policy stops.
    answered = Reply.objects.filter(from_person=reply.from_person, answer__isnull=False).exclude(pk=reply.pk)
    if (
        answered.filter(message=original).exists()
        if original
        else answered.filter(received_at__gte=reply.received_at - ONE_ANSWER_A_DAY).exists()
    ):
        return None
    author = original.author if original else Person.objects.holding(Role.Kind.WELFARE_OFFICER).first()
    if author is None:
        return None
    kind = original.kind if original and original.kind != Message.Kind.FREE_TEXT else Message.Kind.EVENT_REMINDER
    answer = Message.objects.create(
        author=author,
        channel=reply.channel,
        audience=Message.Audience.CHILD,
        kind=kind,
        subject=f"{club().name}: your message" if reply.channel == Message.Channel.EMAIL else "",
        body=policy_answer(reply.channel),
    )
    answer.recipients.set([reply.from_person])
    # The policy's own words, not a volunteer's draft (MSG-1): there is nothing for a person to approve.
    answer.transition_to(Message.Status.APPROVED)
    answer.approved_at = timezone.now()
    answer.save(update_fields=["status", "approved_at"])
    reply.answer, reply.answered_at = answer, timezone.now()
    reply.save(update_fields=["answer", "answered_at"])
    services.message_dispatch(answer)
    return answer


def reply_alert_send(*, reply):
    """Tells whoever the reply goes to that it is waiting, without its words: they read it in the
    portal. The author reads it on the message's page, the welfare officers on the replies page."""
    if reply.goes_to == Reply.GoesTo.AUTHOR and reply.message_id:
        author = reply.message.author
        recipients = [author] if author.email_address else []
        path = reverse("messaging:message-detail", args=[reply.message_id])
    else:
        recipients = list(welfare_officer_recipients())
        path = reverse("messaging:reply-list")
    young = reply.from_person is not None and reply.answer_id is not None
    for person in recipients:
        address = person.email_address
        if address:
            email_send(
                template="reply_alert",
                to=address,
                subject=f"{club().name}: a reply needs your eyes",
                context={
                    "url": f"{settings.SITE_URL}{path}",
                    "young": young,
                    "goes_to_author": reply.goes_to == Reply.GoesTo.AUTHOR,
                },
            )


@transaction.atomic
def reply_mark_seen(*, reply, by):
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.seen_at is None:
        reply.seen_by = by
        reply.seen_at = timezone.now()
        reply.save(update_fields=["seen_by", "seen_at"])
    return reply


def fixture_notices_send(*, now=None):
    """MSG-10: for each fixture starting within 48 hours, each guardian of the team's players is
    told once (again if the fixture moves) when they may contact their child during it and whom to
    call in an emergency. MSG-11: the young players are told whom to tell of an emergency or a
    change of plan, directly where the club may email them, else through the family (in the
    guardians' notice)."""

    now = now or timezone.now()
    queued = 0
    for fixture in Fixture.objects.filter(starts_at__gt=now, starts_at__lte=now + NOTICE_AHEAD).select_related("team"):
        fixture_players_notice_send(fixture=fixture, at=now)
        guardians = Person.objects.filter(
            family_memberships__kind=FamilyMember.Kind.GUARDIAN,
            family_memberships__parental_responsibility=True,
            family_memberships__family__members__kind=FamilyMember.Kind.CHILD,
            family_memberships__family__members__person__team_places__team=fixture.team,
        ).distinct()
        for guardian in guardians:
            with transaction.atomic():
                notice, created = FixtureNotice.objects.get_or_create(
                    fixture=fixture, guardian=guardian, starts_at=fixture.starts_at
                )
                if created:
                    notice_id = notice.pk
                    transaction.on_commit(lambda notice_id=notice_id: tasks.send_fixture_notice.delay(notice_id))
                    queued += 1
    return queued


def _players_told_directly(fixture, at):
    """The team's young players the club may email directly about an event (CON-2, CON-3)."""
    players = Person.objects.filter(team_places__team=fixture.team).distinct().select_related("user")
    return [
        player
        for player in players
        if player.is_child()
        and player.email_address
        and may_contact_directly(player, "email", Message.Kind.EVENT_REMINDER, at=at)
    ]


def players_notice_body(fixture):
    """MSG-11 in a young player's words. No phone number (MSG-4): the players are told whom to tell,
    and their parents have the club phone's number in their own notice."""
    contact = fixture.emergency_contact.full_name
    starts = timezone.localtime(fixture.starts_at)
    return (
        f"Hello,\n\n{fixture.team.name}: {fixture.title}, {starts:%A} {starts.day} {starts:%B} from {starts:%H:%M}, at "
        f"{fixture.venue}.\n\nPlease keep your phone away while you play. If there is an emergency, or "
        f"something changes from what was arranged (a lift, a pick-up time, the match itself), tell "
        f"{contact}, who is with the team throughout, or another of the team's coaches. Your parents "
        f"have the club phone's number for the day.\n\nKind regards,\n{club().name}"
    )


@transaction.atomic
def fixture_players_notice_send(*, fixture, at=None):
    """MSG-11: the players' match-day notice, once per fixture, as a message the worker sends like
    any other (content rules, consent and permission again at send time, office hours, the copy
    to another volunteer). Its words are the portal's, filled from the committee's fixture record,
    so it is approved as it is made; the worker still checks every rule (MSG-7)."""
    fixture = Fixture.objects.select_for_update().select_related("team", "emergency_contact").get(pk=fixture.pk)
    if fixture.players_notice_id is not None:
        return fixture.players_notice
    players = _players_told_directly(fixture, at or timezone.now())
    if not players:
        return None
    notice = Message.objects.create(
        author=fixture.emergency_contact,
        channel=Message.Channel.EMAIL,
        audience=Message.Audience.CHILD,
        kind=Message.Kind.EVENT_REMINDER,
        subject=f"{fixture.team.name} {fixture.title}: if something goes wrong or changes",
        body=players_notice_body(fixture),
    )
    notice.recipients.set(players)
    notice.transition_to(Message.Status.APPROVED)
    notice.approved_at = timezone.now()
    notice.save(update_fields=["status", "approved_at"])
    fixture.players_notice = notice
    fixture.save(update_fields=["players_notice"])
    services.message_dispatch(notice)
    return notice


def fixture_notice_email_send(*, notice):
    guardian, fixture = notice.guardian, notice.fixture
    address = guardian.email_address
    if not address:
        return
    # MSG-11 through the family: what the guardian's children on the team are to do.
    children = Person.objects.filter(
        family_memberships__kind=FamilyMember.Kind.CHILD,
        family_memberships__family__members__person=guardian,
        family_memberships__family__members__kind=FamilyMember.Kind.GUARDIAN,
        team_places__team=fixture.team,
    ).distinct()
    names = [child.first_name for child in children if child.is_child()]
    email_send(
        template="fixture_notice",
        to=address,
        subject=f"{club().name}: {fixture.team.name} {fixture.title}, contact during the match",
        reply_to=welfare_reply_to(),
        context={
            "guardian": guardian,
            "fixture": fixture,
            "children": " and ".join(names) or "your child",
            # A notice for an earlier start went to this guardian: the fixture has moved.
            "moved": FixtureNotice.objects.filter(fixture=fixture, guardian=guardian).exclude(pk=notice.pk).exists(),
        },
    )
