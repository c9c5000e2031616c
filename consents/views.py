"""Guardians answer for their children; volunteers ask for direct contact; coaches print team
sheets; the committee runs consent rounds and sees who has not answered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from people import access as people_access
from people.models import FamilyMember, Person, Role, Team, club_today
from people.roles import holds_role
from people.selectors import person_for_user

from . import access, rules, selectors, services
from .exceptions import ConsentError, LinkInvalid, RoundAlreadySent
from .forms import AcceptableUseForm, ConsentAnswersForm, ConsentRoundStartForm, DecisionForm, DirectContactRequestForm
from .models import Consent, ConsentRound, DirectContactRequest, Wording


def _answering_person(user):
    return person_for_user(user)


def _round_from(value):
    if not value:
        return None
    consent_round = ConsentRound.objects.filter(pk=value).first()
    if consent_round and consent_round.season >= rules.season_for(club_today()):
        return consent_round
    return None


@login_required
@never_cache
def my_consents(request):
    """CON-1, CON-2, CON-4, X-3: one card per child, the current answers ticked, one Save."""
    consent_round = _round_from(request.GET.get("round"))
    cards = []
    for person in access.answerable_people(request.user):
        current = selectors.current_answers(person)
        # PPL-2: a young member of 18 or over answers for themselves, and the card speaks to them.
        for_themselves = person.user_id == request.user.pk
        cards.append(
            {
                "person": person,
                "for_themselves": for_themselves,
                # Each card's inputs need their own ids, or tapping a label on one card flips
                # the switch on another.
                "form": ConsentAnswersForm(
                    current=current,
                    for_themselves=for_themselves,
                    initial={"consent_round": consent_round and consent_round.pk},
                    auto_id=f"id_{person.pk}_%s",
                ),
                "answered": any(current.values()),
                "lapses_on": max((a.valid_until for a in current.values() if a), default=None),
                "today": club_today(),
                "agreements_due": selectors.agreements_due(person),
                "agrees_for_themselves": selectors.agrees_for_themselves(person) and person.user_id != request.user.pk,
                "message_tag": _card_message(person),
            }
        )
    own = _answering_person(request.user)
    # CON-5: a young member under 18 signed in themselves has no answers to give, only agreements.
    own_agreements_due = (
        selectors.agreements_due(own)
        if own is not None and own.is_child() and own.roles.current().filter(kind=Role.Kind.CHILD).exists()
        else []
    )
    return render(
        request,
        "consents/consent_list.html",
        {
            "cards": cards,
            "wording": Wording.current(Wording.Kind.CONSENT_FORM),
            "policy": Wording.current(Wording.Kind.POLICY),
            "consent_round": consent_round,
            "own": own,
            "own_agreements_due": own_agreements_due,
        },
    )


def _back_to_card(person, consent_round=None):
    """The consents page, scrolled to the card just saved: a parent of three keeps their place."""
    query = f"?round={consent_round.pk}" if consent_round else ""
    return redirect(f"{reverse('consents:my-consents')}{query}#person-{person.pk}")


def _card_message(person):
    """Marks a message to be shown in the person's card, where the parent is, not at the top."""
    return f"in-card person-{person.pk}"


@login_required
@require_POST
def consent_answer(request, pk):
    person = access.answerable_person_get_for_user(request.user, pk)
    current = selectors.current_answers(person)
    form = ConsentAnswersForm(request.POST, current=current)
    tag = _card_message(person)
    if not form.is_valid():
        messages.error(request, "Those answers could not be read. Please try again.", extra_tags=tag)
        return _back_to_card(person)
    consent_round = _round_from(form.cleaned_data.get("consent_round"))
    try:
        by = _answering_person(request.user)
        created = services.consent_answers_record(
            person=person,
            answers=form.answers(),
            answered_by=by,
            recorded_by=by,
            method=Consent.Method.WEB,
            consent_round=consent_round,
        )
    except ConsentError as error:
        messages.error(request, str(error), extra_tags=tag)
        return _back_to_card(person, consent_round)
    whose = "your" if person.user_id == request.user.pk else f"{person.first_name}'s"
    if created:
        withdrawn = [c for c in created if not c.given and current[c.topic] and current[c.topic].given]
        note = f" {len(withdrawn)} withdrawn: that takes effect now." if withdrawn else ""
        messages.success(request, f"Saved {whose} answers.{note}", extra_tags=tag)
    else:
        messages.info(request, f"Nothing changed: {whose} answers were already saved.", extra_tags=tag)
    return _back_to_card(person, consent_round)


