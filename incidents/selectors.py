"""Reads of cases, each scoped to who asks: the queue, a reporter's own reports, earlier concerns
about the same people, and the committee's counts (which never carry a name or a detail)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import BooleanField, Count, Exists, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone

from messaging.models import Reply
from people.models import Person, TeamPlayer, TeamStaff
from people.roles import current_roles

from .access import cases_granted_to, is_welfare_officer
from .models import CaseEntry, CaseRead, Incident, IncidentSubject

OPEN = "open"
# A case with no chronology entry for this long is quiet, and the desk says so.
QUIET_AFTER = timedelta(days=14)
PERSON_SEARCH_LIMIT = 20
PERSON_CHRONOLOGY_ENTRIES = 300
DESK_LIST_LIMIT = 10


def _overdue_referrals(today):
    """Referrals whose answer was due before today and that no later entry records an answer to."""
    answered = CaseEntry.objects.filter(responds_to=OuterRef("pk"))
    return CaseEntry.objects.filter(
        kind=CaseEntry.Kind.REFERRAL, response_due_on__lt=today, incident__closed_at__isnull=True
    ).exclude(Exists(answered))


def _quiet(now):
    # NOT IN the cases with a recent entry: PostgreSQL hashes the fortnight's entries once, where a
    # NOT EXISTS probed the chronology once per open case (33,000 at county scale).
    return ~Q(pk__in=CaseEntry.objects.filter(created_at__gte=now - QUIET_AFTER).values("incident_id"))


def queue_views(*, today, now):
    """INC-3: the desk's named views of the queue, each a condition on open cases. The home's
    figures and the queue's `show` filter read this one table, so a figure and its list agree."""
    return {
        "new": ("New, not yet seen", Q(seen_at__isnull=True)),
        "urgent": ("Urgent", Q(priority=Incident.Priority.URGENT) | Q(immediate_risk=True)),
        "quiet": ("No action for 14 days", _quiet(now)),
        "review": ("Review due", Q(next_review_on__lte=today)),
        "referral": (
            "Referral answer overdue",
            Q(pk__in=_overdue_referrals(today).values("incident_id")),
        ),
    }


def _readable_cases(user):
    cases = Incident.objects.all() if is_welfare_officer(user) else cases_granted_to(user)
    # The reader's own register entries come with their roles, already loaded: the exclusion is a
    # look-up in the case links by person, with no join of the people table.
    own = {role.person_id for role in current_roles(user)} or Person.objects.filter(user=user).values("pk")
    return cases.exclude(Exists(IncidentSubject.objects.filter(incident=OuterRef("pk"), person__in=own)))


def incident_queue_for_user(user, *, status=OPEN, category="", priority="", assigned="", show="", today=None, now=None):
    """INC-3: the welfare officers' queue, most urgent first, then oldest first. Others see only
    the cases granted to them. A welfare officer never sees a case they are linked to. `show`
    narrows it to one of the desk's views (`queue_views`)."""
    cases = _readable_cases(user)
    now = now or timezone.now()
    views = queue_views(today=today or timezone.localdate(now), now=now)
    if show in views:
        cases = cases.filter(views[show][1])
    if status == OPEN:
        cases = cases.exclude(status=Incident.Status.CLOSED)
    elif status in Incident.Status.values:
        cases = cases.filter(status=status)
    if category in Incident.Category.values:
        cases = cases.filter(category=category)
    if priority and priority.isdigit() and int(priority) in Incident.Priority.values:
        cases = cases.filter(priority=int(priority))
    if assigned == "me":
        cases = cases.filter(assignee=user)
    elif assigned == "nobody":
        cases = cases.filter(assignee__isnull=True)
    return cases.select_related("assignee__person").order_by(*QUEUE_ORDER)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The queue's order, which its index (incidents_open_queue_idx) keeps, and the keyset that pages it.
QUEUE_ORDER = ("priority", "reported_at", "pk")
_AFTER = (
    '("incidents_incident"."priority", "incidents_incident"."reported_at", "incidents_incident"."id") > (%s, %s, %s)'
)
_BEFORE = (
    '("incidents_incident"."priority", "incidents_incident"."reported_at", "incidents_incident"."id") < (%s, %s, %s)'
)


@dataclass
class QueuePage:
    cases: list
    count: int
    next_cursor: str | None
    previous_cursor: str | None


def _cursor(case):
    return f"{case.priority}_{(case.reported_at - EPOCH) // timedelta(microseconds=1)}_{case.pk}"


def _cursor_values(cursor):
    """A cursor from a link, or None for anything that is not one (a hand-edited URL: page one)."""
    try:
        priority, microseconds, pk = (int(part) for part in (cursor or "").split("_"))
        return priority, EPOCH + timedelta(microseconds=microseconds), pk
    except (ValueError, OverflowError):
        return None


