"""Consent journeys in a real browser: a guardian answers from the emailed link on a phone, a coach
asks to contact a player and a guardian approves from a link, and a coach prints the team sheet."""

import os
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from consents import selectors
from consents import services as consent_services
from consents.models import Consent, DirectContactRequest, Wording
from people import credentials, role_grants, services
from people.models import FamilyMember, Role
from tests import factories
from tests.browser.conftest import SHOTS, fits_the_screen_width, shot, sign_in_with_password
from tests.conftest import make_person_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHOTO_DESTINATIONS = ("photo_website", "photo_social", "photo_press")


def path_of(url):
    """The path of an emailed link, for the browser to open on the live server."""
    assert url.startswith(settings.SITE_URL), url
    return url.removeprefix(settings.SITE_URL)


def press_sign_in_and_land_on(page, path):
    """Presses the link page's Sign in button and checks where the guardian ends up."""
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    heading = page.locator("h1").first.inner_text()
    assert urlsplit(page.url).path == path, f"landed on {page.url} ({heading!r}), not {path}"


@pytest.fixture
def wordings():
    """The published texts the data migration provides; transactional tests flush them away."""
    consent_form, _ = Wording.objects.get_or_create(
        kind=Wording.Kind.CONSENT_FORM,
        version=1,
        defaults={"title": "Photos, videos and contact", "body": "The club asks what it may do with pictures."},
    )
    Wording.objects.get_or_create(
        kind=Wording.Kind.ACCEPTABLE_USE,
        version=1,
        defaults={
            "title": "Our promise about phones and the internet",
            "body": "I will be kind online and tell someone if anything worries me.",
            "body_for_younger": "I will be kind and tell a grown-up if I am worried.",
        },
    )
    Wording.objects.get_or_create(
        kind=Wording.Kind.POLICY,
        version=1,
        defaults={
            "title": "Online Safety and Social Media Policy",
            "body": "· Volunteers should not friend or follow children from personal accounts.\n"
            "· Children should be aware of this policy and agree to its terms.",
        },
    )
    return consent_form


@pytest.fixture
def club(wordings):
    """The Under 11s: Ada plays, Sam coaches, Grace is Ada's mother and signs in by link only."""
    team = factories.TeamFactory(name="Under 11s")
    family = factories.FamilyFactory(name="The Okafor family")
    player = factories.ChildFactory(first_name="Ada", last_name="Okafor")
    role_grants.role_grant(person=player, kind=Role.Kind.CHILD)
    services.family_member_add(family=family, person=player, kind=FamilyMember.Kind.CHILD)
    factories.TeamPlayerFactory(team=team, person=player)
    coach = make_person_with_role(Role.Kind.VOLUNTEER, email="coach@example.org", first_name="Sam")
    factories.TeamStaffFactory(team=team, person=coach)
    parent = make_person_with_role(Role.Kind.GUARDIAN, email="parent@example.org", password=None, first_name="Grace")
    services.family_member_add(family=family, person=parent, kind=FamilyMember.Kind.GUARDIAN, relationship="Mother")
    return {"team": team, "family": family, "player": player, "coach": coach, "parent": parent}


