"""Every write of the consents app: answers, rounds, direct-contact permissions, agreements and
reminders. Each runs in a transaction and sends its emails through the worker after commit."""

from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from people import credentials
from people import services as people_services
from people.exceptions import PeopleError
from people.models import FamilyMember, Person, Role, TeamStaff, club_today
from people.selectors import welfare_reply_to
from sefton_safety.club import club
from sefton_safety.history import history_by
from sefton_safety.mail import email_send

from . import rules, selectors, tasks
from .exceptions import ConsentError, LinkInvalid, NotAllowedToAnswer, RoundAlreadySent
from .models import (
    AcceptableUseAgreement,
    Consent,
    ConsentRound,
    ConsentRoundRecipient,
    DirectContactRequest,
    LapseReminder,
    Wording,
)
from .selectors import contact_consent_given, guardians_children, is_guardian_with_responsibility, round_children

DECISION_LINK_SALT = "consents.direct-contact-decision"
DECISION_LINK_MAX_AGE = timedelta(days=7)
CONSENT_LINK_SCOPE = "consents"
LONGEST_CONTACT_WINDOW = timedelta(days=31)
LAPSE_REMINDER_DAYS = 30
CHASE_GAP = timedelta(days=1)


# Answers ----------------------------------------------------------------------------------------


def answering_check(*, person, answered_by, on=None):
    """Raises NotAllowedToAnswer unless `answered_by` may answer for `person` (PPL-2, PPL-3)."""
    finding = rules.answering_finding(
        answerer_is_guardian_with_responsibility=is_guardian_with_responsibility(answered_by, person),
        answerer_is_the_person=answered_by.pk == person.pk,
        date_of_birth=person.date_of_birth,
        on=on or club_today(),
    )
    if finding:
        raise NotAllowedToAnswer(finding)


@transaction.atomic
def consent_answers_record(*, person, answers, answered_by, recorded_by, method, consent_round=None):
    """Records the answers that differ from the current ones and returns the new rows.

    Posting the same form twice records nothing the second time. A withdrawal is a new row and
    takes effect at once: every later question to the selectors sees it (CON-4)."""
    # Serialises two answers for the same person, so a double post cannot record twice.
    Person.objects.select_for_update().get(pk=person.pk)
    answering_check(person=person, answered_by=answered_by)
    unknown = set(answers) - set(rules.TOPICS)
    if unknown:
        raise ConsentError(f"Unknown consent question: {', '.join(sorted(unknown))}.")
    wording = Wording.current(Wording.Kind.CONSENT_FORM)
    if wording is None:
        raise ConsentError("The committee has not published the consent form's wording yet.")
    policy = Wording.current(Wording.Kind.POLICY)
    today = club_today()
    season = consent_round.season if consent_round else rules.season_for(today)
    existing = [c.as_answer() for c in Consent.objects.filter(person=person)]
    created = []
    for topic, given in answers.items():
        current = rules.current_answer(existing, topic)
        unchanged = (
            current is not None and current.given == given and current.valid_until >= rules.season_lapses_on(season)
        )
        if unchanged:
            continue
        created.append(
            Consent.objects.create(
                person=person,
                topic=topic,
                given=given,
                answered_by=answered_by,
                recorded_by=recorded_by.user,
                method=method,
                wording=wording,
                policy=policy,
                season=season,
                valid_until=rules.season_lapses_on(season),
                consent_round=consent_round,
            )
        )
    if person.is_child() and any(answer.topic in rules.CONTACT_TOPICS for answer in created):
        people_services.person_contact_consent_follow(
            person=person,
            mobile_allowed=contact_consent_given(person, "text") or contact_consent_given(person, "phone"),
            email_allowed=contact_consent_given(person, "email"),
            by=recorded_by,
        )
    return created


# Consent rounds ---------------------------------------------------------------------------------


def _guardians_for_children(children):
    return (
        Person.objects.filter(
            family_memberships__kind=FamilyMember.Kind.GUARDIAN,
            family_memberships__parental_responsibility=True,
            family_memberships__family__members__person__in=children,
            family_memberships__family__members__kind=FamilyMember.Kind.CHILD,
        )
        .select_related("user")
        .distinct()
    )