def incident_queue_page(cases, *, after="", before="", size):
    """One page of the queue after (or before) a case, read by seeking in the queue's index: a page
    deep in the list costs what the first does, where an OFFSET would read every case above it."""
    ordered = cases.order_by(*QUEUE_ORDER)
    backwards = False
    if (values := _cursor_values(after)) is not None:
        ordered = ordered.filter(RawSQL(_AFTER, values, output_field=BooleanField()))  # noqa: S611 (constant SQL, values bound)
    elif (values := _cursor_values(before)) is not None:
        backwards = True
        ordered = ordered.filter(RawSQL(_BEFORE, values, output_field=BooleanField()))  # noqa: S611 (as above)
        ordered = ordered.reverse()
    rows = list(ordered[: size + 1])
    more = len(rows) > size
    if backwards and not more:
        return incident_queue_page(cases, size=size)  # back at the start: the first page, whole
    rows = rows[:size]
    if backwards:
        rows.reverse()
    return QueuePage(
        cases=rows,
        count=cases.order_by().count(),
        next_cursor=_cursor(rows[-1]) if rows and (more or backwards) else None,
        previous_cursor=_cursor(rows[0]) if rows and values is not None else None,
    )


def incident_list_for_reporter(user):
    """INC-5: a reporter sees the status of their own reports, and nothing else of them."""
    return (
        Incident.objects.filter(reporter=user, source=Incident.Source.REPORT_FORM)
        .order_by("-reported_at")
        .values("reference", "reported_at", "status", "status_token")
    )


def earlier_concerns(incident, user):
    """INC-6: other cases about the same children or adults, newest first, with who links them."""
    people = list(incident.subject_links.values_list("person_id", flat=True))
    if not people:
        return []
    # Someone given one case sees only the other cases they were given too.
    readable = Incident.objects.all() if is_welfare_officer(user) else cases_granted_to(user)
    others = (
        readable.filter(subject_links__person_id__in=people)
        .exclude(pk=incident.pk)
        .exclude(subject_links__person__user=user)
        .distinct()
        .prefetch_related(
            Prefetch(
                "subject_links",
                queryset=IncidentSubject.objects.filter(person_id__in=people).select_related("person"),
                to_attr="shared_links",
            )
        )
        .order_by("-reported_at")
    )
    return list(others)


def case_page_data(incident):
    """Everything the case page shows, in a fixed number of queries."""
    entries = list(
        CaseEntry.objects.filter(incident=incident)
        .select_related("author__person", "corrects")
        .order_by("created_at", "pk")
    )
    corrected = {entry.corrects_id for entry in entries if entry.corrects_id}
    return {
        "entries": entries,
        "corrected_ids": corrected,
        "evidence": list(incident.evidence.select_related("uploaded_by__person")),
        "subjects": list(incident.subject_links.select_related("person").order_by("person__last_name")),
    }


def case_reads(incident):
    return CaseRead.objects.filter(incident=incident).select_related("user__person").order_by("-at", "-pk")


def incident_counts_by_category(*, since):
    """INC-7: concerns reported since a day, by category, each with how many are still open, and
    cyberbullying first, for the club's anti-bullying reporting. One query; counts only."""
    counts = {
        row["category"]: row
        # From the club's midnight that day: a range the rows are compared with as they are, not each
        # converted to the club's date first.
        for row in Incident.objects.filter(
            reported_at__gte=timezone.make_aware(datetime.combine(since, datetime.min.time()))
        )
        .values("category")
        .annotate(reported=Count("pk"), open=Count("pk", filter=~Q(status=Incident.Status.CLOSED)))
    }
    order = [Incident.Category.CYBERBULLYING, *(c for c in Incident.Category if c != Incident.Category.CYBERBULLYING)]
    return [
        {
            "category": category.value,
            "label": category.label,
            "reported": counts.get(category.value, {}).get("reported", 0),
            "open": counts.get(category.value, {}).get("open", 0),
        }
        for category in order
    ]


