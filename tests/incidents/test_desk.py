"""The welfare officer's desk: finding a person and reading their safeguarding record, the home's
figures and the queue views they open, the case summary, review dates, referral answers, surprising
dates and long words (INC-2 to INC-6)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import access, rules, selectors, services
from incidents.forms import ENTRY_LIMIT, WHAT_HAPPENED_LIMIT, IncidentReportForm
from incidents.models import CaseEntry, CaseRead, Incident, IncidentSubject
from people.models import Role
from tests import factories
from tests.conftest import make_person_with_role
from tests.incidents.conftest import report
from tests.incidents.test_views import report_form
from tests.queries import assert_constant_queries


@pytest.fixture
def two_cases(welfare_officer, child, squad):
    """Two concerns about Ada a month apart, each with a note of its own."""
    first = report(
        what_happened="Unkind comments under Ada's photo.",
        happened_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    second = report(category=Incident.Category.INAPPROPRIATE_CONTACT, what_happened="An adult messaged Ada.")
    for case, note in ((first, "Spoke to Ada's mother."), (second, "Phoned the county officer.")):
        services.subject_link(incident=case, by=welfare_officer, person=child, part="child_affected")
        services.case_entry_add(incident=case, by=welfare_officer, kind="note", text=note)
    return first, second


def test_inc6_the_welfare_officer_finds_a_child_by_name_in_a_post_with_their_team_and_age(
    signed_in, welfare_officer, child, squad, two_cases
):
    client = signed_in(welfare_officer)
    url = reverse("incidents:person-search")
    assert "Okafor" not in url
    response = client.post(url, {"name": "ada oka"})
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("incidents:person-record", args=[child.pk]) in body
    assert "Ada Okafor" in body and "Under 11s" in body and f"{child.age()} years old" in body
    assert "2 cases" in body
    nobody = client.post(url, {"name": "Zebedee"}).content.decode()
    assert "Nobody matches" in nobody and "Ada Okafor" not in nobody


def test_inc6_the_search_box_is_on_the_welfare_officers_home_and_queue_and_posts(signed_in, welfare_officer):
    client = signed_in(welfare_officer)
    for page in ("portal:home", "incidents:queue"):
        body = client.get(reverse(page)).content.decode()
        assert f'method="post" action="{reverse("incidents:person-search")}"' in body, page


def test_inc4_inc6_a_persons_record_shows_every_case_newest_first_and_one_merged_chronology(
    signed_in, welfare_officer, child, two_cases
):
    first, second = two_cases
    client = signed_in(welfare_officer)
    reads_before = CaseRead.objects.filter(what="safeguarding record").count()
    response = client.get(reverse("incidents:person-record", args=[child.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(second.reference) < body.index(first.reference), "newest case first"
    assert "Inappropriate contact" in body and "Cyberbullying" in body and "Child affected" in body
    # One chronology across both cases, newest first, each entry naming its case.
    entries, total = selectors.person_chronology([first, second])
    assert total == first.entries.count() + second.entries.count()
    assert [e.created_at for e in entries] == sorted((e.created_at for e in entries), reverse=True)
    assert body.index("Phoned the county officer.") < body.index("Spoke to Ada&#x27;s mother.")
    assert f"{second.reference}</a> · <time" in body and f"{first.reference}</a> · <time" in body
    # INC-5: one read per case shown, by this officer, allowed.
    reads = CaseRead.objects.filter(what="safeguarding record")
    assert reads.count() == reads_before + 2
    assert set(reads.values_list("incident", "user", "allowed")) == {
        (first.pk, welfare_officer.user.pk, True),
        (second.pk, welfare_officer.user.pk, True),
    }


def test_inc5_a_person_given_one_case_never_opens_a_record_and_the_refusal_is_logged(
    signed_in, welfare_officer, child, two_cases, volunteer
):
    first, _second = two_cases
    services.access_grant(incident=first, by=welfare_officer, person=volunteer)
    client = signed_in(volunteer)
    assert client.get(reverse("incidents:person-record", args=[child.pk])).status_code == 403
    assert client.post(reverse("incidents:person-search"), {"name": "Ada"}).status_code == 403
    refused = CaseRead.objects.filter(what="safeguarding record", user=volunteer.user)
    assert refused.count() == 2 and not refused.filter(allowed=True).exists()
    # Side by side: the deputy welfare officer opens it.
    deputy = make_person_with_role(Role.Kind.DEPUTY_WELFARE_OFFICER, email="deputy@example.org")
    assert signed_in(deputy).get(reverse("incidents:person-record", args=[child.pk])).status_code == 200


def test_inc5_nobody_opens_their_own_record_and_a_case_about_the_officer_is_left_out_of_others(
    signed_in, welfare_officer, child, two_cases
):
    first, second = two_cases
    # A concern about the welfare officer and Ada together.
    services.subject_link(incident=second, by=None, person=welfare_officer, part="person_of_concern")
    client = signed_in(welfare_officer)
    assert client.get(reverse("incidents:person-record", args=[welfare_officer.pk])).status_code == 403
    assert CaseRead.objects.get(incident=second, user=welfare_officer.user, what="safeguarding record").allowed is False
    body = client.get(reverse("incidents:person-record", args=[child.pk])).content.decode()
    assert first.reference in body and second.reference not in body
    assert not CaseRead.objects.filter(incident=second, what="safeguarding record", allowed=True).exists()
    found = client.post(reverse("incidents:person-search"), {"name": "Ada"}).content.decode()
    assert "1 case<" in found


def _cases_about(person, count, officer):
    """`count` cases linked to `person`, each with its report's entry, written in bulk."""
    now = timezone.now()
    cases = Incident.objects.bulk_create(
        [
            Incident(
                category=Incident.Category.CYBERBULLYING,
                channel="social_media",
                what_happened="A concern.",
                happened_on=timezone.localdate(),
                reported_at=now - datetime.timedelta(hours=n),
            )
            for n in range(count)
        ],
        batch_size=5000,
    )
    IncidentSubject.objects.bulk_create(
        [IncidentSubject(incident=case, person=person, part="child_affected") for case in cases], batch_size=2000
    )
    CaseEntry.objects.bulk_create(
        [CaseEntry(incident=case, kind="report", text="Entry.", author=officer.user) for case in cases],
        batch_size=2000,
    )


