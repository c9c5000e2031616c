"""The committee's register import (upload, preview, confirm) and exports. Thin: the gate, the
form, the service, the answer."""

import django_otp
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from people import services as people_services
from people.selectors import person_for_user

from . import register_export, register_import, services
from .access import committee_with_second_factor, register_import_get_for_user
from .exceptions import ImportOutdated
from .forms import ExportForm, RegisterImportConfirmForm, RegisterImportMappingForm, RegisterImportUploadForm
from .models import ExportLogEntry, RegisterImport
from .reading import SheetUnreadable
from .register_import import Outcome


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    committee_with_second_factor(request.user)
    form = RegisterImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            started = register_import.register_import_upload(
                file_name=upload.name, content=upload.read(), uploaded_by=person_for_user(request.user)
            )
        except SheetUnreadable as error:
            form.add_error("file", str(error))
        else:
            return redirect("spreadsheets:import-preview", pk=started.pk)
    recent = RegisterImport.objects.select_related("uploaded_by__person").defer("content")[:10]
    return render(
        request,
        "spreadsheets/registerimport_upload.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


def _preview(request, started, *, mapping_form=None, confirm_error=None, status=200):
    plan = register_import.plan_make(register_import=started)
    mapping_form = mapping_form or RegisterImportMappingForm(headers=plan.headers, mapping=plan.mapping)
    order = {Outcome.REFUSED: 0, Outcome.CHANGED: 1, Outcome.CREATED: 2, Outcome.UNCHANGED: 3}
    shown = sorted(plan.rows, key=lambda row: (order[row.outcome], row.number))
    earlier = (
        RegisterImport.objects.filter(digest=started.digest, status=RegisterImport.Status.IMPORTED)
        .select_related("uploaded_by__person")
        .defer("content")
        .first()
    )
    return render(
        request,
        "spreadsheets/registerimport_preview.html",
        {
            "started": started,
            "plan": plan,
            "counts": plan.counts,
            "rows": [row for row in shown if row.outcome != Outcome.UNCHANGED],
            "unchanged": [row for row in shown if row.outcome == Outcome.UNCHANGED],
            "mapping_form": mapping_form,
            "confirm_form": RegisterImportConfirmForm(initial={"digest": plan.digest}),
            "confirm_error": confirm_error,
            "earlier": earlier if earlier and earlier.pk != started.pk else None,
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    started = register_import_get_for_user(request.user, pk)
    if started.status == RegisterImport.Status.IMPORTED:
        return render(request, "spreadsheets/registerimport_done.html", {"started": started})
    if request.method == "GET":
        return _preview(request, started)
    if request.POST.get("action") == "map":
        headers = started.sheet["headers"]
        form = RegisterImportMappingForm(request.POST, headers=headers, mapping=started.mapping)
        if not form.is_valid():
            return _preview(request, started, mapping_form=form, status=400)
        register_import.register_import_map(
            register_import=started, mapping=form.mapping(), chosen_by=person_for_user(request.user)
        )
        return redirect("spreadsheets:import-preview", pk=started.pk)
    form = RegisterImportConfirmForm(request.POST)
    if not form.is_valid():
        return _preview(request, started, confirm_error="Check the preview again, then confirm.", status=400)
    try:
        register_import.register_import_confirm(
            register_import=started,
            confirmed_by=person_for_user(request.user),
            digest=form.cleaned_data["digest"],
            leave_out_refused=form.cleaned_data["leave_out_refused"],
        )
    except ImportOutdated as error:
        return _preview(request, started, confirm_error=str(error), status=409)
    flash.success(request, f"{started.file_name} is imported.")
    return redirect("spreadsheets:import-preview", pk=started.pk)


EXPORT_TITLES = {
    ExportLogEntry.What.REGISTER: "Register",
    ExportLogEntry.What.CONSENTS: "Consents",
    ExportLogEntry.What.ACKNOWLEDGEMENTS: "Acknowledgements",
}


def _export_page(request, form, status=200):
    log = ExportLogEntry.objects.select_related("user__person")[:10]
    return render(request, "spreadsheets/export.html", {"form": form, "log": log}, status=status)


def _table(what, team):
    if what == ExportLogEntry.What.REGISTER:
        return register_export.register_table()
    if what == ExportLogEntry.What.CONSENTS:
        return register_export.team_consents_table(team=team)
    return register_export.acknowledgements_table()


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def export(request):
    """The register, a team's consents or the acknowledgements as a file. A fresh code is needed
    each time, and every attempt, allowed or refused, is logged before anything leaves."""
    committee_with_second_factor(request.user)
    if request.method == "GET":
        return _export_page(request, ExportForm())
    form = ExportForm(request.POST)
    what = request.POST.get("what", "")
    what = what if what in ExportLogEntry.What.values else ExportLogEntry.What.REGISTER
    if not form.is_valid():
        services.export_record(
            what=what, detail="", user=request.user, allowed=False, reason="Refused: the form was incomplete"
        )
        return _export_page(request, form, status=400)
    team, file_format = form.cleaned_data["team"], form.cleaned_data["file_format"]
    detail = f"{team.name}, {file_format.upper()}" if what == ExportLogEntry.What.CONSENTS else file_format.upper()
    device = people_services.second_factor_device(user=request.user, code=form.cleaned_data["code"])
    if device is None:
        services.export_record(
            what=what, detail=detail, user=request.user, allowed=False, reason="Refused: the code was not accepted"
        )
        form.add_error("code", "That code was not accepted. Enter the newest code from your authenticator app.")
        return _export_page(request, form, status=400)
    header, rows = _table(what, team)
    services.export_record(
        what=what, detail=detail, user=request.user, allowed=True, reason=f"Exported: {len(rows)} rows"
    )
    django_otp.login(request, device)
    title = EXPORT_TITLES[what] + (f" {team.name}" if team and what == ExportLogEntry.What.CONSENTS else "")
    stem = "-".join(title.lower().split()) + f"-{timezone.localdate():%Y-%m-%d}"
    if file_format == "csv":
        response = HttpResponse(register_export.as_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            register_export.as_xlsx(header, rows, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response
