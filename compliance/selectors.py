"""X-1: the figures of the committee's dashboard, each with the list behind it. Every figure is a
fixed number of queries however big the club grows; nothing here names a case or its details."""

from collections import Counter
from datetime import date, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts_registry.selectors import accounts_with_status
from consents import rules as consent_rules
from consents import selectors as consent_selectors
from consents.models import AcceptableUseAgreement
from incidents.models import Incident
from incidents.selectors import incident_counts_by_category
from messaging.models import Delivery
from people.models import Person, Role, Team, TrainingRecord, club_today
from sefton_safety.models import FailingAddress

from . import rules
from .models import CriminalRecordsCheck, PolicyAcknowledgement, PolicyVersion


def _holders(kinds, today):
    return Person.objects.holding(*kinds, on=today)


def policy_to_acknowledge(person):
    """VOL-1: the current policy version when this volunteer has not acknowledged it yet, else None."""
    current = PolicyVersion.current()
    if current is None or PolicyAcknowledgement.objects.filter(version=current, person=person).exists():
        return None
    return current


def volunteers_without_acknowledgement(today=None):
    """VOL-1: staff and volunteers who have not acknowledged the current version."""
    today = today or club_today()
    current = PolicyVersion.current()
    people = _holders(rules.WORKS_WITH_CHILDREN | {Role.Kind.COMMITTEE}, today)
    if current is not None:
        people = people.exclude(Exists(PolicyAcknowledgement.objects.filter(version=current, person=OuterRef("pk"))))
    return people.order_by("last_name", "first_name")


def policy_publish_reach(today=None):
    """VOL-1, CON-5: whom a new version asks: every volunteer and committee member acknowledges
    it, and every young member agrees to it, whatever they did for the version before. Two queries."""
    today = today or club_today()
    return {
        "volunteers": _holders(rules.WORKS_WITH_CHILDREN | {Role.Kind.COMMITTEE}, today).count(),
        "children": _holders({Role.Kind.CHILD}, today).count(),
    }


def young_members_without_agreement(today=None):
    """CON-5, VOL-1: young members who have not agreed to the current version of the club's policy
    or of the acceptable use statement. Three queries however many there are."""
    today = today or club_today()
    wordings = consent_selectors.current_agreement_wordings()
    people = _holders({Role.Kind.CHILD}, today)
    missing = Q()
    for wording in wordings:
        # NOT IN the wording's agreements: one hashed read of them, not a probe per young member.
        missing |= ~Q(pk__in=AcceptableUseAgreement.objects.filter(wording=wording).values("person_id"))
    return people.filter(missing).order_by("last_name", "first_name") if wordings else people.none()


def training_and_checks(today=None, *, person_ids=None):
    """VOL-3: each person who needs safeguarding training, online-safety training or a DBS check,
    with the latest expiry of each and its state. Three queries however many volunteers."""
    today = today or club_today()
    people = _holders(rules.WORKS_WITH_CHILDREN, today).order_by("last_name", "first_name")
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    people = list(people)
    kinds = {}
    for role in Role.objects.current(today).filter(person__in=people).values("person_id", "kind"):
        kinds.setdefault(role["person_id"], set()).add(role["kind"])
    latest = {}
    for row in (
        TrainingRecord.objects.filter(person__in=people, completed_on__lte=today)
        .values("person_id", "kind")
        .annotate(until=Max("expires_on"))
    ):
        latest[(row["person_id"], row["kind"])] = row["until"]
    for row in (
        CriminalRecordsCheck.objects.filter(person__in=people, checked_on__lte=today)
        .values("person_id")
        .annotate(until=Max("renew_by"))
    ):
        latest[(row["person_id"], "dbs")] = row["until"]
    rows = []
    for person in people:
        held = kinds.get(person.pk, set())
        needs = [("safeguarding", "Safeguarding training")]
        if held & rules.NEEDS_ONLINE_SAFETY:
            needs.append(("online_safety", "Online safety training"))
        if held & rules.NEEDS_CHECK:
            needs.append(("dbs", "DBS check"))
        items = [
            {
                "what": label,
                "until": latest.get((person.pk, key)),
                "state": rules.state(latest.get((person.pk, key)), today),
            }
            for key, label in needs
        ]
        rows.append({"person": person, "items": items, "ok": all(i["state"] in ("valid", "expiring") for i in items)})
    return rows