@login_required
@require_http_methods(["GET", "POST"])
def acceptable_use(request, pk):
    """CON-5, VOL-1: a young member reads the club's policy and the statement, in words for their
    age, and agrees to the versions in force; a young member with their own sign-in agrees there."""
    person = access.agreeing_person_get_for_user(request.user, pk)
    if not selectors.current_agreement_wordings():
        raise Http404("The club has not published an acceptable use statement yet.")
    own = person.user_id == request.user.pk
    if not own and selectors.agrees_for_themselves(person):
        messages.info(request, f"{person.first_name} has their own sign-in and agrees from it, for themselves.")
        return redirect("consents:my-consents")
    due = selectors.agreements_due(person)
    if not due:
        messages.info(request, f"{person.first_name} has already agreed to the current versions.")
        return redirect("consents:my-consents")
    form = AcceptableUseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        method = "own_account" if own else "guardian_device"
        try:
            services.agreements_record(person=person, method=method, recorded_by=person_for_user(request.user))
        except ConsentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Thank you, {person.first_name}. Your agreement is recorded.")
            return redirect("consents:my-consents")
    younger = (person.age() or 0) < 12
    texts = [
        {
            "wording": wording,
            "text": wording.body_for_younger if younger and wording.body_for_younger else wording.body,
            "is_policy": wording.kind == Wording.Kind.POLICY,
        }
        for wording in due
    ]
    return render(
        request,
        "consents/acceptable_use.html",
        {"subject": person, "texts": texts, "form": form, "own": own},
    )


# Direct contact ---------------------------------------------------------------------------------


def _volunteer(request):
    person = _answering_person(request.user)
    if person is None or not holds_role(
        request.user, Role.Kind.VOLUNTEER, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER
    ):
        raise PermissionDenied("Only volunteers ask for permission to contact a player directly.")
    return person


@login_required
def request_list(request):
    volunteer = _volunteer(request)
    requests = DirectContactRequest.objects.filter(requested_by=volunteer).select_related(
        "child", "decided_by", "club_phone"
    )
    return render(request, "consents/request_list.html", {"requests": requests, "now": club_today()})


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """CON-3: a volunteer names the player, the purpose, the channel and the window."""
    volunteer = _volunteer(request)
    cutoff_children = Person.objects.filter(team_places__team__team_staff__person=volunteer).distinct()
    children = [c.pk for c in cutoff_children if c.is_child()]
    form = DirectContactRequestForm(
        request.POST if request.method == "POST" else None,
        children=Person.objects.filter(pk__in=children),
        volunteer=volunteer,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.direct_contact_request_create(requested_by=volunteer, **form.cleaned_data)
        except ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Your request is on its way to the player's guardians. You will see their answer here."
            )
            return redirect("consents:request-list")
    return render(request, "consents/request_new.html", {"form": form})


@login_required
@require_POST
def request_cancel(request, pk):
    direct_request = access.direct_contact_request_get_for_user(request.user, pk)
    try:
        services.direct_contact_request_cancel(contact_request=direct_request, by=_volunteer(request))
    except ConsentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Request cancelled: it no longer allows any contact.")
    return redirect("consents:request-list")