@pytest.mark.long
def test_inc6_the_search_and_the_record_keep_a_constant_number_of_queries_from_2_cases_to_10000(
    signed_in, welfare_officer, child, squad, django_assert_num_queries
):
    client = signed_in(welfare_officer)
    record = reverse("incidents:person-record", args=[child.pk])
    search = reverse("incidents:person-search")
    _cases_about(child, 2, welfare_officer)
    for _ in range(3):
        factories.ChildFactory(first_name="Ada", last_name="Other")
    client.get(record)
    client.post(search, {"name": "Ada"})
    with CaptureQueriesContext(connection) as small_record:
        client.get(record)
    with CaptureQueriesContext(connection) as small_search:
        client.post(search, {"name": "Ada"})
    _cases_about(child, 9998, welfare_officer)
    for n in range(30):
        person = factories.ChildFactory(first_name="Ada", last_name=f"Other{n}")
        _cases_about(person, 3, welfare_officer)
    with django_assert_num_queries(len(small_record.captured_queries)):
        response = client.get(record)
    assert "Cases (10000)" in response.content.decode()
    with django_assert_num_queries(len(small_search.captured_queries)):
        client.post(search, {"name": "Ada"})


def _entry_at(case, when, text="An old note.", **fields):
    return CaseEntry.objects.create(incident=case, kind="note", text=text, created_at=when, **fields)


def test_inc3_the_home_counts_what_needs_the_officer_and_each_figure_opens_the_queue_filtered_to_it(
    signed_in, welfare_officer, deputy_welfare_officer
):
    now = timezone.now()
    today = timezone.localdate(now)
    unseen = report(what_happened="New, nobody has opened it.")
    urgent = report(immediate_risk=True, what_happened="A child in danger now.")
    services.incident_mark_seen(incident=urgent, by=deputy_welfare_officer)
    quiet = report(what_happened="Nothing done for weeks.")
    services.incident_mark_seen(incident=quiet, by=welfare_officer)
    services.incident_transition(incident=quiet, status="in_review", by=welfare_officer)
    CaseEntry.objects.filter(incident=quiet).exclude(
        pk=None
    )  # entries are append-only: backdate by making the case old
    mine = report(what_happened="Held by the officer.")
    services.incident_mark_seen(incident=mine, by=welfare_officer)
    services.incident_triage(
        incident=mine, by=welfare_officer, priority=3, assignee=welfare_officer.user, next_review_on=today
    )
    desk = selectors.welfare_desk(welfare_officer.user, now=now + datetime.timedelta(days=15), today=today)
    counts = {figure["key"]: figure["count"] for figure in desk["figures"]}
    assert counts["new"] == 1
    assert counts["urgent"] == 1 and counts["mine"] == 1 and counts["review"] == 1
    # Fifteen days on with nothing written, all four are quiet; today none is.
    assert counts["quiet"] == 4
    today_figures = selectors.welfare_desk(welfare_officer.user, now=now, today=today)["figures"]
    assert {figure["key"]: figure["count"] for figure in today_figures}["quiet"] == 0

    client = signed_in(welfare_officer)
    home = client.get(reverse("portal:home")).content.decode()
    for figure in desk["figures"]:
        assert f'href="{reverse("incidents:queue")}?{figure["url_query"]}"' in home
    shown = client.get(reverse("incidents:queue"), {"show": "urgent"}).content.decode()
    assert urgent.reference in shown and unseen.reference not in shown
    shown = client.get(reverse("incidents:queue"), {"show": "review"}).content.decode()
    assert mine.reference in shown and quiet.reference not in shown
    assert "Reviews due" in home and mine.reference in home


