"""MSG-8 replies and MSG-10 match-day information: the services the inbound endpoints and the
scheduler call."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from people import services as people_services
from people.models import WELFARE_ROLE_KINDS, FamilyMember, Person, Role

from . import sms
from .models import Delivery, Fixture, FixtureNotice, Message, Reply

NOTICE_AHEAD = timedelta(hours=48)


def _welfare_officers():
    return Person.objects.holding(*WELFARE_ROLE_KINDS).select_related("user")


def policy_answer():
    """The policy's answer to a young person who starts a conversation: stop, talk at the next
    session, and here is whom to contact if worried. Email only: no phone number is sent."""
    lead = Person.objects.holding(Role.Kind.WELFARE_OFFICER).select_related("user").first()
    address = lead and lead.email_address
    contact = f"{lead.full_name}, at {address}" if address else (lead.full_name if lead else "through your coach")
    return (
        f"Thank you for your message. Club volunteers do not chat by message, so please bring this up at "
        f"the next practice or match. If anything is worrying you, you can contact our welfare officer, "
        f"{contact}. {settings.CLUB_NAME}"
    )


@transaction.atomic
def reply_receive(*, channel, from_address, body, provider_reference):
    """Records a reply once (the provider's reference is unique), links it to the last message
    delivered to that address, and queues the policy's answer and the welfare officer's alert."""
    from .tasks import send_reply_answer

    address = from_address.strip()
    delivery = (
        Delivery.objects.filter(address=address, status=Delivery.Status.SENT, message__channel=channel)
        .select_related("message", "to_person")
        .order_by("-sent_at")
        .first()
    )
    person = (
        delivery.to_person if delivery else Person.objects.filter(Q(mobile=address) | Q(email__iexact=address)).first()
    )
    try:
        with transaction.atomic():
            reply = Reply.objects.create(
                message=delivery.message if delivery else None,
                from_person=person,
                channel=channel,
                from_address=address,
                body=body,
                provider_reference=provider_reference,
            )
    except IntegrityError:
        # The provider sent the same reply twice: it is already recorded and answered.
        return Reply.objects.get(provider_reference=provider_reference)
    reply_id = reply.pk
    transaction.on_commit(lambda: send_reply_answer.delay(reply_id))
    return reply


def reply_answer_send(*, reply):
    """Ends the thread with the policy's answer. The reply is marked answered only once the answer
    has gone, so a failure is retried, not lost; the welfare officers' alert is a task of its own."""
    from .tasks import send_reply_alert

    if Reply.objects.filter(pk=reply.pk, answered_at__isnull=False).exists():
        return
    if reply.channel == Message.Channel.SMS:
        sms.get_backend().send(to=reply.from_address, body=policy_answer(), idempotency_key=f"reply-{reply.pk}")
    else:
        people_services.email_send(
            template="reply_answer",
            to=reply.from_address,
            subject=f"{settings.CLUB_NAME}",
            context={"answer": policy_answer()},
        )
    with transaction.atomic():
        # Reply keeps no history: answered_at is set once, and the compare-and-set keeps it so.
        Reply.objects.filter(pk=reply.pk, answered_at__isnull=True).update(answered_at=timezone.now())
        transaction.on_commit(lambda: send_reply_alert.delay(reply.pk))


def reply_alert_send(*, reply):
    """Tells the welfare officers a reply is waiting, without its words: they read it in the portal."""
    url = f"{settings.SITE_URL}{reverse('messaging:reply-list')}"
    for officer in _welfare_officers():
        address = officer.email_address
        if address:
            people_services.email_send(
                template="reply_alert",
                to=address,
                subject=f"{settings.CLUB_NAME}: a reply needs your eyes",
                context={"url": url},
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
    told once when they may contact their child during it and whom to call in an emergency."""
    from .tasks import send_fixture_notice

    now = now or timezone.now()
    queued = 0
    for fixture in Fixture.objects.filter(starts_at__gt=now, starts_at__lte=now + NOTICE_AHEAD).select_related("team"):
        guardians = Person.objects.filter(
            family_memberships__kind=FamilyMember.Kind.GUARDIAN,
            family_memberships__parental_responsibility=True,
            family_memberships__family__members__kind=FamilyMember.Kind.CHILD,
            family_memberships__family__members__person__team_places__team=fixture.team,
        ).distinct()
        for guardian in guardians:
            with transaction.atomic():
                notice, created = FixtureNotice.objects.get_or_create(fixture=fixture, guardian=guardian)
                if created:
                    notice_id = notice.pk
                    transaction.on_commit(lambda notice_id=notice_id: send_fixture_notice.delay(notice_id))
                    queued += 1
    return queued


def fixture_notice_email_send(*, notice):
    guardian, fixture = notice.guardian, notice.fixture
    address = guardian.email_address
    if not address:
        return
    people_services.email_send(
        template="fixture_notice",
        to=address,
        subject=f"{settings.CLUB_NAME}: {fixture.team.name} {fixture.title}, contact during the match",
        context={"guardian": guardian, "fixture": fixture},
    )
