"""X-1 and VOL-1 to VOL-5: each dashboard figure against known data, expiry edges included; the
pages behind it; publishing and acknowledging the policy; and the season report."""

import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts_registry.models import ClubAccount, Custodian, PasswordRotation
from compliance import selectors, services
from compliance.exceptions import PolicyError
from compliance.models import CriminalRecordsCheck, PolicyAcknowledgement, PolicyVersion
from consents import rules as consent_rules
from consents import services as consent_services
from consents.models import Consent
from incidents.models import Incident
from messaging.models import Delivery
from people import services as people_services
from people.models import FamilyMember, Person, Role, TeamPlayer, TrainingRecord, club_today
from tests import factories
from tests.conftest import make_person_with_role
from tests.queries import assert_constant_queries


def train(person, kind, expires_in_days):
    expires = club_today() + timedelta(days=expires_in_days)
    return TrainingRecord.objects.create(
        person=person, kind=kind, completed_on=expires - timedelta(days=3 * 365), expires_on=expires
    )


def check(person, renew_in_days):
    renew = club_today() + timedelta(days=renew_in_days)
    return CriminalRecordsCheck.objects.create(
        person=person, checked_on=renew - timedelta(days=3 * 365), renew_by=renew
    )


def test_vol3_training_and_checks_figure_at_the_edge_of_expiry(policy, volunteer, committee_member):
    train(volunteer, TrainingRecord.Kind.SAFEGUARDING, 0)  # runs out today
    check(volunteer, 1)  # runs out tomorrow: still valid, reminded
    rows = {row["person"]: row for row in selectors.training_and_checks()}
    items = {item["what"]: item["state"] for item in rows[volunteer]["items"]}
    assert items == {"Safeguarding training": "expired", "DBS check": "expiring"}
    assert not rows[volunteer]["ok"] and committee_member not in rows, "the committee alone needs no check"
    train(volunteer, TrainingRecord.Kind.SAFEGUARDING, 1)
    rows = {row["person"]: row for row in selectors.training_and_checks()}
    assert rows[volunteer]["ok"]


def test_vol3_the_designated_person_needs_online_safety_training_and_no_dbs_check(policy):
    designated = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="dp@example.org")
    train(designated, TrainingRecord.Kind.SAFEGUARDING, 400)
    row = selectors.training_and_checks()[0]
    assert [(i["what"], i["state"]) for i in row["items"]] == [
        ("Safeguarding training", "valid"),
        ("Online safety training", "missing"),
    ]


def test_vol1_the_acknowledgement_figure_counts_those_yet_to_acknowledge_the_current_version(
    policy, volunteer, committee_member, guardian
):
    assert set(selectors.volunteers_without_acknowledgement()) == {volunteer, committee_member}
    services.policy_acknowledge(
        person=volunteer, version=policy, declares_no_friending=True, declares_no_private_messages=True
    )
    assert list(selectors.volunteers_without_acknowledgement()) == [committee_member]
    newer = services.policy_publish(body="· A new clause", review_by=club_today() + timedelta(days=365), by=None)
    assert PolicyVersion.current() == newer
    assert set(selectors.volunteers_without_acknowledgement()) == {volunteer, committee_member}


def test_vol2_acknowledging_needs_both_declarations_and_the_current_version(policy, volunteer):
    with pytest.raises(PolicyError, match="Both declarations"):
        services.policy_acknowledge(
            person=volunteer, version=policy, declares_no_friending=True, declares_no_private_messages=False
        )
    newer = services.policy_publish(body="· Clause", review_by=club_today() + timedelta(days=300), by=None)
    with pytest.raises(PolicyError, match="newer version"):
        services.policy_acknowledge(
            person=volunteer, version=policy, declares_no_friending=True, declares_no_private_messages=True
        )
    services.policy_acknowledge(
        person=volunteer, version=newer, declares_no_friending=True, declares_no_private_messages=True
    )
    assert PolicyAcknowledgement.objects.get().version == newer


def test_vol5_a_policy_is_published_with_a_review_date_after_today_and_within_three_years(policy, committee_member):
    today = club_today()
    for review_by, message in ((today, "after today"), (today + timedelta(days=4 * 365), "three years")):
        with pytest.raises(PolicyError, match=message):
            services.policy_publish(body="· Clause", review_by=review_by, by=committee_member)
    assert PolicyVersion.objects.count() == 1


def test_vol5_a_policy_published_on_29_february_is_checked_against_three_years_not_a_server_error(
    policy, committee_member
):
    """The three-year limit was the same day three years on, which does not exist after 29 February."""
    leap_day = datetime(2028, 2, 29).date()
    with pytest.raises(PolicyError, match="three years"):
        services.policy_publish(
            body="· Clause", review_by=datetime(2031, 3, 2).date(), by=committee_member, today=leap_day
        )
    version = services.policy_publish(
        body="· Clause", review_by=datetime(2031, 2, 28).date(), by=committee_member, today=leap_day
    )
    assert version.published_on == leap_day