def test_con4_x3_guardian_gives_then_withdraws_a_consent_from_the_emailed_link_on_a_phone(phone_page, club, wordings):
    parent, player = club["parent"], club["player"]
    before = selectors.may_photograph(player, "photo_social")
    assert not before.allowed
    assert [(f.rule, f.code) for f in before.findings] == [("CON-1", "no_consent")]

    phone_page.goto(path_of(consent_services.consent_link_url(parent.user)))
    shot(phone_page, "consents-a1-consent-link-confirm")
    press_sign_in_and_land_on(phone_page, "/consents/")
    phone_page.get_by_role("heading", name="Photos, videos and contact").wait_for()
    card = phone_page.locator(f"#person-{player.pk}")
    expect(card.get_by_role("heading", name="Ada Okafor")).to_be_visible()
    switch = card.get_by_label("Photos and videos on the club's social media")
    expect(switch).not_to_be_checked()
    assert fits_the_screen_width(phone_page), "X-3: the consent form scrolls sideways on a phone"
    shot(phone_page, "consents-a2-consents-empty")

    switch.check()
    card.get_by_role("button", name="Save Ada's answers").click()
    expect(phone_page.get_by_role("status")).to_contain_text("Saved Ada's answers")
    shot(phone_page, "consents-a3-consents-saved")
    assert selectors.may_photograph(player, "photo_social").allowed
    # The answer recorded says who gave it, how, and against which wording (CON-4).
    given = Consent.objects.get(person=player, topic="photo_social")
    assert (given.given, given.answered_by, given.recorded_by, given.method, given.wording) == (
        True,
        parent,
        parent.user,
        Consent.Method.WEB,
        wordings,
    )
    # Only the ticked destination is allowed; the unticked ones stay no.
    assert not selectors.may_photograph(player, "photo_website").allowed

    card = phone_page.locator(f"#person-{player.pk}")
    switch = card.get_by_label("Photos and videos on the club's social media")
    expect(switch).to_be_checked()
    switch.uncheck()
    card.get_by_role("button", name="Save Ada's answers").click()
    expect(phone_page.get_by_role("status")).to_contain_text(re.compile(r"withdrawn.*takes effect now"))
    expect(
        phone_page.locator(f"#person-{player.pk}").get_by_label("Photos and videos on the club's social media")
    ).not_to_be_checked()
    shot(phone_page, "consents-a4-consents-withdrawn")

    after = selectors.may_photograph(player, "photo_social")
    assert not after.allowed
    assert [(f.rule, f.code) for f in after.findings] == [("CON-1", "consent_withdrawn")]
    history = list(Consent.objects.filter(person=player, topic="photo_social").order_by("recorded_at"))
    assert [c.given for c in history] == [True, False]


def test_x3_guardian_of_two_children_answers_for_the_second_child_by_tapping_its_labels(phone_page, club, wordings):
    """Each child's card has its own switches: a guardian tapping a question's words on the second
    card answers for the second child, never the first (PPL-3, X-3)."""
    sibling = factories.ChildFactory(first_name="Ben", last_name="Okafor", date_of_birth=factories.years_ago(8))
    role_grants.role_grant(person=sibling, kind=Role.Kind.CHILD)
    services.family_member_add(family=club["family"], person=sibling, kind=FamilyMember.Kind.CHILD)

    phone_page.goto(path_of(consent_services.consent_link_url(club["parent"].user)))
    press_sign_in_and_land_on(phone_page, "/consents/")
    ada, ben = phone_page.locator(f"#person-{club['player'].pk}"), phone_page.locator(f"#person-{sibling.pk}")
    expect(ben.get_by_role("heading", name="Ben Okafor")).to_be_visible()
    # On a phone the words are the big target: a guardian taps them, not the small switch.
    ben.locator("label", has_text="Photos and videos on the club website").tap()
    ada_switches = ada.locator("input[type=checkbox]").evaluate_all("boxes => boxes.map(box => box.checked)")
    shot(phone_page, "consents-a5-two-children-tapped-ben")
    ben.get_by_role("button", name="Save Ben's answers").click()
    expect(phone_page.get_by_role("status")).to_contain_text("Saved Ben's answers")

    assert not any(ada_switches), "tapping a question on Ben's card switched one on Ada's card"
    assert selectors.may_photograph(sibling, "photo_website").allowed
    assert not Consent.objects.filter(person=club["player"]).exists()


def test_con6_x3_guardian_who_opens_the_consent_link_several_times_can_still_sign_in(phone_page, club):
    """The round's link lasts a fortnight and a guardian may open it more than once (mail apps
    and scanners fetch it too). Looking at it is not a failed sign-in, just as with the ordinary
    sign-in link, so it must not lock the guardian (or their household's address) out."""
    parent = club["parent"]
    sign_in_link = path_of(credentials.sign_in_link_url(parent.user))
    for _ in range(4):
        assert phone_page.goto(sign_in_link).status == 200
    phone_page.get_by_role("button", name="Sign in").click()
    phone_page.get_by_role("heading", name="Hello, Grace").wait_for()

    parent.user.refresh_from_db()  # signing in moved last_login on, which spent the old links
    consent_link = path_of(consent_services.consent_link_url(parent.user))
    statuses = [phone_page.goto(consent_link).status for _ in range(4)]
    assert statuses == [200, 200, 200, 200]
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Sign in").click()
    shot(phone_page, "consents-a6-consent-link-opened-five-times")
    expect(phone_page.get_by_role("heading", name="Too many attempts")).not_to_be_visible()
    assert urlsplit(phone_page.url).path == "/consents/", phone_page.url
    expect(phone_page.get_by_role("heading", name="Ada Okafor")).to_be_visible()