def test_inc3_a_next_review_date_is_set_in_triage_kept_in_history_and_written_to_the_chronology(
    signed_in, welfare_officer, case
):
    client = signed_in(welfare_officer)
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        reverse("incidents:case-triage", args=[case.reference]),
        {"priority": "3", "assignee": "", "next_review_on": day.isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.next_review_on == day
    assert case.history.order_by("-history_date").first().next_review_on == day
    assert case.entries.filter(kind="status", text=f"Next review on {day:%-d %B %Y}.").exists()
    page = client.get(reverse("incidents:case-detail", args=[case.reference])).content.decode()
    assert day.strftime("%-d %b %Y") in page


def test_inc3_the_case_page_opens_with_a_summary_and_a_hide_screen_key_without_inline_script(
    signed_in, welfare_officer, case, child
):
    services.subject_link(incident=case, by=welfare_officer, person=child, part="child_affected")
    client = signed_in(welfare_officer)
    response = client.get(reverse("incidents:case-detail", args=[case.reference]))
    body = response.content.decode()
    summary = body[body.index('data-testid="case-summary"') : body.index('id="chronology"')]
    for words in ("Ada Okafor", "Cyberbullying", "New", "Nobody yet", "Access", "Not set"):
        assert words in summary, words
    assert "data-hide-screen" in body and "data-hide-screen-cover" in body
    assert "/static/js/hide-screen.js" in body
    assert "<script>" not in body and "onclick" not in body


def test_inc4_a_referral_waits_for_an_answer_shows_overdue_on_the_desk_and_page_until_answered(
    signed_in, welfare_officer, case
):
    today = timezone.localdate()
    referral = services.case_entry_add(
        incident=case,
        by=welfare_officer,
        kind="referral",
        text="Referred to the LADO.",
        agency="lado",
        response_due_on=today - datetime.timedelta(days=1),
    )
    client = signed_in(welfare_officer)
    desk = selectors.welfare_desk(welfare_officer.user, today=today)
    assert desk["referrals_overdue"] == [referral]
    other = report(what_happened="A case with no referral.")
    listed = client.get(reverse("incidents:queue"), {"show": "referral"}).content.decode()
    assert case.reference in listed and other.reference not in listed
    page = client.get(reverse("incidents:case-detail", args=[case.reference])).content.decode()
    assert "Answer overdue:" in page
    response = client.post(
        reverse("incidents:case-entry-add", args=[case.reference]),
        {"kind": "note", "text": "The LADO called back.", "responds_to": referral.pk},
    )
    assert response.status_code == 302
    assert selectors.welfare_desk(welfare_officer.user, today=today)["referrals_overdue"] == []
    assert "Answer overdue:" not in client.get(reverse("incidents:case-detail", args=[case.reference])).content.decode()


def test_inc4_only_a_referral_waits_for_an_answer(signed_in, welfare_officer, case):
    client = signed_in(welfare_officer)
    day = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("incidents:case-entry-add", args=[case.reference]),
        {"kind": "note", "text": "A note.", "response_due_on": day},
    )
    assert response.status_code == 400
    assert "Only a referral waits for an answer" in response.content.decode()
    assert not case.entries.filter(kind="note").exists()


@pytest.mark.parametrize(
    ("years", "code"),
    [(0, None), (9, None), (11, "confirm")],
)
def test_inc2_a_date_more_than_ten_years_ago_is_asked_about(years, code):
    today = datetime.date(2027, 12, 18)
    findings = rules.happened_on_findings(happened_on=today.replace(year=2027 - years), today=today)
    assert [f.code for f in findings] == ([code] if code else [])


def test_inc2_year_one_and_a_date_before_the_child_was_born_are_caught():
    today = datetime.date(2027, 12, 18)
    assert rules.happened_on_findings(happened_on=datetime.date(1, 1, 1), today=today)[0].code == "refused"
    born = datetime.date(2019, 6, 1)
    before = rules.happened_on_findings(happened_on=datetime.date(2019, 5, 1), today=today, born_on=born)
    assert [f.code for f in before] == ["confirm"] and "before the child was born" in before[0].message
    assert rules.happened_on_findings(happened_on=datetime.date(2020, 5, 1), today=today, born_on=born) == []


