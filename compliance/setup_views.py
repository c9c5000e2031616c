"""The set-up page of a new club (compliance.setup): open only until its first committee member."""

from django.contrib import messages as flash
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import setup
from .exceptions import SetupClosed
from .forms import ClubSetupForm

TOKEN_SESSION_KEY = "club_setup_token"  # noqa: S105 (a session key's name)


@never_cache
@require_http_methods(["GET", "POST"])
def club_setup(request):
    """X-3: from an empty register to a signed-in committee member, who is then asked at once for
    their authenticator (people.middleware.SecondFactorMiddleware)."""
    token = request.GET.get("token") or request.session.get(TOKEN_SESSION_KEY)
    if not setup.setup_allowed(request, token):
        # The same answer as for any unknown page: nothing tells a visitor that a set-up exists.
        raise Http404
    if token:
        # Kept out of the address bar after the first visit, and out of the form's action.
        request.session[TOKEN_SESSION_KEY] = token
    form = ClubSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            user = setup.club_set_up(**values)
        except SetupClosed as error:
            form.add_error(None, str(error))
        else:
            request.session.pop(TOKEN_SESSION_KEY, None)
            login(request, user, backend="people.backends.RoleBackend")
            officer = values["welfare_officer"]
            flash.success(
                request,
                f"{values['club']['name']} is set up. Next, set up your authenticator app. Then confirm "
                f"{officer['first_name']} {officer['last_name']} as lead welfare officer under Committee and "
                "welfare grants on your home page: "
                "they are emailed a link to set their password once you have.",
            )
            return redirect("portal:home")
    return render(request, "compliance/club_setup.html", {"form": form}, status=400 if form.errors else 200)