def incident_counts(*, today=None, months=12):
    """INC-5, INC-7: the committee's view. Counts by category and month reported, cyberbullying on
    its own, and open cases by status. Names, words, references and people never leave this
    function."""
    today = today or timezone.localdate()
    first = date(today.year, today.month, 1)
    for _ in range(months - 1):
        first = date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)
    month_list = [first]
    while len(month_list) < months:
        last = month_list[-1]
        month_list.append(date(last.year + 1, 1, 1) if last.month == 12 else date(last.year, last.month + 1, 1))
    rows = (
        Incident.objects.filter(reported_at__date__gte=first)
        .annotate(month=TruncMonth("reported_at"))
        .values("category", "month")
        .annotate(count=Count("pk"))
    )
    grid = {category: dict.fromkeys(month_list, 0) for category in Incident.Category.values}
    for row in rows:
        month = row["month"]
        key = date(month.year, month.month, 1)
        if key in grid[row["category"]]:
            grid[row["category"]][key] = row["count"]
    by_status = dict(Incident.objects.values_list("status").annotate(count=Count("pk")).values_list("status", "count"))
    cyberbullying = incident_counts_by_category(since=first)[0]
    open_cases = Incident.objects.exclude(status=Incident.Status.CLOSED)
    # Newest month first: the months a committee asks about are the first they see on a phone.
    month_list.reverse()
    return {
        "months": month_list,
        "categories": [
            {
                "category": category,
                "label": Incident.Category(category).label,
                "counts": [grid[category][month] for month in month_list],
                "total": sum(grid[category].values()),
            }
            for category in Incident.Category.values
        ],
        # INC-7: its own figure, for the anti-bullying reporting.
        "cyberbullying": {"reported": cyberbullying["reported"], "open": cyberbullying["open"]},
        "by_status": [(Incident.Status(s).label, by_status.get(s, 0)) for s in Incident.Status.values],
        "open_total": open_cases.count(),
        "open_older_than_28_days": open_cases.filter(reported_at__lt=timezone.now() - timedelta(days=28)).count(),
        "urgent_unseen": Incident.objects.filter(Q(immediate_risk=True) & Q(seen_at__isnull=True)).count(),
    }


def welfare_desk(user, *, today=None, now=None):
    """INC-3: what needs the welfare officer today, as figures that each open the queue filtered to
    them, and the cases due a review and the referrals overdue an answer. Fixed query count."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    views = queue_views(today=today, now=now)
    open_cases = _readable_cases(user).exclude(status=Incident.Status.CLOSED)
    counts = open_cases.aggregate(
        **{key: Count("pk", filter=condition) for key, (_label, condition) in views.items()},
        mine=Count("pk", filter=Q(assignee=user)),
    )
    figures = [
        {"key": key, "label": label, "count": counts[key], "url_query": f"show={key}"}
        for key, (label, _condition) in views.items()
    ]
    figures.insert(2, {"key": "mine", "label": "Held by you", "count": counts["mine"], "url_query": "assigned=me"})
    replies = Reply.objects.filter(goes_to=Reply.GoesTo.WELFARE_OFFICERS, seen_at__isnull=True).count()
    reviews = list(open_cases.filter(views["review"][1]).order_by("next_review_on", "pk")[:DESK_LIST_LIMIT])
    readable = open_cases.values("pk")
    referrals = list(
        _overdue_referrals(today)
        .filter(incident__in=readable)
        .select_related("incident")
        .order_by("response_due_on", "pk")[:DESK_LIST_LIMIT]
    )
    return {"figures": figures, "replies_waiting": replies, "reviews_due": reviews, "referrals_overdue": referrals}


def person_search(text, *, user, limit=PERSON_SEARCH_LIMIT):
    """People in the register whose names hold every word typed (up to three), with their teams
    and how many cases `user` could open about them. Fixed query count however many match."""
    people = Person.objects.all()
    for term in text.split()[:3]:
        people = people.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
    own_cases = IncidentSubject.objects.filter(person__user=user).values("incident_id")
    return list(
        people.annotate(case_count=Count("incident_links", filter=~Q(incident_links__incident_id__in=own_cases)))
        .prefetch_related(
            Prefetch("team_places", queryset=TeamPlayer.objects.select_related("team"), to_attr="played_in"),
            Prefetch("team_posts", queryset=TeamStaff.objects.select_related("team"), to_attr="staffing"),
        )
        .order_by("last_name", "first_name", "pk")[:limit]
    )


def person_chronology(cases, *, limit=PERSON_CHRONOLOGY_ENTRIES):
    """INC-4, INC-6: the chronologies of a person's cases merged, newest first, each entry
    carrying its case. The newest `limit` entries; the count says how many there are in all."""
    entries = CaseEntry.objects.filter(incident__in=[case.pk for case in cases])
    shown = list(entries.select_related("incident", "author__person").order_by("-created_at", "-pk")[:limit])
    return shown, entries.count()


def case_summary(incident, entries, subjects, *, today=None):
    """The few lines a case page opens with: who, what, where it stands, the last thing done."""
    today = today or timezone.localdate()
    last = entries[-1] if entries else None
    waiting = [
        entry
        for entry in entries
        if entry.kind == CaseEntry.Kind.REFERRAL
        and entry.response_due_on is not None
        and not any(other.responds_to_id == entry.pk for other in entries)
    ]
    return {
        "people": [link.person for link in subjects],
        "last_entry": last,
        "referrals_waiting": [
            {"entry": entry, "overdue": entry.response_due_on < today and incident.is_open} for entry in waiting
        ],
        "review_due": incident.is_open and incident.next_review_on is not None and incident.next_review_on <= today,
    }


def person_teams(person):
    """The teams a person plays for or helps run, by name."""
    played = TeamPlayer.objects.filter(person=person).values_list("team__name", flat=True)
    staffed = TeamStaff.objects.filter(person=person).values_list("team__name", flat=True)
    return sorted(set(played) | set(staffed))