def test_inc2_an_old_date_asks_for_confirmation_and_goes_through_once_confirmed(client, welfare_officer):
    old = timezone.localdate().replace(year=timezone.localdate().year - 11, day=1)
    response = client.post(reverse("incidents:report"), report_form(happened_on=old.isoformat()))
    body = response.content.decode()
    assert response.status_code == 200 and not Incident.objects.exists()
    assert "more than 10 years ago" in body and "Yes, the date is right" in body
    response = client.post(reverse("incidents:report"), report_form(happened_on=old.isoformat(), confirm_date="on"))
    assert response.status_code == 302
    assert Incident.objects.get().happened_on == old


def test_inc2_year_0001_is_refused_even_when_confirmed(client, welfare_officer):
    response = client.post(reverse("incidents:report"), report_form(happened_on="0001-01-01", confirm_date="on"))
    assert response.status_code == 200
    assert "0001 cannot be right" in response.content.decode()
    assert not Incident.objects.exists()


def test_inc2_a_young_members_own_report_dated_before_they_were_born_is_asked_about():
    born = timezone.localdate() - datetime.timedelta(days=365 * 11)
    before = (born - datetime.timedelta(days=30)).isoformat()
    form = IncidentReportForm(report_form(happened_on=before), born_on=born)
    assert not form.is_valid() and form.asks_date_confirmation
    assert "before the child was born" in form.errors["happened_on"][0]
    confirmed = IncidentReportForm(report_form(happened_on=before, confirm_date="on"), born_on=born)
    assert confirmed.is_valid(), confirmed.errors


def test_inc2_linking_a_child_born_after_the_concerns_date_asks_first_and_links_once_confirmed(
    signed_in, welfare_officer, child
):
    case = report(happened_on=child.date_of_birth - datetime.timedelta(days=10))
    client = signed_in(welfare_officer)
    url = reverse("incidents:subject-link", args=[case.reference])
    response = client.post(url, {"person": child.pk, "part": "child_affected"})
    body = response.content.decode()
    assert response.status_code == 200 and "before Ada was born" in body and "Link Ada Okafor all the same" in body
    assert not case.subject_links.exists()
    response = client.post(url, {"person": child.pk, "part": "child_affected", "confirm_date": "on"})
    assert response.status_code == 302
    assert case.subject_links.get().person == child


def test_inc2_what_happened_beyond_its_limit_is_refused_with_the_numbers_and_every_character_kept(db, client):
    words = "x" * (WHAT_HAPPENED_LIMIT - 5) + " the end of the chat log"
    response = client.post(reverse("incidents:report"), report_form(what_happened=words))
    body = response.content.decode()
    assert response.status_code == 200 and not Incident.objects.exists()
    assert f"What happened is {len(words):,} characters long; the most it can hold is 10,000" in body
    assert "the end of the chat log</textarea>" in body
    assert "maxlength" not in body.split('name="what_happened"')[1].split(">")[0]
    assert 'data-max="10000"' in body and "/static/js/character-count.js" in body
    # Side by side: exactly at the limit it is taken.
    assert (
        client.post(reverse("incidents:report"), report_form(what_happened="y" * WHAT_HAPPENED_LIMIT)).status_code
        == 302
    )


def test_inc4_a_chronology_entry_beyond_its_limit_is_refused_and_kept(signed_in, welfare_officer, case):
    client = signed_in(welfare_officer)
    text = "z" * ENTRY_LIMIT + "TAIL"
    response = client.post(reverse("incidents:case-entry-add", args=[case.reference]), {"kind": "note", "text": text})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Entry is 10,004 characters long" in body and "zTAIL</textarea>" in body
    assert "maxlength" not in body.split('name="text"')[1].split(">")[0]
    assert not case.entries.filter(kind="note").exists()


def test_inc5_the_record_gate_refuses_a_stranger_and_writes_the_refusal(child, two_cases, outsider):
    first, second = two_cases
    with pytest.raises(access.PermissionDenied):
        access.person_record_get_for_user(outsider.user, child.pk)
    assert CaseRead.objects.filter(user=outsider.user, allowed=False).count() == 2


def test_inc3_the_desk_on_the_home_page_keeps_a_constant_number_of_queries_as_cases_grow(
    signed_in, welfare_officer, child
):
    client = signed_in(welfare_officer)
    _cases_about(child, 2, welfare_officer)

    def grow():
        _cases_about(child, 3000, welfare_officer)
        Incident.objects.filter(pk__in=Incident.objects.values("pk")[:50]).update(next_review_on=timezone.localdate())

    _few, grown = assert_constant_queries(lambda: client.get(reverse("portal:home")), grow)
    body = grown.content.decode()
    assert "Reviews due" in body
