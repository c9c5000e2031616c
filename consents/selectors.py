"""The one place the portal asks what consent allows: messaging, the social accounts register and
the team sheets call these, and nothing else reads the consent tables to decide.

`may_photograph` and `may_contact_directly` answer "may the club do X with person Y through Z now?"
with a Decision whose findings name the requirement and say in words why not.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from people.models import FamilyMember, Person, Role, TeamPlayer, adult_cutoff_date, club_today

from . import rules
from .models import AcceptableUseAgreement, Consent, DirectContactRequest, Wording


def _answers(person):
    return [c.as_answer() for c in Consent.objects.filter(person=person)]


def may_photograph(person, destination, *, at=None):
    """CON-1: may a photo or video of this person go to this destination (or may they be named)?"""
    at = at or timezone.now()
    return rules.decide_photo(
        answers=_answers(person),
        destination=destination,
        name=person.first_name,
        at=at,
    )


def may_contact_directly(person, channel, purpose, *, at=None):
    """CON-2 and CON-3: may a volunteer contact this person directly, on this channel, for this
    purpose, at this moment? A withdrawal recorded a second ago already answers no."""
    at = at or timezone.now()
    requests = DirectContactRequest.objects.filter(child=person, channel=channel)
    if channel in rules.CLUB_PHONE_CHANNELS:
        requests = requests.select_related("club_phone").prefetch_related("club_phone__holdings")
    day = timezone.localdate(at)
    permissions = [r.as_permission(on=day) for r in requests]
    return rules.decide_contact(
        answers=_answers(person),
        permissions=permissions,
        channel=channel,
        purpose=purpose,
        name=person.first_name,
        date_of_birth=person.date_of_birth,
        at=at,
    )


def contact_consent_given(person, channel, *, at=None):
    """CON-2 alone: whether the channel's consent holds (PPL-4 asks this before holding a child's
    own mobile number or email address)."""
    at = at or timezone.now()
    topic = rules.CHANNEL_TOPIC[channel]
    return rules.consent_finding(_answers(person), topic, name=person.first_name, on=at.date()) is None


def current_answers(person, *, at=None):
    """{topic: Answer or None} for the form and the team sheet."""
    answers = _answers(person)
    return {topic: rules.current_answer(answers, topic) for topic in rules.TOPICS}


def guardians_children(guardian):
    """The children this guardian answers for: those in their families where they hold parental
    responsibility (PPL-3)."""
    families = FamilyMember.objects.filter(
        person=guardian, kind=FamilyMember.Kind.GUARDIAN, parental_responsibility=True
    ).values("family_id")
    return (
        Person.objects.filter(
            family_memberships__family_id__in=families, family_memberships__kind=FamilyMember.Kind.CHILD
        )
        .distinct()
        .order_by("date_of_birth")
    )


def is_guardian_with_responsibility(guardian, child):
    return guardians_children(guardian).filter(pk=child.pk).exists()


def acceptable_use_due(person, *, on=None):
    """CON-5: the current statement, if this young member has not agreed to it yet, else None."""
    wording = Wording.current(Wording.Kind.ACCEPTABLE_USE)
    if wording is None:
        return None
    if AcceptableUseAgreement.objects.filter(person=person, wording=wording).exists():
        return None
    return wording


def current_agreement_wordings():
    """CON-5, VOL-1: the versions young members agree to now: the club's policy, then the statement."""
    return [w for w in (Wording.current(kind) for kind in AcceptableUseAgreement.AGREED_KINDS) if w is not None]


def agreements_due(person):
    """CON-5, VOL-1: the current policy and statement versions this young member has not agreed to."""
    wordings = current_agreement_wordings()
    agreed = set(
        AcceptableUseAgreement.objects.filter(person=person, wording__in=wordings).values_list("wording_id", flat=True)
    )
    return [w for w in wordings if w.pk not in agreed]


def agrees_for_themselves(person):
    """CON-5: a young member with their own active sign-in agrees from it, not on a guardian's phone."""
    return person.user_id is not None and person.user.is_active


