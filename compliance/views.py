"""The committee's dashboard and the lists behind it, policy versions, the season report, a
family's subject access export, the club's settings, and the page where volunteers acknowledge the
current policy."""

import django_otp
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from people.models import Role, club_today
from people.roles import holds_role
from people.selectors import person_for_user
from sefton_safety.club import club
from sefton_safety.models import ClubSettings
from sefton_safety.retention import retention_periods_stored

from . import access, report, rules, selectors, services, subject_access, subject_access_pdf
from .exceptions import PolicyError
from .forms import AcknowledgementForm, ClubSettingsForm, PolicyPublishForm, SubjectAccessForm
from .models import MissingReminder, PolicyAcknowledgement, PolicyVersion, SubjectAccessLogEntry


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


def _last_reminded(list_kind, people):
    """{person id: when they were last reminded from this list}, in one query."""
    return dict(
        MissingReminder.objects.filter(list=list_kind, person__in=people)
        .values("person_id")
        .annotate(at=Max("sent_at"))
        .values_list("person_id", "at")
    )


def _missing_reminders_note(outcome):
    queued, recent, without_email = outcome["queued"], outcome["recent"], outcome["without_email"]
    note = f"Reminder{pluralize(queued)} on {'its' if queued == 1 else 'their'} way to {queued} {_people(queued)}."
    if recent:
        note += f" {recent} {_people(recent)} reminded in the last week {'was' if recent == 1 else 'were'} left alone."
    if without_email:
        note += f" {without_email} {_people(without_email)} without an email address: remind them in person."
    return note


def _people(count):
    return "person" if count == 1 else "people"


@login_required
@require_http_methods(["GET", "POST"])
def acknowledgements(request):
    """VOL-1: who has not acknowledged the current version, and a reminder to them by email."""
    _committee(request)
    people = list(selectors.volunteers_without_acknowledgement())
    if request.method == "POST":
        outcome = services.missing_reminders_send(
            list_kind=MissingReminder.List.ACKNOWLEDGEMENT, people=people, by=person_for_user(request.user)
        )
        flash.success(request, _missing_reminders_note(outcome))
        return redirect("compliance:acknowledgements")
    last = _last_reminded(MissingReminder.List.ACKNOWLEDGEMENT, people)
    for person in people:
        person.last_reminded_at = last.get(person.pk)
    return render(
        request,
        "compliance/acknowledgement_list.html",
        {"people": people, "policy": PolicyVersion.current()},
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
@require_http_methods(["GET", "POST"])
def training(request):
    """VOL-3: training and DBS checks, and a reminder by email to those with one missing or expired."""
    _committee(request)
    rows = selectors.training_and_checks()
    gaps = [row["person"] for row in rows if not row["ok"]]
    if request.method == "POST":
        outcome = services.missing_reminders_send(
            list_kind=MissingReminder.List.TRAINING, people=gaps, by=person_for_user(request.user)
        )
        flash.success(request, _missing_reminders_note(outcome))
        return redirect("compliance:training")
    show_all = request.GET.get("all") == "1"
    shown = rows if show_all else [row for row in rows if not row["ok"]]
    last = _last_reminded(MissingReminder.List.TRAINING, [row["person"] for row in shown])
    for row in shown:
        row["last_reminded_at"] = last.get(row["person"].pk)
    return render(
        request,
        "compliance/training_list.html",
        {"rows": shown, "show_all": show_all, "gaps": len(gaps)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_list(request):
    """VOL-1, VOL-5: the versions, and publishing a new one."""
    _committee(request)
    current = PolicyVersion.current()
    form = PolicyPublishForm(request.POST or None, initial={"body": current.body if current else ""})
    reach = None
    if request.method == "POST" and form.is_valid():
        # VOL-1: publishing asks everyone again, so the committee first sees how many, and confirms.
        if request.POST.get("confirm") != "yes":
            try:
                services.policy_publish_check(body=form.cleaned_data["body"], review_by=form.cleaned_data["review_by"])
            except PolicyError as error:
                form.add_error(None, str(error))
            else:
                reach = selectors.policy_publish_reach()
        else:
            try:
                version = services.policy_publish(by=person_for_user(request.user), **form.cleaned_data)
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
    return render(
        request,
        "compliance/policy_list.html",
        {
            "versions": versions,
            "form": form,
            "current": current,
            "reach": reach,
            "next_version": (current.version + 1) if current else 1,
        },
    )


def _clauses(version):
    return [{"text": clause, "rules": rules.clause_rules(clause)} for clause in rules.clauses(version.body)]


@login_required
def policy_detail(request, version):
    """Each clause beside the rule in the portal that carries it, or "rests on people"."""
    _committee(request)
    # A version is the club's published policy, nobody's record: the committee's page is its only gate.
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
    family = access.subject_access_family_get_for_user(request.user, pk, attempt=request.method == "POST")
    if request.method == "GET":
        return _subject_access_page(request, family, SubjectAccessForm())
    form = SubjectAccessForm(request.POST)
    code = form.cleaned_data["code"] if form.is_valid() else None
    device = access.subject_access_export_device(request.user, family, code=code)
    if device is None:
        if code is not None:
            form.add_error("code", "That code was not accepted. Enter the newest code from your authenticator app.")
        return _subject_access_page(request, family, form, status=400)
    django_otp.login(request, device)
    now = timezone.now()
    data = subject_access.family_data(family=family, exported_by=person_for_user(request.user), now=now)
    stem = f"family-{family.pk}-data-{timezone.localtime(now):%Y-%m-%d}"
    archive = subject_access.family_archive(data=data, pdf=subject_access_pdf.family_pdf(data), stem=stem)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{stem}.zip"'
    return response


def _settings_history(limit=20):
    """The latest changes, newest first, each with the fields it changed: one query."""
    records = list(ClubSettings.history.select_related("history_user__person").order_by("-history_id")[: limit + 1])
    changes = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = record.diff_against(previous).changed_fields if previous is not None else ["first settings"]
        labels = [str(ClubSettings._meta.get_field(name).verbose_name) for name in changed if name != "first settings"]
        user = record.history_user
        changes.append(
            {
                "at": record.history_date,
                "by": user.person.full_name if user is not None and hasattr(user, "person") else "The set-up",
                "what": ", ".join(labels) if labels else "first settings",
            }
        )
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def club_settings(request):
    """The club's own settings, for the committee, taking effect at once, with their history."""
    _committee(request)
    form = ClubSettingsForm(request.POST or None, current=club())
    if request.method == "POST" and form.is_valid():
        services.club_settings_update(by=person_for_user(request.user), **form.cleaned_data)
        flash.success(request, "The club's settings are saved and apply now.")
        return redirect("compliance:club-settings")
    current = club()
    stored = retention_periods_stored()
    waiting = {kind: years for kind, years in stored.items() if years != current.retention.get(kind)}
    return render(
        request,
        "compliance/club_settings.html",
        {"form": form, "history": _settings_history(), "retention_waiting": waiting},
        status=400 if form.errors else 200,
    )
