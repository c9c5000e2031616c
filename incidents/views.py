"""Report a concern (anyone), the welfare officers' queue and cases, and the committee's counts.

Every page of a case goes through the one gate (`access.incident_get_for_user`), which writes the
read log, and every response here is sent with Cache-Control: no-store, so no browser, proxy or
shared family computer keeps a copy.
"""

import django_otp
from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from messaging.models import Reply
from people import services as people_services
from people.models import WELFARE_ROLE_KINDS, Person, Role
from people.roles import holds_role

from . import access, export, rules, selectors, services
from .exceptions import IncidentError
from .forms import (
    AccessGrantForm,
    CaseEntryForm,
    EvidenceForm,
    ExportForm,
    FromReplyForm,
    IncidentReportForm,
    IncidentStatusForm,
    IncidentTriageForm,
    PersonSearchForm,
    SubjectLinkForm,
)
from .models import Incident, IncidentSubject

QUEUE_PAGE_SIZE = 50


def _welfare_officer_users():
    current = Role.objects.current().filter(kind__in=WELFARE_ROLE_KINDS)
    return (
        get_user_model().objects.filter(person__roles__in=current, is_active=True).select_related("person").distinct()
    )


def _over_limit(request, group, rate):
    """Counts this report against its sender (their account if signed in, else their address)
    in the shared cache, and says whether the count has passed `rate`."""
    return is_ratelimited(request, group=group, key="user_or_ip", rate=rate, method=ALL, increment=True)


def _welfare_contacts():
    return services.welfare_officers().prefetch_related(
        Prefetch("roles", queryset=Role.objects.current(), to_attr="current_roles")
    )