@never_cache
@require_http_methods(["GET", "POST"])
def decide(request, token):
    """A guardian answers a request from the emailed link, without signing in: the signed link
    names the request and the guardian, and a decision is taken once."""
    try:
        direct_request, guardian = services.decision_link_open(token)
    except LinkInvalid as error:
        return render(request, "consents/decide_invalid.html", {"reason": str(error)}, status=410)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and request.POST.get("answer") in {"approve", "decline"}:
        try:
            services.direct_contact_request_decide(
                contact_request=direct_request,
                guardian=guardian,
                approve=request.POST["answer"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ConsentError as error:
            return render(request, "consents/decide_invalid.html", {"reason": str(error)}, status=409)
        direct_request.refresh_from_db()
        return render(request, "consents/decide_done.html", {"request_obj": direct_request})
    if direct_request.status != DirectContactRequest.Status.PENDING:
        return render(
            request,
            "consents/decide_invalid.html",
            {"reason": f"This request has already been answered: {direct_request.get_status_display().lower()}."},
            status=409,
        )
    return render(request, "consents/decide.html", {"request_obj": direct_request, "guardian": guardian, "form": form})


# Team sheet -------------------------------------------------------------------------------------


@login_required
def team_sheet(request, pk):
    """CON-7: who must not be photographed or filmed and who may not be named, on one page."""
    team = people_access.team_get_for_user(request.user, pk)
    rows = selectors.team_sheet_rows(team)
    return render(
        request,
        "consents/team_sheet.html",
        {
            "team": team,
            "rows": rows,
            "no_photos": [r["person"] for r in rows if r["no_photos"]],
            "some_places_only": [r["person"] for r in rows if r["some_places_only"]],
            "not_named": [r["person"] for r in rows if r["not_named"]],
            "fixture": request.GET.get("fixture", "")[:120],
            "today": club_today(),
        },
    )


# The committee's rounds -------------------------------------------------------------------------


def _committee(request):
    if not (request.user.is_superuser or holds_role(request.user, Role.Kind.COMMITTEE)):
        raise PermissionDenied("Consent rounds are run by the committee.")


def _round_sent_note(consent_round):
    emailed = consent_round.guardians_emailed
    note = f"{consent_round}: {emailed} guardian{pluralize(emailed)} emailed"
    already = getattr(consent_round, "guardians_already_emailed", 0)
    if already:
        note += f"; {already} had it already and {'was' if already == 1 else 'were'} not emailed again"
    paper = consent_round.guardians_without_email
    if paper:
        verbs = "has no email address and needs" if paper == 1 else "have no email address and need"
        note += f"; {paper} {verbs} a paper form"
    return note + "."


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request):
    """CON-6: start a round once for each season and team, remind those who have not answered, and
    see, team by team, which children have no answer this season."""
    _committee(request)
    today = club_today()
    form = ConsentRoundStartForm(request.POST if request.method == "POST" else None, today=today)
    already_sent = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "chase":
                consent_round = services.consent_round_chase(
                    started_by=person_for_user(request.user), **form.cleaned_data
                )
            else:
                consent_round = services.consent_round_start(
                    started_by=person_for_user(request.user),
                    send_again=request.POST.get("send_again") == "yes",
                    **form.cleaned_data,
                )
        except RoundAlreadySent as error:
            already_sent = error
        except ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _round_sent_note(consent_round))
            return redirect("consents:rounds")
    # The season the form offers: from October, next summer's, which the committee prepares. The
    # list shows who has not answered for that same season, so the round and the list agree.
    season = rules.round_season_default(today)
    current_season = rules.season_for(today)
    guardians = FamilyMember.objects.filter(
        kind=FamilyMember.Kind.GUARDIAN, parental_responsibility=True
    ).select_related("person")
    outstanding = (
        selectors.places_without_answer(season=season)
        .select_related("team", "person")
        .prefetch_related(
            Prefetch(
                "person__family_memberships",
                queryset=FamilyMember.objects.filter(kind=FamilyMember.Kind.CHILD).select_related("family"),
            ),
            Prefetch("person__family_memberships__family__members", queryset=guardians, to_attr="guardian_members"),
        )
        .order_by("team__age_group", "team__name", "person__last_name")
    )
    outstanding = list(outstanding)
    return render(
        request,
        "consents/rounds.html",
        {
            "form": form,
            "already_sent": already_sent,
            "rounds": ConsentRound.objects.select_related("team", "started_by")[:10],
            "outstanding": outstanding,
            # A child in two teams is listed under each but counted once, as the dashboard counts.
            "unanswered_children": len({place.person_id for place in outstanding}),
            "players": bool(outstanding) or selectors.round_players_exist(),
            "season": season,
            # Until the coming season opens, this season's answers still hold: say until when.
            "current_season": current_season if current_season != season else None,
            "current_season_lapses_on": rules.season_lapses_on(current_season),
            "teams": Team.objects.all(),
        },
    )
