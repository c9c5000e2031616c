"""The welfare officers' desk: the queue of cases, finding a person's safeguarding record, a
reply turned into a case, and the committee's counts. Every response is sent with
Cache-Control: no-store, so no browser, proxy or shared family computer keeps a copy.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from messaging import access as message_access
from people.models import WELFARE_ROLE_KINDS, Role
from people.roles import holds_role
from people.selectors import person_for_user

from . import access, rules, selectors, services
from .forms import (
    FromReplyForm,
    PersonSearchForm,
)
from .models import Incident, IncidentSubject

QUEUE_PAGE_SIZE = 50


@login_required
@never_cache
def queue(request):
    """INC-3: the queue. Welfare officers see every case; others see the cases granted to them."""
    if not access.is_welfare_officer(request.user) and not access.cases_granted_to(request.user).exists():
        raise PermissionDenied("The queue of concerns is for the club's welfare officers.")
    filters = {
        "status": request.GET.get("status", selectors.OPEN),
        "category": request.GET.get("category", ""),
        "priority": request.GET.get("priority", ""),
        "assigned": request.GET.get("assigned", ""),
        "show": request.GET.get("show", ""),
    }
    now = timezone.now()
    views = selectors.queue_views(today=timezone.localdate(now), now=now)
    cases = selectors.incident_queue_for_user(request.user, now=now, **filters)
    page = selectors.incident_queue_page(
        cases, after=request.GET.get("after"), before=request.GET.get("before"), size=QUEUE_PAGE_SIZE
    )
    for incident in page.cases:
        incident.age = rules.age_words(incident.reported_at, now)
    return render(
        request,
        "incidents/incident_queue.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Incident.Status.choices,
            "categories": Incident.Category.choices,
            "priorities": Incident.Priority.choices,
            "query": request.GET.copy(),
            "is_officer": access.is_welfare_officer(request.user),
            "views": [(key, label) for key, (label, _condition) in views.items()],
            "showing": views[filters["show"]][0] if filters["show"] in views else "",
        },
    )


def _welfare_only(request):
    if not access.is_welfare_officer(request.user):
        raise PermissionDenied("Finding a person's safeguarding record is for the club's welfare officers.")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def person_search(request):
    """INC-6: find a child or adult by name. The name travels in the body of a POST, never in a
    URL, a browser's history or a server log."""
    _welfare_only(request)
    form = PersonSearchForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        context["search"] = form.cleaned_data["name"]
        context["matches"] = selectors.person_search(form.cleaned_data["name"], user=request.user)
        today = timezone.localdate()
        for person in context["matches"]:
            person.age_now = person.age(today)
    return render(request, "incidents/person_search.html", context)


@login_required
@never_cache
def person_record(request, pk):
    """INC-4, INC-6: a person's safeguarding record: every case they are linked to, newest first,
    and one chronology across them. Each case shown is written to its read log by the gate."""
    record = access.person_record_get_for_user(request.user, pk)
    entries, entry_total = selectors.person_chronology(record.cases)
    person = record.person
    parts = dict(IncidentSubject.Part.choices)
    for case in record.cases:
        case.part_label = parts.get(case.part, "Linked")
    context = {
        "person": person,
        "age": person.age(),
        "cases": record.cases,
        "case_total": record.total,
        "entries": entries,
        "entry_total": entry_total,
        "teams": selectors.person_teams(person),
    }
    return render(request, "incidents/person_record.html", context)


@login_required
@never_cache
@require_POST
def from_reply(request, pk):
    """INC-8: a welfare officer turns a reply from a young person into a case in one step."""
    reply = message_access.reply_get_for_user(
        request.user, pk, refusal="Replies are turned into cases by the welfare officers."
    )
    form = FromReplyForm(request.POST)
    if not form.is_valid():
        flash.error(request, "Choose what the concern is about, then press Raise a concern again.")
        return redirect("messaging:reply-list")
    incident = services.incident_from_reply(
        reply=reply, by=person_for_user(request.user), category=form.cleaned_data["category"]
    )
    flash.success(request, f"Case {incident.reference} is open for this reply.")
    return redirect("incidents:case-detail", reference=incident.reference)


@login_required
@never_cache
def counts(request):
    """INC-5, INC-7: what the committee sees of concerns: numbers by category and month, no more."""
    if not holds_role(request.user, Role.Kind.COMMITTEE, *WELFARE_ROLE_KINDS):
        raise PermissionDenied("The counts of concerns are for the committee and the welfare officers.")
    return render(request, "incidents/incident_counts.html", {"counts": selectors.incident_counts()})