def _round_guardians(children):
    """The guardians a round emails, each with a sign-in, and how many need a paper form instead."""
    emailed, without_email = [], 0
    for guardian in _guardians_for_children(children):
        if guardian.user_id is None and guardian.email:
            try:
                people_services.person_login_create(person=guardian)
            except PeopleError:
                without_email += 1
                continue
        if guardian.user_id is None or not guardian.user.is_active:
            without_email += 1
            continue
        emailed.append(guardian.pk)
    return emailed, without_email


# A round's emails go in the name of the committee member who sent it, recorded with the round.
ROUND_NEEDS_A_PERSON = (
    "A round goes in the name of a person in the club's register, and your sign-in account has none: "
    "sign in as a committee member to send it."
)


def _round_checks(season, started_by):
    if started_by is None:
        raise ConsentError(ROUND_NEEDS_A_PERSON)
    if Wording.current(Wording.Kind.CONSENT_FORM) is None:
        raise ConsentError("Publish the consent form's wording before starting a round.")
    if season < rules.season_for(club_today()):
        raise ConsentError(f"The {season} season is over: start a round for this season or the next.")


def _round_emails_queue(consent_round, guardian_ids):
    if not guardian_ids:
        return
    round_id = consent_round.pk
    transaction.on_commit(lambda: [tasks.send_consent_round_email.delay(round_id, pk) for pk in guardian_ids])


@transaction.atomic
def consent_round_start(*, season, started_by, team=None, send_again=False):
    """CON-6: emails every guardian with parental responsibility a link to answer for each of their
    children. Guardians without an email address are counted, for a paper form.

    A round goes once for each season and team: a second one raises RoundAlreadySent, saying when
    the first went and to how many, unless `send_again`; even then only guardians who have not had
    that round's email get one."""
    _round_checks(season, started_by)
    earlier = ConsentRound.objects.filter(kind=ConsentRound.Kind.ROUND, season=season, team=team).order_by("started_at")
    first = earlier.first()
    consent_round = ConsentRound(season=season, team=team, started_by=started_by.user)
    key = consent_round.scope_key
    if first is not None and not send_again:
        raise RoundAlreadySent(
            first_sent_at=timezone.localtime(first.started_at),
            # Each send emails only guardians new to the scope, so the sends add up to the people.
            guardians=earlier.aggregate(total=Sum("guardians_emailed"))["total"],
            season=season,
            scope=team or "the whole club",
        )
    consent_round.save()
    emailed, without_email = _round_guardians(round_children(team=team))
    already = set(
        ConsentRoundRecipient.objects.filter(scope_key=key, guardian_id__in=emailed).values_list(
            "guardian_id", flat=True
        )
    )
    fresh = [pk for pk in emailed if pk not in already]
    try:
        with transaction.atomic():
            ConsentRoundRecipient.objects.bulk_create(
                ConsentRoundRecipient(consent_round=consent_round, guardian_id=pk, scope_key=key) for pk in fresh
            )
    except IntegrityError:
        # Another start for the same season and team committed between the read and the write.
        raise ConsentError(
            f"The {season} round for {team or 'the whole club'} was sent a moment ago: reload the page to see it."
        ) from None
    consent_round.guardians_emailed = len(fresh)
    consent_round.guardians_without_email = without_email
    consent_round.save(update_fields=["guardians_emailed", "guardians_without_email"])
    consent_round.guardians_already_emailed = len(already)
    _round_emails_queue(consent_round, fresh)
    return consent_round


def children_unanswered(*, season, team=None):
    """CON-6: the children in a round's scope with no answer at all for `season` or later."""
    return round_children(team=team).exclude(pk__in=selectors.answered_people(season))


