"""The committee's dashboard and the lists behind it, policy versions, the season report, a
family's subject access export, and the page where volunteers acknowledge the current policy."""

import django_otp
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from people import services as people_services
from people.models import Family, Role, club_today
from people.roles import holds_role
from people.selectors import person_for_user

from . import report, rules, selectors, services, subject_access, subject_access_pdf
from .exceptions import PolicyError
from .forms import AcknowledgementForm, PolicyPublishForm, SubjectAccessForm
from .models import PolicyAcknowledgement, PolicyVersion, SubjectAccessLogEntry


def _committee(request):
    if not holds_role(request.user, Role.Kind.COMMITTEE):
        raise PermissionDenied("The dashboard is the committee's.")


@login_required
def dashboard(request):
    """X-1: "are we compliant today?" at a glance, each figure linking to the list behind it."""
    _committee(request)
    figures = selectors.dashboard()
    chart = {
        "teams": [team.name for team in figures["teams"]],
        "unanswered": [team.unanswered for team in figures["teams"]],
        "answered": [team.children - team.unanswered for team in figures["teams"]],
        "concern_bands": [label for label, _ in figures["concerns"]],
        "concern_counts": [count for _, count in figures["concerns"]],
    }
    return render(request, "compliance/dashboard.html", {"f": figures, "chart": chart})


@login_required
def acknowledgements(request):
    _committee(request)
    return render(
        request,
        "compliance/acknowledgement_list.html",
        {"people": selectors.volunteers_without_acknowledgement(), "policy": PolicyVersion.current()},
    )


@login_required
def agreements(request):
    """CON-5, VOL-1: the young members yet to agree to the current policy and statement."""
    _committee(request)
    return render(
        request,
        "compliance/agreement_list.html",
        {"people": selectors.young_members_without_agreement(), "policy": PolicyVersion.current()},
    )


@login_required
def training(request):
    _committee(request)
    rows = selectors.training_and_checks()
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "compliance/training_list.html",
        {"rows": rows if show_all else [row for row in rows if not row["ok"]], "show_all": show_all},
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_list(request):
    """VOL-1, VOL-5: the versions, and publishing a new one."""
    _committee(request)
    current = PolicyVersion.current()
    form = PolicyPublishForm(request.POST or None, initial={"body": current.body if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.policy_publish(by=request.user, **form.cleaned_data)
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            flash.success(
                request,
                f"Version {version.version} is published. Volunteers will be asked to acknowledge it, "
                "and young members to agree to it.",
            )
            return redirect("compliance:policy-detail", version=version.version)
    versions = PolicyVersion.objects.all()
    return render(request, "compliance/policy_list.html", {"versions": versions, "form": form, "current": current})


def _clauses(version):
    return [{"text": clause, "rules": rules.clause_rules(clause)} for clause in rules.clauses(version.body)]


@login_required
def policy_detail(request, version):
    """Each clause beside the rule in the portal that carries it, or "rests on people"."""
    _committee(request)
    policy = get_object_or_404(PolicyVersion, version=version)
    clauses = _clauses(policy)
    carried = sum(1 for clause in clauses if clause["rules"])
    return render(
        request,
        "compliance/policy_detail.html",
        {"policy": policy, "clauses": clauses, "carried": carried, "is_current": policy == PolicyVersion.current()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def acknowledge(request):
    """VOL-1, VOL-2: a volunteer reads the current version and makes the declarations."""
    person = person_for_user(request.user)
    if person is None or not holds_role(request.user, *rules.WORKS_WITH_CHILDREN, Role.Kind.COMMITTEE):
        raise PermissionDenied("The policy is acknowledged by the club's volunteers and committee.")
    current = PolicyVersion.current()
    if current is None:
        return render(request, "compliance/acknowledge.html", {"policy": None})
    done = PolicyAcknowledgement.objects.filter(version=current, person=person).first()
    form = AcknowledgementForm(request.POST or None)
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.policy_acknowledge(
                person=person,
                version=current,
                declares_no_friending=form.cleaned_data["declares_no_friending"],
                declares_no_private_messages=form.cleaned_data["declares_no_private_messages"],
            )
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            flash.success(request, "Thank you. Your acknowledgement is recorded.")
            return redirect("compliance:acknowledge")
    return render(
        request,
        "compliance/acknowledge.html",
        {"policy": current, "clauses": rules.clauses(current.body), "done": done, "form": form},
    )


@login_required
def season_report(request):
    """The committee's printable report for the annual meeting and the county board: the same figures."""
    _committee(request)
    pdf = report.season_pdf(figures=selectors.dashboard(), today=club_today(), now=timezone.now())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="online-safety-report-{club_today():%Y-%m-%d}.pdf"'
    return response


def _subject_access_page(request, family, form, status=200):
    log = SubjectAccessLogEntry.objects.filter(family=family).select_related("user__person")[:10]
    return render(
        request, "compliance/subject_access.html", {"family": family, "form": form, "log": log}, status=status
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def subject_access_export(request, pk):
    """UK GDPR Article 15: everything the portal holds about one family, as a PDF and a JSON file
    in one ZIP. A fresh code is needed each time, and every attempt, allowed or refused, is logged
    before anything leaves."""
    family = get_object_or_404(Family, pk=pk)
    committee = holds_role(request.user, Role.Kind.COMMITTEE)
    if request.method == "GET":
        if not committee:
            raise PermissionDenied("A family's data is exported by the committee.")
        return _subject_access_page(request, family, SubjectAccessForm())
    if not committee:
        services.subject_access_record(
            family=family, user=request.user, allowed=False, reason="Refused: not a committee member"
        )
        raise PermissionDenied("A family's data is exported by the committee.")
    form = SubjectAccessForm(request.POST)
    if not form.is_valid():
        services.subject_access_record(family=family, user=request.user, allowed=False, reason="Refused: no code")
        return _subject_access_page(request, family, form, status=400)
    device = people_services.second_factor_device(user=request.user, code=form.cleaned_data["code"])
    if device is None:
        services.subject_access_record(
            family=family, user=request.user, allowed=False, reason="Refused: the code was not accepted"
        )
        form.add_error("code", "That code was not accepted. Enter the newest code from your authenticator app.")
        return _subject_access_page(request, family, form, status=400)
    services.subject_access_record(family=family, user=request.user, allowed=True, reason="Exported: PDF and JSON")
    django_otp.login(request, device)
    now = timezone.now()
    data = subject_access.family_data(family=family, exported_by=request.user, now=now)
    stem = f"family-{family.pk}-data-{timezone.localtime(now):%Y-%m-%d}"
    archive = subject_access.family_archive(data=data, pdf=subject_access_pdf.family_pdf(data), stem=stem)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{stem}.zip"'
    return response