def _own_birth_date(user):
    """A young member reporting signed in is most often the child the concern is about."""
    if not user.is_authenticated or not holds_role(user, Role.Kind.CHILD):
        return None
    return Person.objects.filter(user=user).values_list("date_of_birth", flat=True).first()


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    """INC-1, INC-2: anyone, signed in or not, reports a concern the same way.

    Under a flood from one sender (dozens of reports in seconds, each alerting every officer)
    a report is never simply dropped. Past `CONCERN_ALERT_RATE` it is stored and listed but sends
    no alert of its own, because a child's report can sit inside a flood from a shared address
    and a stored report is read while a refused one may never be sent again. Only past
    `CONCERN_REPORT_RATE` is the form refused, with everything typed kept on the page and the
    welfare officers' contacts and 999 beside it, so a real reporter can still reach a person."""
    form = IncidentReportForm(request.POST or None, request.FILES or None, born_on=_own_birth_date(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["leave_empty"]:
            return render(request, "incidents/incident_report.html", {"form": form.without_trap()})
        if _over_limit(request, "concern-report", settings.CONCERN_REPORT_RATE):
            context = {"form": form, "limited": True, "welfare_officers": _welfare_contacts()}
            return render(request, "incidents/incident_report.html", context, status=429)
        alert = not _over_limit(request, "concern-alert", settings.CONCERN_ALERT_RATE)
        try:
            incident = services.incident_report(
                reporter=request.user,
                category=data["category"],
                channel=data["channel"],
                what_happened=data["what_happened"],
                happened_on=data["happened_on"],
                people_involved=data["people_involved"],
                immediate_risk=data["immediate_risk"],
                reporter_relationship=data["reporter_relationship"],
                reporter_name=data["reporter_name"],
                reporter_contact=data["reporter_contact"],
                evidence_file=data["evidence"],
                alert=alert,
            )
        except IncidentError as error:
            form.add_error("evidence" if error.rule == "INC-9" else None, str(error))
        else:
            flash.success(request, "Thank you. Your concern has reached the club's welfare officers.")
            return redirect("incidents:report-status", token=incident.status_token)
    return render(request, "incidents/incident_report.html", {"form": form})


@never_cache
def report_status(request, token):
    """The reporter's own page: the reference, the status and what happens next. Nothing else of
    the case, so the link is safe even if someone else sees it."""
    incident = Incident.objects.filter(status_token=token).first()
    if incident is None:
        return render(request, "incidents/report_status_invalid.html", status=404)
    access.case_read_record(incident=incident, user=request.user, what="status, by the reporter's link", allowed=True)
    context = {
        "incident": incident,
        "welfare": services.welfare_officers(),
        "alert_held_back": services.incident_alert_held_back(incident),
    }
    if context["alert_held_back"]:
        context["welfare_officers"] = _welfare_contacts()
    return render(request, "incidents/report_status.html", context)


@login_required
@never_cache
def my_reports(request):
    """INC-5: a reporter with an account sees the status of each of their reports, and only that."""
    reports = list(selectors.incident_list_for_reporter(request.user))
    for item in reports:
        item["status_label"] = Incident.Status(item["status"]).label
    return render(request, "incidents/report_list.html", {"reports": reports})


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


def _case_context(request, incident):
    data = selectors.case_page_data(incident)
    is_officer = access.is_welfare_officer(request.user)
    context = {
        "incident": incident,
        "age": rules.age_words(incident.reported_at, timezone.now()),
        "is_officer": is_officer,
        "earlier": selectors.earlier_concerns(incident, request.user),
        "entry_form": CaseEntryForm(incident=incident, helper=not is_officer),
        "summary": selectors.case_summary(incident, data["entries"], data["subjects"]),
        **data,
    }
    if is_officer:
        granted_users = access_grantees(incident)
        context.update(
            status_form=IncidentStatusForm(incident=incident),
            triage_form=IncidentTriageForm(
                officers=_welfare_officer_users().exclude(person__incident_links__incident=incident),
                initial={
                    "priority": incident.priority,
                    "assignee": incident.assignee_id,
                    "next_review_on": incident.next_review_on,
                },
            ),
            evidence_form=EvidenceForm(),
            grant_form=AccessGrantForm(people=services.access_grantable_people().exclude(user__in=granted_users)),
            granted=granted_users,
            subject_form=SubjectLinkForm(),
        )
        # A name searched for travels in the body of a POST, never in a URL or a server log.
        search = request.POST.get("person_search", "").strip() if request.method == "POST" else ""
        if search:
            context["person_search"] = search
            context["person_matches"] = _person_search(search)
    return context


def access_grantees(incident):
    from guardian.shortcuts import get_users_with_perms

    return list(
        get_users_with_perms(incident, only_with_perms_in=["view_incident"], with_superusers=False).select_related(
            "person"
        )
    )


def _person_search(text):
    terms = text.split()
    people = Person.objects.all()
    for term in terms[:3]:
        people = people.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
    return list(people.order_by("last_name", "first_name")[:20])


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case_detail(request, reference):
    searching = request.method == "POST"
    incident = access.incident_get_for_user(
        request.user, reference, "case page, person search" if searching else "case page", manage=searching
    )
    return render(request, "incidents/incident_detail.html", _case_context(request, incident))


def _render_case_with_error(request, incident, **forms):
    context = _case_context(request, incident)
    context.update(forms)
    return render(request, "incidents/incident_detail.html", context, status=400)


@login_required
@never_cache
@require_POST
def case_seen(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "marked as seen", manage=True)
    services.incident_mark_seen(incident=incident, by=request.user)
    return redirect("incidents:case-detail", reference=reference)


@login_required
@never_cache
@require_POST
def case_status(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "status change", manage=True)
    form = IncidentStatusForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            services.incident_transition(
                incident=incident,
                status=form.cleaned_data["status"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                outcome=form.cleaned_data["outcome"],
            )
        except IncidentError as error:
            form.add_error(None, str(error))
        else:
            flash.success(request, "The case's status is changed.")
            return redirect("incidents:case-detail", reference=reference)
    return _render_case_with_error(request, incident, status_form=form, open_panel="status")


@login_required
@never_cache
@require_POST
def case_triage(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "triage", manage=True)
    form = IncidentTriageForm(request.POST, officers=_welfare_officer_users())
    if form.is_valid():
        try:
            services.incident_triage(
                incident=incident,
                by=request.user,
                priority=form.cleaned_data["priority"],
                assignee=form.cleaned_data["assignee"],
                next_review_on=form.cleaned_data["next_review_on"],
            )
        except IncidentError as error:
            form.add_error(None, str(error))
        else:
            return redirect("incidents:case-detail", reference=reference)
    return _render_case_with_error(request, incident, triage_form=form)


@login_required
@never_cache
@require_POST
def case_entry_add(request, reference):
    """INC-4: welfare officers and people given the case add to its chronology."""
    incident = access.incident_get_for_user(request.user, reference, "chronology entry added")
    form = CaseEntryForm(request.POST, incident=incident, helper=not access.is_welfare_officer(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_entry_add(
                incident=incident,
                by=request.user,
                kind=data["kind"],
                text=data["text"],
                agency=data["agency"],
                agency_reference=data["agency_reference"],
                corrects=data["corrects"],
                response_due_on=data["response_due_on"],
                responds_to=data["responds_to"],
            )
        except IncidentError as error:
            form.add_error(None, str(error))
        else:
            flash.success(request, "Added to the chronology.")
            return redirect(f"{incident_url(reference)}#chronology")
    return _render_case_with_error(request, incident, entry_form=form)


def incident_url(reference):
    return reverse("incidents:case-detail", args=[reference])


@login_required
@never_cache
@require_POST
def evidence_add(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "evidence added", manage=True)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                incident=incident,
                by=request.user,
                uploaded_file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except IncidentError as error:
            form.add_error("file", str(error))
        else:
            flash.success(request, "The file is stored with the case.")
            return redirect("incidents:case-detail", reference=reference)
    return _render_case_with_error(request, incident, evidence_form=form)


@login_required
@never_cache
def evidence_file(request, reference, pk):
    """INC-9: the file itself, only through the gate, only as a download."""
    incident = access.incident_get_for_user(request.user, reference, f"evidence file {pk}")
    item = get_object_or_404(incident.evidence, pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        return render(request, "incidents/evidence_missing.html", {"incident": incident, "item": item}, status=410)
    response = FileResponse(handle, as_attachment=True, filename=item.download_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@never_cache
@require_POST
def subject_link(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "person linked", manage=True)
    form = SubjectLinkForm(request.POST)
    if form.is_valid():
        person = get_object_or_404(Person, pk=form.cleaned_data["person"])
        part = form.cleaned_data["part"]
        finding = rules.before_birth_finding(
            happened_on=incident.happened_on, born_on=person.date_of_birth, name=person.first_name
        )
        if finding is not None and not form.cleaned_data["confirm_date"]:
            # INC-2: the concern's date and this person's date of birth disagree; ask first.
            context = _case_context(request, incident)
            context["link_question"] = {"person": person, "part": part, "message": finding.message}
            return render(request, "incidents/incident_detail.html", context)
        services.subject_link(incident=incident, by=request.user, person=person, part=part)
        return redirect(f"{incident_url(reference)}#people")
    return _render_case_with_error(request, incident, subject_form=form)


@login_required
@never_cache
@require_POST
def subject_unlink(request, reference, pk):
    incident = access.incident_get_for_user(request.user, reference, "person unlinked", manage=True)
    link = get_object_or_404(IncidentSubject, pk=pk, incident=incident)
    services.subject_unlink(link=link, by=request.user)
    return redirect(f"{incident_url(reference)}#people")


@login_required
@never_cache
@require_POST
def access_grant(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "access given", manage=True)
    form = AccessGrantForm(request.POST, people=services.access_grantable_people())
    if form.is_valid():
        try:
            services.access_grant(incident=incident, by=request.user, person=form.cleaned_data["person"])
        except IncidentError as error:
            form.add_error("person", str(error))
        else:
            return redirect(f"{incident_url(reference)}#access")
    return _render_case_with_error(request, incident, grant_form=form)


@login_required
@never_cache
@require_POST
def access_revoke(request, reference, user_id):
    incident = access.incident_get_for_user(request.user, reference, "access withdrawn", manage=True)
    person = get_object_or_404(Person, user_id=user_id)
    try:
        services.access_revoke(incident=incident, by=request.user, person=person)
    except IncidentError as error:
        flash.error(request, str(error))
    return redirect(f"{incident_url(reference)}#access")


@login_required
@never_cache
def case_reads(request, reference):
    """INC-5: who read the case, when and what; the welfare officers' own reads included."""
    incident = access.incident_get_for_user(request.user, reference, "read log", manage=True)
    page = Paginator(selectors.case_reads(incident), 100).get_page(request.GET.get("page"))
    return render(request, "incidents/case_reads.html", {"incident": incident, "page": page})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case_export(request, reference):
    """The chronology as a PDF for a referral. A fresh code from the authenticator is needed each
    time: a signed-in session left open is not enough to carry a case file away."""
    form = ExportForm(request.POST or None)
    if request.method == "GET":
        incident = access.incident_get_for_user(request.user, reference, "export page", manage=True)
        return render(request, "incidents/case_export.html", {"incident": incident, "form": form})
    incident = access.incident_get_for_user(request.user, reference, "PDF export requested", manage=True)
    if form.is_valid():
        device = people_services.second_factor_device(user=request.user, code=form.cleaned_data["code"])
        redacted = form.cleaned_data["version"] == "redacted"
        what = "PDF export, staff names removed" if redacted else "PDF export, full"
        access.case_read_record(incident=incident, user=request.user, what=what, allowed=device is not None)
        if device is not None:
            django_otp.login(request, device)
            data = selectors.case_page_data(incident)
            pdf = export.case_pdf(
                incident=incident,
                entries=data["entries"],
                evidence=data["evidence"],
                subjects=data["subjects"],
                exported_by=request.user,
                redacted=form.cleaned_data["version"] == "redacted",
            )
            suffix = "redacted" if form.cleaned_data["version"] == "redacted" else "full"
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="case-{incident.reference}-{suffix}.pdf"'
            return response
        form.add_error("code", "That code was not accepted. Enter the newest code from your authenticator app.")
    return render(request, "incidents/case_export.html", {"incident": incident, "form": form}, status=400)


@login_required
@never_cache
@require_POST
def from_reply(request, pk):
    """INC-8: a welfare officer turns a reply from a young person into a case in one step."""
    if not access.is_welfare_officer(request.user):
        raise PermissionDenied("Replies are turned into cases by the welfare officers.")
    reply = get_object_or_404(Reply, pk=pk)
    form = FromReplyForm(request.POST)
    if not form.is_valid():
        flash.error(request, "Choose what the concern is about, then press Raise a concern again.")
        return redirect("messaging:reply-list")
    incident = services.incident_from_reply(reply=reply, by=request.user, category=form.cleaned_data["category"])
    flash.success(request, f"Case {incident.reference} is open for this reply.")
    return redirect("incidents:case-detail", reference=incident.reference)


@login_required
@never_cache
def counts(request):
    """INC-5, INC-7: what the committee sees of concerns: numbers by category and month, no more."""
    if not holds_role(request.user, Role.Kind.COMMITTEE, *WELFARE_ROLE_KINDS):
        raise PermissionDenied("The counts of concerns are for the committee and the welfare officers.")
    return render(request, "incidents/incident_counts.html", {"counts": selectors.incident_counts()})