def test_x1_each_figure_against_a_known_club(
    policy, volunteer, committee_member, welfare_officer, squad, child, guardian, wordings
):
    now = timezone.now()
    keepers = [make_person_with_role(Role.Kind.VOLUNTEER, email=f"k{n}@example.org") for n in range(3)]
    short = ClubAccount.objects.create(platform="x", handle="@a", address="a", purpose="p")
    full = ClubAccount.objects.create(platform="facebook", handle="b", address="b", purpose="p")
    Custodian.objects.create(account=short, person=keepers[0])
    for keeper in keepers:
        Custodian.objects.create(account=full, person=keeper)
    PasswordRotation.objects.create(account=full, reason="r", due_since=club_today() - timedelta(days=15))
    PasswordRotation.objects.create(account=full, reason="edge", due_since=club_today() - timedelta(days=14))
    other = factories.ChildFactory()
    factories.RoleFactory(person=other, kind=Role.Kind.CHILD)
    factories.TeamPlayerFactory(team=squad, person=other)
    consent_services.consent_answers_record(
        person=child,
        answers={"photo_social": True},
        answered_by=guardian,
        recorded_by=guardian,
        method=Consent.Method.WEB,
    )
    message_author = volunteer
    from messaging.models import Message

    message = Message.objects.create(author=message_author, channel="email", audience="guardian", kind="kit", body="b")
    for n, (status, findings, age) in enumerate(
        [
            ("blocked", [{"rule": "CON-2", "code": "consent_withdrawn", "message": "m"}], 1),
            ("held", [], 2),
            ("blocked", [{"rule": "MSG-4", "code": "emoji", "message": "m"}], 9),
        ]
    ):
        delivery = Delivery.objects.create(
            message=message,
            intended_for=child,
            to_person=child,
            address="x",
            idempotency_key=f"k{n}",
            status=status,
            findings=findings,
        )
        Delivery.objects.filter(pk=delivery.pk).update(created_at=now - timedelta(days=age))
    for days in (1, 10, 40, 50):
        factories.IncidentFactory(reported_at=now - timedelta(days=days))
    factories.IncidentFactory(
        reported_at=now - timedelta(days=60),
        status=Incident.Status.CLOSED,
        outcome="no_further_action",
        closed_at=now,
    )

    figures = selectors.dashboard()
    assert [a.handle for a in figures["accounts_below_three"]] == ["@a"]
    assert figures["rotations_overdue"] == 1, "due 15 days ago is overdue; 14 days is not yet"
    assert figures["unacknowledged"] == 2 + 3 + 1, "the volunteer, the committee, the keepers and welfare officer"
    teams = {team.name: (team.children, team.unanswered) for team in figures["teams"]}
    assert teams[squad.name] == (2, 1)
    assert figures["children_unanswered"] == 1
    assert figures["stopped"]["held"] == 1 and figures["stopped"]["blocked"] == 1
    assert figures["stopped"]["reasons"] == [("CON-2 consent withdrawn", 1), ("MSG-3 office hours", 1)]
    assert figures["concerns"] == [("under a week", 1), ("1 to 4 weeks", 1), ("over 4 weeks", 2)]
    assert figures["concerns_open"] == 4
    assert figures["policy_review_state"] == "valid"


def test_con6_x1_the_dashboard_and_the_rounds_page_count_the_same_children_without_an_answer(
    signed_in, committee_member, squad, child, guardian, wordings, monkeypatch
):
    """One answer to one question: a child in two teams is one child, an answer for last season
    only is no answer, and neither a young adult nor a player who is no longer a member counts.
    The rounds page is asked on a day of this season's summer: from October it lists who has not
    answered for the next (tests/consents/test_views.py), while the dashboard counts this one."""
    today = club_today()
    season = consent_rules.season_for(today)
    monkeypatch.setattr("consents.views.club_today", lambda: date(season, 6, 15))
    seconds = factories.TeamFactory(name="Under 13s")
    factories.TeamPlayerFactory(team=seconds, person=child)
    answered, last_season_only, left = (factories.ChildFactory() for _ in range(3))
    for person in (answered, last_season_only):
        factories.RoleFactory(person=person, kind=Role.Kind.CHILD)
    factories.RoleFactory(person=left, kind=Role.Kind.CHILD, ends_on=today - timedelta(days=1))
    young_adult = factories.PersonFactory(date_of_birth=factories.years_ago(18, days=1))
    factories.RoleFactory(person=young_adult, kind=Role.Kind.CHILD)
    for person in (answered, last_season_only, left, young_adult):
        factories.TeamPlayerFactory(team=squad, person=person)
    for person, year in ((answered, season), (last_season_only, season - 1)):
        Consent.objects.create(
            person=person,
            topic="photo_social",
            given=True,
            answered_by=guardian,
            recorded_by=guardian.user,
            method=Consent.Method.WEB,
            wording=wordings["consent_form"],
            season=year,
            valid_until=today + timedelta(days=30),
        )

    figures = selectors.dashboard()
    page = signed_in(committee_member).get(reverse("consents:rounds"))
    assert figures["children_unanswered"] == page.context["unanswered_children"] == 2, "Ada once, and last season's"
    teams = {team.name: (team.children, team.unanswered) for team in figures["teams"]}
    assert teams == {"Under 11s": (3, 2), "Under 13s": (1, 1)}
    assert f"{season} season: 2 children" in page.content.decode()


