"""The menu of each role: the pages that role works in, read from the signed-in person's current
roles (and, for a coach and a parent, their teams and families), with the page on screen marked."""

from dataclasses import dataclass

from django.urls import reverse

from people import access
from people.models import Role, Team
from people.roles import current_role_kinds

WELFARE = {Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER}


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


def _teams_staffed(user):
    return list(Team.objects.filter(team_staff__person__user=user).distinct().order_by("name").values("pk", "name"))


def _links(user, kinds):
    """(label, url) in the order of the role's day; a page two roles share is listed once."""
    links = [("Home", reverse("portal:home"))]
    if Role.Kind.COMMITTEE in kinds:
        links += [
            ("Dashboard", reverse("compliance:dashboard")),
            ("Consent rounds", reverse("consents:rounds")),
        ]
    if user.is_superuser or Role.Kind.COMMITTEE in kinds:
        links.append(("Club register", reverse("admin:index")))
    if kinds & WELFARE:
        links += [
            ("Concerns", reverse("incidents:queue")),
            ("Replies", reverse("messaging:reply-list")),
        ]
    if Role.Kind.DESIGNATED_PERSON in kinds:
        links += [
            ("Approvals", reverse("messaging:approval-queue")),
            ("Check a post", reverse("accounts_registry:post-check")),
        ]
    if Role.Kind.DESIGNATED_SUPERVISOR in kinds:
        links.append(("Removed posts", reverse("accounts_registry:moderation-new")))
    if kinds & {Role.Kind.DESIGNATED_PERSON, Role.Kind.DESIGNATED_SUPERVISOR}:
        links.append(("Club accounts", reverse("accounts_registry:register")))
    if Role.Kind.VOLUNTEER in kinds:
        links += [
            ("Messages", reverse("messaging:message-list")),
            ("Requests", reverse("consents:request-list")),
        ]
        teams = _teams_staffed(user)
        for team in teams:
            # One team is "Team"; a coach of several tells them apart by name.
            named = f" ({team['name']})" if len(teams) > 1 else ""
            links += [
                (f"Team{named}", reverse("people:team-detail", args=[team["pk"]])),
                (f"Team sheet{named}", reverse("consents:team-sheet", args=[team["pk"]])),
            ]
    if Role.Kind.GUARDIAN in kinds:
        families = list(access.families_for_guardian(user).order_by("name").values("pk", "name"))
        for family in families:
            label = "Your family" if len(families) == 1 else family["name"]
            links.append((label, reverse("people:family-detail", args=[family["pk"]])))
    if kinds & {Role.Kind.GUARDIAN, Role.Kind.CHILD}:
        links.append(("Consents", reverse("consents:my-consents")))
    seen, unique = set(), []
    for label, url in links:
        if url not in seen:
            seen.add(url)
            unique.append((label, url))
    return unique


def menu_for(request):
    """The signed-in person's menu. The link whose address is the longest start of the page's
    marks it (a message opened from Messages marks Messages); Home only on the home page."""
    user = request.user
    if not user.is_authenticated:
        return []
    links = _links(user, current_role_kinds(user))
    path = request.path
    matches = [url for _, url in links if url == path or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [Link(label, url, current=url == current) for label, url in links]