def children_without_consent_by_team(today=None):
    """CON-1: per team, the round's children with no consent answer for this season, counted by the
    one selector the rounds page lists them with. Two queries: the teams, and one aggregate."""
    today = today or club_today()
    counts = consent_selectors.unanswered_by_team(season=consent_rules.season_for(today), today=today)
    teams = list(Team.objects.order_by("age_group", "name"))
    for team in teams:
        team.children, team.unanswered = counts.get(team.pk, (0, 0))
    return teams


def messages_stopped_this_week(now=None):
    """MSG-3, MSG-4, MSG-7: deliveries held or blocked in the last seven days, counted by reason."""
    now = now or timezone.now()
    rows = Delivery.objects.filter(
        status__in=[Delivery.Status.HELD, Delivery.Status.BLOCKED], created_at__gte=now - timedelta(days=7)
    ).values_list("status", "findings")
    reasons = Counter()
    held = blocked = 0
    for status, findings in rows:
        if status == Delivery.Status.HELD:
            held += 1
        else:
            blocked += 1
        for finding in findings or [{"rule": "MSG-3", "code": "office_hours"}]:
            reasons[f"{finding.get('rule', '')} {finding.get('code', '').replace('_', ' ')}".strip()] += 1
    return {"held": held, "blocked": blocked, "reasons": reasons.most_common()}


AGE_BANDS = (("under a week", 0, 7), ("1 to 4 weeks", 7, 28), ("over 4 weeks", 28, None))


def concerns_open_by_age(now=None):
    """INC-5: open concerns by how long they have waited. Counts only."""
    now = now or timezone.now()
    open_cases = Incident.objects.exclude(status=Incident.Status.CLOSED)
    bands = {}
    for index, (_, low, high) in enumerate(AGE_BANDS):
        window = Q(reported_at__lte=now - timedelta(days=low))
        if high is not None:
            window &= Q(reported_at__gt=now - timedelta(days=high))
        bands[f"band{index}"] = Count("pk", filter=window)
    counts = open_cases.aggregate(**bands)
    return [(label, counts[f"band{index}"]) for index, (label, _, _) in enumerate(AGE_BANDS)]


def failing_addresses(limit=20):
    """The addresses the mail relay refused outright, newest first, each with whom in the register
    uses it: two queries, however many there are."""
    rows = list(FailingAddress.objects.all()[:limit])
    addresses = [row.address for row in rows]
    people = (
        Person.objects.annotate(own=Lower("email"), sign_in=Lower("user__email"))
        .filter(Q(own__in=addresses) | Q(sign_in__in=addresses))
        .only("first_name", "last_name", "email")
    )
    names = {}
    for person in people:
        for address in {person.own, person.sign_in} & set(addresses):
            names.setdefault(address, []).append(person.full_name)
    return [{"row": row, "people": names.get(row.address, [])} for row in rows]


def dashboard(today=None, now=None):
    """Every figure on the committee's dashboard, each red or green."""
    today = today or club_today()
    accounts = accounts_with_status()
    current = PolicyVersion.current()
    unacknowledged = volunteers_without_acknowledgement(today).count()
    unagreed = young_members_without_agreement(today).count()
    people = training_and_checks(today)
    teams = children_without_consent_by_team(today)
    stopped = messages_stopped_this_week(now)
    concerns = concerns_open_by_age(now)
    season_opened_on = date(consent_rules.season_for(today), consent_rules.SEASON_OPENS_MONTH, 1)
    return {
        "accounts_below_three": [a for a in accounts if not a.compliant],
        "rotations_overdue": sum(a.rotations_overdue for a in accounts),
        "accounts": accounts,
        "policy": current,
        "policy_review_state": rules.state(current.review_by, today) if current else "missing",
        "unacknowledged": unacknowledged,
        "children_unagreed": unagreed,
        "training_gaps": [row for row in people if not row["ok"]],
        "training_total": len(people),
        "teams": teams,
        "children_unanswered": consent_selectors.children_without_answer_count(
            season=consent_rules.season_for(today), today=today
        ),
        "stopped": stopped,
        "concerns": concerns,
        "concerns_open": sum(count for _, count in concerns),
        # INC-7: the season's concerns by category, cyberbullying first, for the anti-bullying report.
        "season_opened_on": season_opened_on,
        "concerns_by_category": incident_counts_by_category(since=season_opened_on),
        "failing_addresses": failing_addresses(),
    }