def test_x1_the_dashboard_is_the_committees_and_each_red_figure_links_to_its_list(
    signed_in, committee_member, volunteer, policy
):
    response = signed_in(committee_member).get(reverse("compliance:dashboard"))
    body = response.content.decode()
    assert 'data-testid="figure-acknowledgements"' in body and reverse("compliance:acknowledgements") in body
    assert "is-red" in body and "chart.umd.min.js" in body and 'id="chart-data"' in body
    listing = signed_in(committee_member).get(reverse("compliance:acknowledgements")).content.decode()
    assert volunteer.full_name in listing
    assert signed_in(volunteer).get(reverse("compliance:dashboard")).status_code == 403


def _grow(children):
    """A club of `children` young members in 7 teams, in a few bulk inserts."""
    from people.models import Family, Team

    teams = [Team.objects.create(name=f"Team {n} {children}", age_group="U13") for n in range(7)]
    born = club_today() - timedelta(days=11 * 365)
    people = Person.objects.bulk_create(
        [Person(first_name="Child", last_name=f"N{n}", date_of_birth=born) for n in range(children)], batch_size=5000
    )
    families = Family.objects.bulk_create([Family(name=f"F{n}") for n in range(children)], batch_size=5000)
    FamilyMember.objects.bulk_create(
        [
            FamilyMember(family=f, person=p, kind="child", parental_responsibility=False)
            for f, p in zip(families, people, strict=True)
        ],
        batch_size=5000,
    )
    TeamPlayer.objects.bulk_create(
        [TeamPlayer(team=teams[n % 7], person=p) for n, p in enumerate(people)], batch_size=5000
    )
    Role.objects.bulk_create([Role(person=p, kind=Role.Kind.CHILD) for p in people], batch_size=5000)


@pytest.mark.long
def test_x1_the_dashboard_keeps_a_constant_number_of_queries_from_150_to_20000_children(
    signed_in, committee_member, policy
):
    client = signed_in(committee_member)
    url = reverse("compliance:dashboard")
    _grow(150)
    small, response = assert_constant_queries(lambda: client.get(url), lambda: _grow(19_850))
    assert small.status_code == 200
    assert (
        "20000" in response.content.decode().replace(",", "") or selectors.dashboard()["children_unanswered"] == 20000
    )


def test_vol1_vol5_the_committee_publishes_a_version_and_sees_which_clauses_the_portal_carries(
    signed_in, committee_member, policy
):
    client = signed_in(committee_member)
    for confirm in ("", "yes"):
        refused = client.post(
            reverse("compliance:policy-list"),
            {"body": "· x", "review_by": club_today().isoformat(), "confirm": confirm},
        ).content.decode()
        # Shown once, above the form, not a second time beside it.
        assert refused.count("The review date must be after today") == 1
        assert "publish-reach" not in refused
    assert PolicyVersion.objects.count() == 1
    response = client.post(
        reverse("compliance:policy-list"),
        {"body": policy.body, "review_by": (club_today() + timedelta(days=365)).isoformat(), "confirm": "yes"},
    )
    assert response["Location"] == reverse("compliance:policy-detail", args=[2])
    page = client.get(response["Location"]).content.decode()
    assert "ACC-2, ACC-3" in page and "Rests on people" in page and "carries <strong>2 of 3</strong>" in page