@transaction.atomic
def consent_round_chase(*, season, started_by, team=None, now=None):
    """CON-6: a reminder to the guardians of the children in scope who have no answer yet for the
    season; a second one within CHASE_GAP is refused, so a double click sends one."""
    _round_checks(season, started_by)
    now = now or timezone.now()
    # A double click is two posts from one sign-in: locking its user serialises them, so the second
    # sees the first reminder and is refused.
    get_user_model().objects.select_for_update().filter(pk=started_by.user_id).first()
    chases = ConsentRound.objects.filter(kind=ConsentRound.Kind.CHASE, season=season, team=team)
    recent = chases.filter(started_at__gt=now - CHASE_GAP).order_by("-started_at").first()
    if recent is not None:
        raise ConsentError(
            f"A reminder for {team or 'the whole club'} went at "
            f"{timezone.localtime(recent.started_at):%H:%M on %-d %B} to {recent.guardians_emailed} guardians: "
            "the next can go a day after it."
        )
    consent_round = ConsentRound.objects.create(
        kind=ConsentRound.Kind.CHASE, season=season, team=team, started_by=started_by.user
    )
    emailed, without_email = _round_guardians(children_unanswered(season=season, team=team))
    ConsentRoundRecipient.objects.bulk_create(
        ConsentRoundRecipient(consent_round=consent_round, guardian_id=pk) for pk in emailed
    )
    consent_round.guardians_emailed = len(emailed)
    consent_round.guardians_without_email = without_email
    consent_round.save(update_fields=["guardians_emailed", "guardians_without_email"])
    _round_emails_queue(consent_round, emailed)
    return consent_round


def consent_link_url(user, *, consent_round=None):
    """A sign-in link straight to the consent form, lasting a fortnight and working once. A guardian
    who is also staff signs in with their password and second factor, so gets the plain address.
    A round's link names the round, so the answers given from it are for the round's season (from
    October, next summer's), not the one still running."""
    form = reverse("consents:my-consents") + (f"?round={consent_round.pk}" if consent_round else "")
    if not credentials.sign_in_link_eligible(user):
        return f"{settings.SITE_URL}{form}"
    return credentials.sign_in_link_url(user, scope=CONSENT_LINK_SCOPE, next_url=quote(form, safe="/"))


def consent_round_email_send(*, consent_round, guardian):
    in_scope = round_children(team=consent_round.team)
    if consent_round.kind == ConsentRound.Kind.CHASE:
        in_scope = children_unanswered(season=consent_round.season, team=consent_round.team)
    children = list(guardians_children(guardian).filter(pk__in=in_scope.values("pk")))
    if not children:
        return
    email_send(
        template="consent_round",
        to=guardian.user.email,
        subject=f"{club().name}: your consents for the {consent_round.season} season",
        reply_to=welfare_reply_to(),
        context={
            "guardian": guardian,
            "children": children,
            "consent_round": consent_round,
            "url": consent_link_url(guardian.user, consent_round=consent_round),
            "signs_in": credentials.sign_in_link_eligible(guardian.user),
            "days": 14,
        },
    )


# Direct contact ---------------------------------------------------------------------------------


def _may_request_for(requester, child):
    kinds = set(Role.objects.current().filter(person=requester).values_list("kind", flat=True))
    if kinds & {Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER}:
        return True
    return (
        Role.Kind.VOLUNTEER in kinds
        and TeamStaff.objects.filter(person=requester, team__team_players__person=child).exists()
    )


@transaction.atomic
def direct_contact_request_create(
    *, child, requested_by, purpose, details, channel, starts_at, ends_at, club_phone=None
):
    """CON-3: asks the child's guardians for permission for one purpose, channel and window; a
    call or a text names the club phone the volunteer holds for it (VOL-4)."""
    if not child.is_child():
        raise ConsentError(f"{child} is 18 or over: contact them directly, no guardian's permission is needed.")
    if not _may_request_for(requested_by, child):
        raise ConsentError(f"Only {child.first_name}'s coaches and team managers can ask to contact them.")
    if ends_at <= starts_at:
        raise ConsentError("The window must end after it starts.")
    if ends_at <= timezone.now():
        raise ConsentError("The window has already ended: choose dates in the future.")
    if ends_at - starts_at > LONGEST_CONTACT_WINDOW:
        raise ConsentError("Ask for at most 31 days at a time: permission is for one occasion, not a season.")
    if channel not in rules.CLUB_PHONE_CHANNELS:
        club_phone = None
    first_day = timezone.localdate(max(starts_at, timezone.now()))
    contact_request = DirectContactRequest(
        child=child,
        requested_by=requested_by,
        purpose=purpose,
        details=details,
        channel=channel,
        starts_at=starts_at,
        ends_at=ends_at,
        club_phone=club_phone,
    )
    finding = rules.club_phone_finding(
        channel=channel,
        phone_named=club_phone is not None,
        in_service=club_phone is not None and club_phone.in_service,
        held_on_first_day=club_phone is not None and contact_request.club_phone_held_on(first_day),
    )
    if finding:
        raise ConsentError(f"{finding.message} ({finding.rule})")
    guardians = [g for g in _guardians_for_children([child]) if g.user_id or g.email]
    if not guardians:
        raise ConsentError(f"{child.first_name} has no guardian the club can email: ask the welfare officer.")
    contact_request.save()
    request_id, guardian_ids = contact_request.pk, [g.pk for g in guardians]
    transaction.on_commit(lambda: [tasks.send_direct_contact_request.delay(request_id, pk) for pk in guardian_ids])
    return contact_request


