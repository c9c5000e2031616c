"""MSG-10: the committee imports a team's fixtures from the calendar its league or club publishes."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import access, fixture_calendar
from .exceptions import MessagingError
from .forms import FixturesImportForm
from .models import Fixture


def _plural(count, word):
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@login_required
@require_http_methods(["GET", "POST"])
def fixtures_import(request, pk):
    team = access.fixtures_team_get_for_user(request.user, pk)
    form = FixturesImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=fixture_calendar.fixture_import_initial(team),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = fixture_calendar.fixtures_import_calendar(
                team=team,
                data=data["calendar"],
                emergency_contact=data["emergency_contact"],
                emergency_phone=data["emergency_phone"],
                contact_times=data["contact_times"],
            )
        except MessagingError as error:
            form.add_error(None, str(error))
        else:
            updated = len(result.moved) + len(result.changed)
            flash.success(
                request,
                f"{team.name}: {_plural(len(result.created), 'fixture')} added, {updated} moved or updated, "
                f"{result.unchanged} left unchanged. Families get each fixture's match-day notice 48 hours "
                "before it starts, and again with the new time if a fixture moves after they were told.",
            )
            for name, why in result.refused:
                flash.warning(request, f"Not imported: “{name}”, because {why}.")
            return redirect("messaging:fixtures-import", pk=team.pk)
    fixtures = Fixture.objects.filter(team=team, ends_at__gt=timezone.now()).order_by("starts_at", "pk")
    return render(request, "messaging/fixtures_import.html", {"team": team, "form": form, "fixtures": fixtures})