def newest_answers_by_person(consents):
    """The newest answer for each person and topic among `consents`, as the rules' Answers by
    person id: older answers stay in the database (consent history is never edited), not in memory."""
    newer = Consent.objects.filter(
        person=OuterRef("person"), topic=OuterRef("topic"), recorded_at__gt=OuterRef("recorded_at")
    )
    answers = {}
    rows = (
        consents.filter(~Exists(newer))
        .order_by()
        .values_list("person_id", "topic", "given", "recorded_at", "valid_until")
    )
    for person_id, topic, given, recorded_at, valid_until in rows:
        answers.setdefault(person_id, []).append(rules.Answer(topic, given, recorded_at, valid_until))
    return answers


def team_sheet_rows(team, *, at=None):
    """CON-7: each player with what may and may not be done with their picture and name today,
    in two queries however big the squad and however long its history of answers."""
    at = at or timezone.now()
    players = (
        Person.objects.filter(team_places__team=team)
        .only("first_name", "last_name")
        .order_by("last_name", "first_name", "pk")
    )
    answers = newest_answers_by_person(
        Consent.objects.filter(person__team_places__team=team, topic__in=rules.PHOTO_TOPICS)
    )
    rows = []
    for person in players:
        person_answers = answers.get(person.pk, [])
        verdicts = {}
        for topic in rules.PHOTO_TOPICS:
            verdicts[topic] = rules.consent_finding(person_answers, topic, name=person.first_name, on=at.date()) is None
        places_allowed = [verdicts[t] for t in ("photo_website", "photo_social", "photo_press")]
        rows.append(
            {
                "person": person,
                "photo": verdicts,
                "no_photos": not any(places_allowed),
                "some_places_only": any(places_allowed) and not all(places_allowed),
                "not_named": not verdicts["name_published"],
            }
        )
    return rows


def round_children(*, team=None, today=None):
    """CON-6: the children a consent round is for: current young members under 18, of one team or all."""
    # IN the current child roles' people (a hashed read of the roles), not a join of people to roles.
    children = Person.objects.filter(pk__in=Role.objects.current().filter(kind=Role.Kind.CHILD).values("person_id"))
    if team is not None:
        children = children.filter(pk__in=TeamPlayer.objects.filter(team=team).values("person_id"))
    # Each child once without a DISTINCT: nothing here joins (a caller that joins dedups its own).
    return children.filter(date_of_birth__gt=adult_cutoff_date(today or club_today()))


def answered_people(season):
    """The people with an answer for `season` or a later one, as a set to look a child up in: one
    read of the answers, where an EXISTS probed them once per child (20,000 at county scale)."""
    return Consent.objects.filter(season__gte=season).values("person_id")


def places_without_answer(*, season, today=None):
    """CON-1, CON-6: each team place whose child has no consent answer for `season` or a later one.
    The rounds page lists these and the dashboard counts them, so the two always agree."""
    return TeamPlayer.objects.filter(person__in=round_children(today=today)).exclude(
        person_id__in=answered_people(season)
    )


def round_players_exist(*, today=None):
    """Whether any child a round is for holds a team place: a new club's rounds page, with nobody
    yet to answer, says to import the register rather than that every player has answered."""
    return TeamPlayer.objects.filter(person__in=round_children(today=today)).exists()


def unanswered_by_team(*, season, today=None):
    """{team id: (places, places without an answer)} for the round's children, in one aggregate, and
    how many children (each counted once, whatever their teams) have no answer."""
    rows = (
        TeamPlayer.objects.filter(person__in=round_children(today=today))
        .values("team")
        .annotate(places=Count("pk"), unanswered=Count("pk", filter=~Q(person_id__in=answered_people(season))))
        .order_by()
    )
    return {row["team"]: (row["places"], row["unanswered"]) for row in rows}


def children_without_answer_count(*, season, today=None):
    return places_without_answer(season=season, today=today).values("person_id").distinct().count()