def decision_token(contact_request, guardian):
    return signing.dumps(
        {"request": contact_request.pk, "guardian": guardian.pk}, salt=DECISION_LINK_SALT, compress=True
    )


def decision_link_url(contact_request, guardian):
    return f"{settings.SITE_URL}{reverse('consents:decide', args=[decision_token(contact_request, guardian)])}"


def decision_link_open(token):
    """The request and guardian a decision link was made for. Tampered or expired links raise."""
    try:
        data = signing.loads(token, salt=DECISION_LINK_SALT, max_age=DECISION_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkInvalid("This link has expired. The volunteer can send a new request.") from None
    except signing.BadSignature:
        raise LinkInvalid("This link is not valid. Open it from the email exactly as it was sent.") from None
    contact_request = (
        DirectContactRequest.objects.filter(pk=data["request"]).select_related("child", "requested_by").first()
    )
    guardian = Person.objects.filter(pk=data["guardian"]).first()
    if contact_request is None or guardian is None:
        raise LinkInvalid("This request no longer exists.")
    return contact_request, guardian


def direct_contact_request_email_send(*, contact_request, guardian):
    email_send(
        template="direct_contact_request",
        to=guardian.user.email if guardian.user_id else guardian.email,
        subject=(
            f"{club().name}: may {contact_request.requested_by.first_name} contact {contact_request.child.first_name}?"
        ),
        context={
            "contact_request": contact_request,
            "guardian": guardian,
            "url": decision_link_url(contact_request, guardian),
        },
    )


@transaction.atomic
def direct_contact_request_decide(*, contact_request, guardian, approve, note=""):
    """A guardian with parental responsibility approves or declines, once; the volunteer is told."""
    contact_request = DirectContactRequest.objects.select_for_update().get(pk=contact_request.pk)
    answering_check(person=contact_request.child, answered_by=guardian)
    if contact_request.status != DirectContactRequest.Status.PENDING:
        who = f" by {contact_request.decided_by.first_name}" if contact_request.decided_by_id else ""
        raise ConsentError(f"This request was already answered{who}: {contact_request.get_status_display().lower()}.")
    contact_request.transition_to(
        DirectContactRequest.Status.APPROVED if approve else DirectContactRequest.Status.DECLINED
    )
    contact_request.decided_by = guardian
    contact_request.decided_at = timezone.now()
    contact_request.decision_note = note
    history_by(contact_request, guardian.user)
    contact_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    transaction.on_commit(lambda: tasks.send_direct_contact_outcome.delay(contact_request.pk))
    return contact_request


def direct_contact_outcome_email_send(*, contact_request):
    volunteer = contact_request.requested_by
    if volunteer.user_id is None:
        return
    email_send(
        template="direct_contact_outcome",
        to=volunteer.user.email,
        subject=(
            f"{club().name}: your request to contact {contact_request.child.first_name} "
            f"was {contact_request.get_status_display().lower()}"
        ),
        context={"contact_request": contact_request, "url": f"{settings.SITE_URL}{reverse('consents:request-list')}"},
    )


@transaction.atomic
def direct_contact_request_cancel(*, contact_request, by):
    contact_request = DirectContactRequest.objects.select_for_update().get(pk=contact_request.pk)
    if contact_request.requested_by_id != by.pk:
        raise ConsentError("Only the volunteer who asked can cancel this request.")
    contact_request.transition_to(DirectContactRequest.Status.CANCELLED)
    history_by(contact_request, by.user)
    contact_request.save(update_fields=["status"])
    return contact_request


# Acceptable use ---------------------------------------------------------------------------------


@transaction.atomic
def acceptable_use_agree(*, person, wording, method, recorded_by):
    """CON-5: records that a young member agreed to this version of the statement or of the club's
    policy; agreeing twice changes nothing."""
    if wording.kind not in AcceptableUseAgreement.AGREED_KINDS:
        raise ConsentError("That text is not one young members agree to.")
    if wording != Wording.current(wording.kind):
        raise ConsentError(f"A newer {wording.get_kind_display().lower()} has been published: agree to that one.")
    if not Role.objects.current().filter(person=person, kind=Role.Kind.CHILD).exists():
        raise ConsentError(f"{person} is not a young member of the club.")
    own_sign_in = selectors.agrees_for_themselves(person)
    if method == AcceptableUseAgreement.Method.GUARDIAN_DEVICE and own_sign_in:
        raise ConsentError(f"{person.first_name} has their own sign-in and agrees from it, for themselves.")
    if method == AcceptableUseAgreement.Method.OWN_ACCOUNT and recorded_by.pk != person.pk:
        raise ConsentError(f"Only {person.first_name} can agree from their own account.")
    agreement, _ = AcceptableUseAgreement.objects.get_or_create(
        person=person, wording=wording, defaults={"method": method, "recorded_by": recorded_by.user}
    )
    return agreement


@transaction.atomic
def agreements_record(*, person, method, recorded_by):
    """CON-5, VOL-1: the young member agrees to every current version they have not agreed to yet,
    the club's policy and the acceptable use statement, in one step. Returns the new agreements."""
    return [
        acceptable_use_agree(person=person, wording=wording, method=method, recorded_by=recorded_by)
        for wording in selectors.agreements_due(person)
    ]


@transaction.atomic
def policy_wording_publish(*, version, title, body, by=None):
    """VOL-1: the committee's new policy version, as the text young members agree to and consent
    answers name. Publishing the same version twice changes nothing. `by` is the committee member's
    Person; the wording records their sign-in account."""
    published_by = by.user if by is not None else None
    wording, _ = Wording.objects.get_or_create(
        kind=Wording.Kind.POLICY, version=version, defaults={"title": title, "body": body, "published_by": published_by}
    )
    return wording


# Reminders --------------------------------------------------------------------------------------


def lapse_reminders_send(*, today=None):
    """CON-6: once per season, guardians whose children's answers lapse within 30 days are asked to
    renew. Returns how many reminders were queued; running it again the same day queues none."""
    today = today or club_today()
    season = rules.season_lapsing_next(today)
    lapses_on = rules.season_lapses_on(season)
    if (lapses_on - today).days > LAPSE_REMINDER_DAYS:
        return 0
    # Children whose answers for the lapsing season include a yes, and who have none yet for the next.
    renewed = Consent.objects.filter(season__gt=season).values("person_id")
    children = round_children().filter(consents__season=season, consents__given=True).exclude(pk__in=renewed).distinct()
    queued = 0
    for guardian in _guardians_for_children(children).filter(user__isnull=False, user__is_active=True):
        with transaction.atomic():
            _, created = LapseReminder.objects.get_or_create(guardian=guardian, season=season)
            if created:
                guardian_id = guardian.pk
                transaction.on_commit(
                    lambda guardian_id=guardian_id: tasks.send_lapse_reminder.delay(guardian_id, season)
                )
                queued += 1
    return queued


def lapse_reminder_email_send(*, guardian, season):
    email_send(
        template="consent_lapse_reminder",
        to=guardian.user.email,
        subject=f"{club().name}: please renew your consents before 31 March",
        reply_to=welfare_reply_to(),
        context={
            "guardian": guardian,
            "lapses_on": rules.season_lapses_on(season),
            "url": consent_link_url(guardian.user),
        },
    )
