"""Report a concern (INC-1, INC-2): the form anyone uses, signed in or not, the reporter's status
page, and a signed-in reporter's list of their reports. Every response is sent with
Cache-Control: no-store, so no browser, proxy or shared family computer keeps a copy.
"""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from people.models import Role
from people.roles import holds_role
from people.selectors import person_for_user, welfare_officer_recipients, welfare_officers

from . import access, selectors, services
from .exceptions import IncidentError
from .forms import (
    IncidentReportForm,
)
from .models import Incident


def _over_limit(request, group, rate):
    """Counts this report against its sender (their account if signed in, else their address)
    in the shared cache, and says whether the count has passed `rate`."""
    return is_ratelimited(request, group=group, key="user_or_ip", rate=rate, method=ALL, increment=True)


def _own_birth_date(user):
    """A young member reporting signed in is most often the child the concern is about."""
    if not user.is_authenticated or not holds_role(user, Role.Kind.CHILD):
        return None
    person = person_for_user(user)
    return person.date_of_birth if person else None


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
            context = {"form": form, "limited": True, "welfare_officers": welfare_officers()}
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
    incident = access.incident_get_by_status_token(request.user, token)
    if incident is None:
        return render(request, "incidents/report_status_invalid.html", status=404)
    context = {
        "incident": incident,
        "welfare": welfare_officer_recipients(),
        "alert_held_back": services.incident_alert_held_back(incident),
    }
    if context["alert_held_back"]:
        context["welfare_officers"] = welfare_officers()
    return render(request, "incidents/report_status.html", context)


@login_required
@never_cache
def my_reports(request):
    """INC-5: a reporter with an account sees the status of each of their reports, and only that."""
    reports = list(selectors.incident_list_for_reporter(request.user))
    for item in reports:
        item["status_label"] = Incident.Status(item["status"]).label
    return render(request, "incidents/report_list.html", {"reports": reports})
