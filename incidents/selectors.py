"""Reads of cases, each scoped to who asks: the queue, a reporter's own reports, earlier concerns
about the same people, and the committee's counts (which never carry a name or a detail)."""

from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .access import cases_granted_to, is_welfare_officer
from .models import CaseEntry, CaseRead, Incident, IncidentSubject

OPEN = "open"


def incident_queue_for_user(user, *, status=OPEN, category="", priority="", assigned=""):
    """INC-3: the welfare officers' queue, most urgent first, then oldest first. Others see only
    the cases granted to them. A welfare officer never sees a case they are linked to."""
    cases = Incident.objects.all() if is_welfare_officer(user) else cases_granted_to(user)
    cases = cases.exclude(subject_links__person__user=user)
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
    return cases.select_related("assignee__person").order_by("priority", "reported_at", "pk")


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
        for row in Incident.objects.filter(reported_at__date__gte=since)
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