def test_vol1_con5_publishing_first_says_how_many_will_be_asked_again_and_waits_for_a_confirmation(
    signed_in, committee_member, volunteer, child, policy, django_assert_num_queries
):
    client = signed_in(committee_member)
    review_by = (club_today() + timedelta(days=365)).isoformat()
    factories.ChildFactory()  # a child with no young member's role yet is not asked
    asked = client.post(reverse("compliance:policy-list"), {"body": policy.body, "review_by": review_by})
    page = asked.content.decode()
    reach = selectors.policy_publish_reach()
    # The volunteer and the committee member acknowledge; the one young member with a role agrees.
    assert reach == {"volunteers": 2, "children": 1}
    assert "2 volunteers and committee members will be asked to acknowledge it again" in page
    assert "1 young member to agree to it again" in page
    assert 'name="confirm" value="yes"' in page and "Publish version 2" in page
    assert PolicyVersion.objects.count() == 1
    published = client.post(
        reverse("compliance:policy-list"), {"body": policy.body, "review_by": review_by, "confirm": "yes"}
    )
    assert published.status_code == 302 and PolicyVersion.objects.count() == 2


def test_vol1_the_publish_preview_keeps_its_queries_as_the_club_grows(signed_in, committee_member, policy):
    client = signed_in(committee_member)
    data = {"body": policy.body, "review_by": (club_today() + timedelta(days=365)).isoformat()}

    def grow():
        for _ in range(5):
            people_services.role_grant(person=factories.PersonFactory(), kind=Role.Kind.VOLUNTEER)
            people_services.role_grant(person=factories.ChildFactory(), kind=Role.Kind.CHILD)

    small, grown = assert_constant_queries(lambda: client.post(reverse("compliance:policy-list"), data), grow)
    assert "1 volunteer and committee member will" in small.content.decode()
    assert "6 volunteers and committee members will" in grown.content.decode()
    assert "5 young members to agree" in grown.content.decode()


def test_vol1_vol2_a_volunteer_acknowledges_on_the_page_and_the_home_page_stops_asking(signed_in, volunteer, policy):
    client = signed_in(volunteer)
    assert "waiting for your acknowledgement" in client.get("/").content.decode()
    refused = client.post(reverse("compliance:acknowledge"), {"read": "on", "declares_no_friending": "on"})
    assert "part of volunteering with children" in refused.content.decode()
    assert not PolicyAcknowledgement.objects.exists()
    client.post(
        reverse("compliance:acknowledge"),
        {"read": "on", "declares_no_friending": "on", "declares_no_private_messages": "on"},
    )
    assert PolicyAcknowledgement.objects.get().person == volunteer
    assert "waiting for your acknowledgement" not in client.get("/").content.decode()


def test_x1_the_season_report_prints_the_dashboards_figures_and_no_names(
    signed_in, committee_member, volunteer, policy, child, squad
):
    factories.IncidentFactory(people_involved="Ada Okafor", what_happened="Ada was upset.")
    response = signed_in(committee_member).get(reverse("compliance:season-report"))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Volunteers and committee who have not acknowledged it" in text and "Open concerns" in text
    assert squad.name in text and "Ada" not in text and volunteer.last_name not in text


def test_inc7_the_season_report_counts_concerns_by_category_this_season_with_cyberbullying_first(
    signed_in, committee_member, policy
):
    today = club_today()
    opened = timezone.make_aware(datetime(consent_rules.season_for(today), consent_rules.SEASON_OPENS_MONTH, 1))
    now = timezone.now()
    for when in (opened, now):
        factories.IncidentFactory(category=Incident.Category.CYBERBULLYING, reported_at=when)
    factories.IncidentFactory(category=Incident.Category.CYBERBULLYING, reported_at=opened - timedelta(minutes=1))
    factories.IncidentFactory(
        category=Incident.Category.SEXTING,
        reported_at=now,
        people_involved="Ada Okafor",
        status=Incident.Status.CLOSED,
        outcome=Incident.Outcome.AGENCY_LEADS,
        closed_at=now,
    )
    figures = selectors.dashboard(today=today, now=now)
    by_category = {row["category"]: (row["reported"], row["open"]) for row in figures["concerns_by_category"]}
    assert figures["concerns_by_category"][0]["category"] == "cyberbullying"
    assert by_category["cyberbullying"] == (2, 2), "last season's report is not counted"
    assert by_category["sexting"] == (1, 0) and by_category["other"] == (0, 0)
    assert figures["season_opened_on"] == opened.date()

    response = signed_in(committee_member).get(reverse("compliance:season-report"))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"Concerns reported this season, since {opened:%-d %B %Y}" in text
    assert "Cyberbullying (for the anti-bullying report)" in text
    assert re.search(r"Cyberbullying \(for the anti-bullying report\)\s*2 \(2 open\)", text), text
    assert "Ada" not in text


def test_vol1_the_clause_map_is_the_committees_and_a_volunteer_reads_the_policy_at_its_own_page(
    signed_in, volunteer, policy
):
    client = signed_in(volunteer)
    assert client.get(reverse("compliance:policy-detail", args=[1])).status_code == 403
    assert "password-protected" in client.get(reverse("compliance:acknowledge")).content.decode()