def test_con3_volunteer_asks_to_contact_a_player_and_a_guardian_approves_from_the_link(page, phone_page, club):
    player, parent = club["player"], club["parent"]
    starts = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    ends = starts + timedelta(days=3)
    inside = starts + timedelta(days=1)
    phone = factories.club_phone_held_by(club["coach"])

    sign_in_with_password(page, "coach@example.org")
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    page.get_by_role("link", name="Ask to contact a player directly").click()
    page.get_by_role("link", name="Ask to contact a player").click()
    page.get_by_role("heading", name="Ask to contact a player").wait_for()
    page.get_by_label("Player").select_option(label="Ada Okafor")
    page.get_by_label("Purpose").select_option(label="Which kit to bring")
    page.get_by_label("What it is about").fill("Whites and a cap for Saturday's away match at Formby.")
    page.get_by_label("Channel").select_option(label="Text message")
    page.get_by_label("Club phone (for a call or a text)").select_option(label=str(phone))
    page.get_by_label("From").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Until").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    shot(page, "consents-b1-request-new")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/consents/requests/")
    expect(page.get_by_role("status")).to_contain_text("on its way to the player's guardians")
    expect(page.get_by_role("listitem").filter(has_text="Ada Okafor")).to_contain_text("Waiting for a guardian")
    shot(page, "consents-b2-request-waiting")

    request = DirectContactRequest.objects.get(child=player)
    assert (request.purpose, request.channel, request.requested_by) == ("kit", "text", club["coach"])
    assert (request.starts_at, request.ends_at) == (starts, ends)
    # Waiting is not permission: nothing allows the contact yet.
    waiting = selectors.may_contact_directly(player, "text", "kit", at=inside)
    assert ("CON-3", "no_permission") in [(f.rule, f.code) for f in waiting.findings]

    phone_page.goto(path_of(consent_services.decision_link_url(request, parent)))
    phone_page.get_by_role("heading", name="May Sam contact Ada?").wait_for()
    expect(phone_page.get_by_role("main")).to_contain_text("Which kit to bring: Whites and a cap")
    expect(phone_page.get_by_role("main")).to_contain_text(f"Text message, from the club phone {phone.number}")
    assert fits_the_screen_width(phone_page), "X-3: the decision page scrolls sideways on a phone"
    shot(phone_page, "consents-b3-decide-phone")
    phone_page.get_by_role("button", name="Yes, that's fine").click()
    phone_page.get_by_role("heading", name="Thank you").wait_for()
    expect(phone_page.get_by_role("main")).to_contain_text("approved")
    shot(phone_page, "consents-b4-decide-done-phone")

    page.goto("/consents/requests/")
    item = page.get_by_role("listitem").filter(has_text="Ada Okafor")
    expect(item).to_contain_text("Approved")
    expect(item).to_contain_text("answered by Grace")
    shot(page, "consents-b5-request-approved")

    # CON-3 alone is not enough: without the guardian's CON-2 consent to texts, still no.
    refused = selectors.may_contact_directly(player, "text", "kit", at=inside)
    assert not refused.allowed
    assert [(f.rule, f.code) for f in refused.findings] == [("CON-2", "no_consent")]

    consent_services.consent_answers_record(
        person=player,
        answers={"contact_text": True},
        answered_by=parent,
        recorded_by=parent,
        method=Consent.Method.WEB,
    )
    assert selectors.may_contact_directly(player, "text", "kit", at=inside).allowed
    # And CON-2 alone is not enough either: another purpose, or after the window, is refused.
    other_purpose = selectors.may_contact_directly(player, "text", "selection", at=inside)
    assert [(f.rule, f.code) for f in other_purpose.findings] == [("CON-3", "no_permission")]
    too_late = selectors.may_contact_directly(player, "text", "kit", at=ends + timedelta(minutes=1))
    assert [(f.rule, f.code) for f in too_late.findings] == [("CON-3", "permission_expired")]


def _player_with_guardian(team, *, first_name, last_name):
    family = factories.FamilyFactory(name=f"The {last_name} family")
    player = factories.ChildFactory(first_name=first_name, last_name=last_name)
    role_grants.role_grant(person=player, kind=Role.Kind.CHILD)
    services.family_member_add(family=family, person=player, kind=FamilyMember.Kind.CHILD)
    factories.TeamPlayerFactory(team=team, person=player)
    guardian = factories.PersonFactory(last_name=last_name)
    services.family_member_add(family=family, person=guardian, kind=FamilyMember.Kind.GUARDIAN)
    return player, guardian


