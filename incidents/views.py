"""A case and what the welfare officers do on it: the case page, its status, triage, entries,
evidence, people linked, access and export.

Every page of a case goes through the one gate (`access.incident_get_for_user`), which writes the
read log, and every response here is sent with Cache-Control: no-store, so no browser, proxy or
shared family computer keeps a copy.
"""

import django_otp
from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from people import services as people_services
from people.models import WELFARE_ROLE_KINDS, Person, Role
from people.selectors import person_for_user

from . import access, export, rules, selectors, services
from .exceptions import IncidentError
from .forms import (
    AccessGrantForm,
    CaseEntryForm,
    EvidenceForm,
    ExportForm,
    IncidentStatusForm,
    IncidentTriageForm,
    SubjectLinkForm,
)


def _welfare_officer_users():
    current = Role.objects.current().filter(kind__in=WELFARE_ROLE_KINDS)
    return (
        get_user_model().objects.filter(person__roles__in=current, is_active=True).select_related("person").distinct()
    )


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
        granted_users = access.case_grantees(incident)
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
    return render(request, "incidents/case_detail.html", _case_context(request, incident))


def _render_case_with_error(request, incident, **forms):
    context = _case_context(request, incident)
    context.update(forms)
    return render(request, "incidents/case_detail.html", context, status=400)


@login_required
@never_cache
@require_POST
def case_seen(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "marked as seen", manage=True)
    services.incident_mark_seen(incident=incident, by=person_for_user(request.user))
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
                by=person_for_user(request.user),
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
                by=person_for_user(request.user),
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
                by=person_for_user(request.user),
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
                by=person_for_user(request.user),
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
    item = access.evidence_get_for_case(incident, pk)
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
        person = access.person_get_for_link(form.cleaned_data["person"])
        part = form.cleaned_data["part"]
        finding = rules.before_birth_finding(
            happened_on=incident.happened_on, born_on=person.date_of_birth, name=person.first_name
        )
        if finding is not None and not form.cleaned_data["confirm_date"]:
            # INC-2: the concern's date and this person's date of birth disagree; ask first.
            context = _case_context(request, incident)
            context["link_question"] = {"person": person, "part": part, "message": finding.message}
            return render(request, "incidents/case_detail.html", context)
        services.subject_link(incident=incident, by=person_for_user(request.user), person=person, part=part)
        return redirect(f"{incident_url(reference)}#people")
    return _render_case_with_error(request, incident, subject_form=form)


@login_required
@never_cache
@require_POST
def subject_unlink(request, reference, pk):
    incident = access.incident_get_for_user(request.user, reference, "person unlinked", manage=True)
    link = access.subject_get_for_case(incident, pk)
    services.subject_unlink(link=link, by=person_for_user(request.user))
    return redirect(f"{incident_url(reference)}#people")


@login_required
@never_cache
@require_POST
def access_grant(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "access given", manage=True)
    form = AccessGrantForm(request.POST, people=services.access_grantable_people())
    if form.is_valid():
        try:
            services.access_grant(
                incident=incident, by=person_for_user(request.user), person=form.cleaned_data["person"]
            )
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
    person = access.grantee_get_for_case(incident, user_id)
    try:
        services.access_revoke(incident=incident, by=person_for_user(request.user), person=person)
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
        if access.incident_export_allowed(request.user, incident, redacted=redacted, second_factor=device is not None):
            django_otp.login(request, device)
            data = selectors.case_page_data(incident)
            pdf = export.case_pdf(
                incident=incident,
                entries=data["entries"],
                evidence=data["evidence"],
                subjects=data["subjects"],
                exported_by=person_for_user(request.user),
                redacted=form.cleaned_data["version"] == "redacted",
            )
            suffix = "redacted" if form.cleaned_data["version"] == "redacted" else "full"
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="case-{incident.reference}-{suffix}.pdf"'
            return response
        form.add_error("code", "That code was not accepted. Enter the newest code from your authenticator app.")
    return render(request, "incidents/case_export.html", {"incident": incident, "form": form}, status=400)