def test_con7_printed_team_sheet_shows_the_players_who_must_not_be_photographed(page, club, tmp_path):
    team = club["team"]
    secretary = make_person_with_role(Role.Kind.COMMITTEE, email="secretary@example.org")
    all_photo_topics = {topic: True for topic in (*PHOTO_DESTINATIONS, "name_published")}
    consents_on_paper = {"recorded_by": secretary, "method": Consent.Method.PAPER}
    consent_services.consent_answers_record(
        person=club["player"], answers=all_photo_topics, answered_by=club["parent"], **consents_on_paper
    )
    withdrawn, withdrawn_guardian = _player_with_guardian(team, first_name="Bea", last_name="Adams")
    consent_services.consent_answers_record(
        person=withdrawn, answers=all_photo_topics, answered_by=withdrawn_guardian, **consents_on_paper
    )
    consent_services.consent_answers_record(
        person=withdrawn,
        answers=dict.fromkeys(PHOTO_DESTINATIONS, False),
        answered_by=withdrawn_guardian,
        **consents_on_paper,
    )
    _player_with_guardian(team, first_name="Cal", last_name="Jones")

    sign_in_with_password(page, "coach@example.org")
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    page.goto(f"/consents/team-sheet/{team.pk}/?fixture=v%20Formby")
    page.get_by_role("heading", name="Under 11s: photos and names").wait_for()
    expect(page.get_by_role("main")).to_contain_text("v Formby")
    do_not_photograph = page.locator(".sheet-alert").filter(
        has=page.get_by_role("heading", name="Do not photograph or film")
    )
    assert do_not_photograph.locator("strong").all_inner_texts() == ["Bea Adams", "Cal Jones"]
    expect(do_not_photograph).not_to_contain_text("Ada Okafor")
    consented_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Ada Okafor"))
    assert consented_row.get_by_role("cell").all_inner_texts() == ["yes", "yes", "yes", "yes"]
    withdrawn_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Bea Adams"))
    assert withdrawn_row.get_by_role("cell").all_inner_texts() == ["NO", "NO", "NO", "yes"]
    expect(page.locator(".portal-nav")).to_be_visible()
    shot(page, "consents-c1-team-sheet-screen")

    page.emulate_media(media="print")
    expect(page.locator(".portal-nav")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this sheet")).to_be_hidden()
    expect(page.get_by_role("button", name="Set")).to_be_hidden()
    expect(do_not_photograph).to_be_visible()
    shot(page, "consents-c2-team-sheet-print-media")
    pdf = tmp_path / "sheet.pdf"
    page.pdf(path=str(pdf), format="A4")
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())
    assert len(pages) == 1, f"the printed team sheet runs to {len(pages)} pages"
    if os.environ.get("SEFTON_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "c3-team-sheet.pdf").write_bytes(pdf.read_bytes())


def test_con5_vol1_a_child_reads_the_policy_and_the_promise_and_agrees_on_the_guardians_phone(
    phone_page, club, wordings
):
    """The card asks for the child's agreement to the policy and the statement; one tap on the
    agreement page records both, and the card stops asking (CON-5, VOL-1)."""
    phone_page.goto(path_of(consent_services.consent_link_url(club["parent"].user)))
    press_sign_in_and_land_on(phone_page, "/consents/")
    card = phone_page.locator(f"#person-{club['player'].pk}")
    expect(card).to_contain_text("has not yet agreed to the club's policy, version 1")
    card.get_by_role("link", name="Read it together and agree").click()
    expect(phone_page.get_by_role("heading", name="The club's policy and promise")).to_be_visible()
    phone_page.get_by_text("Read the whole policy (version 1)").click()
    assert fits_the_screen_width(phone_page)
    shot(phone_page, "consents-a7-policy-and-promise")
    phone_page.get_by_label("I have read this and I agree").check()
    phone_page.get_by_role("button", name="I, Ada, agree").click()
    expect(phone_page.get_by_role("status")).to_contain_text("Thank you, Ada")
    expect(phone_page.locator(f"#person-{club['player'].pk}")).not_to_contain_text("has not yet agreed")
    assert selectors.agreements_due(club["player"]) == []
