"""Every form the portal renders, and every POST it reads, fed generated input (hypothesis) by the
role allowed to use it: text in any script, NUL bytes, very long strings, emoji, whitespace only,
numbers out of range, the first and last days of the calendar, malformed ids, lists where one
value is expected, missing fields.

Each post must answer without a server error; a form shown again (200 or 400) has stored nothing;
whatever was stored is exactly what was sent (no character cut, surrounding whitespace aside, as
every form strips it) and passes the model's own validation. Each test also checks that at least
one generated post was stored and one refused, so a form that refuses everything cannot pass
for the wrong reason. SEC (standing guarantee: no server error, nothing invalid stored, nothing
silently cut)."""

import itertools
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts_registry.models import (
    AccountReview,
    AdviceRequest,
    Appointment,
    ClubAccount,
    Custodian,
    ModerationRecord,
    PasswordRotation,
)
from compliance.models import PolicyAcknowledgement, PolicyVersion
from consents.models import AcceptableUseAgreement, Consent, ConsentRound, DirectContactRequest
from incidents.models import CaseEntry, Evidence, Incident, IncidentSubject
from messaging import services as message_services
from messaging.models import Message, Reply
from people.models import STAFF_ROLE_KINDS, Family, FamilyMember, Person, Role, Team, TeamStaff, User
from tests import factories
from tests.conftest import current_code
from tests.test_permission_matrix import build_world, png_bytes

pytestmark = pytest.mark.long

MISSING = "\x00missing"  # a value no browser sends: the field is left out of the post

SAFE_CHARACTERS = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be encoded
TYPED_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"))
LENGTHS = (2, 6, 99, 100, 101, 150, 151, 200, 201, 254, 255, 300, 301, 500, 501, 2000, 2001, 10000, 10001, 100_000)
ODD_VALUES = (
    "",
    " ",
    "  \t\r\n ",
    "\u00a0\u2003\u3000",
    "\x00",
    "a\x00b",
    "😀🏏👍🏽",
    "\u202egnp.exe",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "0",
    "-1",
    "1.5",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "0000-00-00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "yes",
    "on",
    "null",
)


def repeated(lengths=LENGTHS):
    return st.builds(
        lambda ch, n: ch * n, st.sampled_from(["a", "é", "字", "😀", " ", "\x00"]), st.sampled_from(lengths)
    )


ODD = st.one_of(st.sampled_from(ODD_VALUES), st.text(SAFE_CHARACTERS, max_size=30), repeated())
ODD_OR_LIST = st.one_of(ODD, st.lists(ODD, min_size=2, max_size=3), st.just(MISSING))


def text(max_length, min_size=1):
    """Text a person could type, up to the form's limit, sometimes exactly at it."""
    return st.one_of(
        st.text(TYPED_CHARACTERS, min_size=min_size, max_size=min(max_length, 40)).filter(
            lambda value: value.strip() or min_size == 0
        ),
        st.builds(lambda ch: ch * max_length, st.sampled_from(["a", "é", "字", "😀"])),
    )


def day(start, end):
    return st.dates(start, end).map(lambda d: d.isoformat())


def choice(*values):
    return st.sampled_from([str(v) for v in values])


def post_data(valid):
    """A valid post, then up to three of its fields replaced by odd values, lists or left out, and
    sometimes a field it does not expect."""
    names = sorted(valid)
    mutations = st.dictionaries(st.sampled_from(names + ["unexpected"]), ODD_OR_LIST, max_size=3)

    def merge(base, changes):
        data = dict(base)
        for name, value in changes.items():
            if value == MISSING:
                data.pop(name, None)
            else:
                data[name] = value
        return data

    return st.builds(merge, st.fixed_dictionaries(valid), mutations)


@dataclass
class Stored:
    """A model the form writes to, and which of the post's fields land in which of its columns."""

    model: type
    columns: dict = field(default_factory=dict)
    filter: dict = field(default_factory=dict)
    # Columns the built world's own rows leave empty, which full_clean would otherwise report.
    exclude: tuple = ()


def snapshot(stored):
    queryset = stored.model.objects.filter(**stored.filter)
    return {row.pk: model_to_dict(row) for row in queryset}


def screenshots():
    """Uploads: a real image, an empty file, a PDF in name only, an image with bytes appended, under
    names too long, in emoji, or with no name before the dot."""
    png = png_bytes()
    return st.builds(
        lambda name, content: SimpleUploadedFile(name, content, content_type="image/png"),
        st.sampled_from(["screenshot.png", "é" * 250 + ".png", "😀.png", ".png", "a" * 300]),
        st.sampled_from([png, b"", b"%PDF-1.4 not really", png + b"<script>"]),
    )


FUZZ = hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
addresses = itertools.count(1)


@override_settings(CONCERN_REPORT_RATE="100000/m", CONCERN_ALERT_RATE="100000/m", INBOUND_SECRET="fuzz-secret")
class FormFuzzTests(TestCase):
    """One small club, built once; each generated post runs in a transaction rolled back after it."""

    @classmethod
    def setUpTestData(cls):
        sides, version, clients = build_world(None)
        cls.sides, cls.version = sides, version
        cookie = django_settings.SESSION_COOKIE_NAME
        cls.session_keys = {role: c.cookies[cookie].value for role, c in clients.items() if cookie in c.cookies}
        cls.coach = sides["a"]["message"].author
        cls.welfare = Person.objects.get(email="welfare@example.org")
        cls.committee = Person.objects.get(email="committee@example.org")
        cls.designated = Person.objects.get(email="designated@example.org")
        cls.supervisor = Person.objects.get(email="supervisor@example.org")

    def client_for(self, role):
        n = next(addresses)
        client = Client(REMOTE_ADDR=f"10.{n // 62500 % 250}.{n // 250 % 250}.{1 + n % 250}")
        if role != "anonymous":
            client.cookies[django_settings.SESSION_COOKIE_NAME] = self.session_keys[role]
        return client

    def fuzz(
        self,
        *,
        role,
        url,
        valid,
        stored,
        redisplay=(200, 400),
        files=None,
        headers=None,
        must_store=True,
        must_refuse=True,
    ):
        """Posts generated data to `url` as `role` and holds each answer to the guarantee."""
        outcomes = set()
        strategy = post_data(valid)
        strategy = st.tuples(strategy, files) if files is not None else strategy.map(lambda data: (data, {}))

        @FUZZ
        @given(strategy)
        def check(posted):
            data, uploads = posted
            # Each example in a savepoint rolled back after it, on the world built once.
            with transaction.atomic():
                outcomes.add(self.post_one(role, url, data, uploads, stored, redisplay, headers))
                transaction.set_rollback(True)

        check()
        if must_refuse:
            assert "refused" in outcomes, "every generated post was stored: the form refuses nothing"
        if must_store:
            assert "stored" in outcomes, "no generated post was stored: the fuzzing never reached the service"

    def post_one(self, role, url, data, uploads, stored, redisplay, headers):
        client = self.client_for(role)
        before = [snapshot(s) for s in stored]
        target = url(client) if callable(url) else url
        response = client.post(target, {**data, **uploads}, headers=headers or {})
        assert response.status_code < 500, (response.status_code, data)
        after = [snapshot(s) for s in stored]
        changed = False
        for spec, old, new in zip(stored, before, after, strict=True):
            for pk, row in new.items():
                if old.get(pk) == row:
                    continue
                changed = True
                instance = spec.model.objects.get(pk=pk)
                instance.full_clean(exclude=spec.exclude)
                for name, column in spec.columns.items():
                    sent = data.get(name)
                    # An empty optional field may take its default (a policy keeps its title).
                    if isinstance(sent, str) and sent.strip():
                        kept = getattr(instance, column)
                        assert kept == sent.strip(), (name, len(sent.strip()), len(kept or ""))
        if response.status_code in redisplay:
            assert not changed, (response.status_code, data)
        return "stored" if changed else "refused"

    # The anonymous and sign-in forms -----------------------------------------------------------

    def test_sec_concern_report_form_survives_generated_input(self):
        today = timezone.localdate()
        self.fuzz(
            role="anonymous",
            url="/concerns/report/",
            valid={
                "immediate_risk": choice("no", "yes"),
                "what_happened": text(10000),
                "happened_on": day(today - timedelta(days=3000), today),
                "people_involved": text(2000, min_size=0),
                "category": choice(*Incident.Category.values),
                "channel": choice(*Incident.Channel.values),
                "reporter_relationship": choice("", *Incident.ReporterRelationship.values),
                "reporter_name": text(200, min_size=0),
                "reporter_contact": text(254, min_size=0),
                "leave_empty": st.just(""),
            },
            stored=[
                Stored(
                    Incident,
                    {
                        "what_happened": "what_happened",
                        "people_involved": "people_involved",
                        "reporter_name": "reporter_name",
                        "reporter_contact": "reporter_contact",
                    },
                )
            ],
            redisplay=(200, 400, 429),
            files=st.one_of(st.just({}), st.fixed_dictionaries({"evidence": screenshots()})),
        )

    def test_sec_sign_in_forms_survive_generated_input(self):
        for url, valid in (
            (
                "/sign-in/",
                {"username": text(254), "password": text(100), "next": st.sampled_from(["/", "/committee/"])},
            ),
            ("/sign-in/link/", {"email": st.sampled_from(["parent.a@example.org", "nobody@example.org"])}),
            ("/sign-in/password/", {"email": st.sampled_from(["coach.a@example.org", "nobody@example.org"])}),
        ):
            with self.subTest(url=url):
                self.fuzz(role="anonymous", url=url, valid=valid, stored=[Stored(User)], must_store=False)

    def test_sec_password_set_form_survives_generated_input(self):
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        from people.link_tokens import password_link_tokens

        user = User.objects.get(email="coach.a@example.org")

        def set_password_page(client):
            # The emailed link puts its token in the session and moves to the form's own address.
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            opened = client.get(f"/sign-in/password/{uid}/{password_link_tokens.make_token(user)}/")
            assert opened.status_code == 302, opened.status_code
            return opened.url

        password = st.sampled_from(["a-long-and-unusual-passphrase-81", "😀字é-passphrase-of-some-length"]) | text(200)
        self.fuzz(
            role="anonymous",
            url=set_password_page,
            valid={"new_password1": password, "new_password2": password},
            stored=[Stored(User, filter={"pk": user.pk})],
            must_store=True,
        )

    def test_sec_second_factor_forms_survive_generated_input(self):
        for url in ("/sign-in/verify/", "/sign-in/two-factor/"):
            with self.subTest(url=url):
                self.fuzz(
                    role="committee_password_only",
                    url=url,
                    valid={"code": st.from_regex(r"\A\d{6}\Z")},
                    stored=[Stored(User)],
                    must_store=False,
                )

    def test_sec_contact_decision_link_survives_generated_input(self):
        side = self.sides["a"]
        self.fuzz(
            role="anonymous",
            url=f"/consents/decide/{side['decision_token']}/",
            valid={"answer": choice("approve", "decline"), "note": text(300, min_size=0)},
            stored=[Stored(DirectContactRequest, {"note": "decision_note"}, {"pk": side["contact_request"].pk})],
            redisplay=(400, 409, 410),
        )

    def test_sec_inbound_replies_survive_generated_input(self):
        for url, names in (
            ("/messages/inbound/sms", ("From", "Body", "MessageSid")),
            ("/messages/inbound/email", ("from", "text", "message_id")),
        ):
            sender, body, reference = names
            with self.subTest(url=url):
                self.fuzz(
                    role="anonymous",
                    url=url,
                    valid={
                        sender: st.sampled_from(["07700 900222", "parent.a@example.org"]),
                        body: text(2000),
                        reference: st.uuids().map(str),
                    },
                    stored=[Stored(Reply, {sender: "from_address", body: "body", reference: "provider_reference"})],
                    headers={"X-Sefton-Inbound-Secret": "fuzz-secret"},
                    redisplay=(400, 403),
                )

    # The committee's forms ---------------------------------------------------------------------

    def test_sec_policy_publish_form_survives_generated_input(self):
        today = timezone.localdate()
        self.fuzz(
            role="committee",
            url="/committee/policy/",
            valid={
                "title": text(200, min_size=0),
                "body": text(20000),
                "review_by": day(today + timedelta(days=1), today + timedelta(days=1000)),
                # VOL-1: a version is published on the confirmation that follows its preview.
                "confirm": st.just("yes"),
            },
            stored=[Stored(PolicyVersion, {"title": "title", "body": "body"})],
        )

    def test_sec_consent_round_form_survives_generated_input(self):
        teams = [str(self.sides["a"]["team"].pk), str(self.sides["b"]["team"].pk), ""]
        self.fuzz(
            role="committee",
            url="/consents/rounds/",
            valid={"season": st.integers(2000, 2100).map(str), "team": st.sampled_from(teams)},
            stored=[Stored(ConsentRound)],
        )

    def test_sec_club_account_forms_survive_generated_input(self):
        account = self.sides["a"]["account"]
        base = f"/accounts/register/{account.pk}"
        # Ordered, so the same examples are drawn whatever order the database returns rows in; the
        # people offered to add are those the form offers, so the valid posts are valid.
        keepers = [str(c.pk) for c in Custodian.objects.filter(account=account).order_by("pk")]
        staff = [
            str(p.pk)
            for p in Person.objects.holding(*STAFF_ROLE_KINDS)
            .exclude(pk__in=Custodian.objects.filter(account=account, ended_on__isnull=True).values("person_id"))
            .order_by("pk")
        ]
        designated = [str(p.pk) for p in Person.objects.holding(Role.Kind.DESIGNATED_PERSON).order_by("pk")]
        today = timezone.localdate()
        forms = (
            (
                f"{base}/custodians/",
                {
                    "remove": st.lists(st.sampled_from(keepers), max_size=1),
                    "add": st.lists(st.sampled_from(staff), min_size=1, max_size=2),
                    "reason": text(200),
                },
                [Stored(Custodian, exclude=("added_by",))],
            ),
            (
                f"{base}/rotations/{self.sides['a']['rotation'].pk}/",
                {"done_on": day(today - timedelta(days=30), today)},
                [Stored(PasswordRotation)],
            ),
            (
                f"{base}/review/",
                {"fit_for_purpose": choice("yes", "no"), "note": text(500, min_size=0)},
                [Stored(AccountReview, {"note": "note"})],
            ),
            (
                f"{base}/appointment/",
                {
                    "person": st.sampled_from(designated),
                    "minute_reference": text(100),
                    "appointed_on": day(today - timedelta(days=30), today),
                },
                [Stored(Appointment, {"minute_reference": "minute_reference"})],
            ),
        )
        for url, valid, stored in forms:
            with self.subTest(url=url):
                self.fuzz(role="committee", url=url, valid=valid, stored=stored)

    # The designated people's forms -------------------------------------------------------------

    def test_sec_advice_and_post_check_forms_survive_generated_input(self):
        account = self.sides["a"]["account"]
        children = [str(self.sides["a"]["child"].pk), str(self.sides["b"]["child"].pk)]
        asked = [Stored(AdviceRequest, {"question": "question"})]
        self.fuzz(
            role="designated_person",
            url=f"/accounts/register/{account.pk}/advice/",
            valid={"question": text(5000)},
            stored=asked,
        )
        self.fuzz(role="volunteer", url="/accounts/advice/", valid={"question": text(5000)}, stored=asked)
        self.fuzz(
            role="designated_person",
            url="/accounts/post-check/",
            valid={
                "text": text(5000, min_size=0),
                "with_photo": choice("", "on"),
                "tagged": st.lists(st.sampled_from(children), max_size=2),
            },
            stored=[Stored(ModerationRecord), Stored(Message)],
            must_store=False,
        )

    def test_sec_advice_answer_forms_survive_generated_input(self):
        side = self.sides["a"]
        answered = [Stored(AdviceRequest, {"answer": "answer"})]
        for url in (
            f"/accounts/register/{side['account'].pk}/advice/{side['advice'].pk}/",
            f"/accounts/advice/{side['advice'].pk}/answer/",
        ):
            with self.subTest(url=url):
                self.fuzz(role="welfare_officer", url=url, valid={"answer": text(5000)}, stored=answered)

    def test_sec_moderation_form_survives_generated_input(self):
        social = [str(a.pk) for a in ClubAccount.objects.filter(kind="social").order_by("pk")]
        people = [str(p.pk) for p in Person.objects.order_by("pk")[:10]]
        self.fuzz(
            role="supervisor",
            url="/accounts/moderation/new/",
            valid={
                "account": st.sampled_from(social),
                "author": st.sampled_from(["", *people]),
                "author_description": text(200),
                "removed_content": text(5000),
                "reason": st.sampled_from(["It named a player.", "It was unkind about another club."]),
                "affected": st.lists(st.sampled_from(people), max_size=2),
                "children": st.lists(st.sampled_from(people), max_size=1),
            },
            stored=[
                Stored(
                    ModerationRecord,
                    {
                        "author_description": "author_description",
                        "removed_content": "removed_content",
                        "reason": "reason",
                    },
                )
            ],
        )

    def test_sec_message_return_form_survives_generated_input(self):
        message = self.sides["a"]["message"]
        self.fuzz(
            role="designated_person",
            url=f"/messages/{message.pk}/return/",
            valid={"reason": text(500)},
            stored=[Stored(Message, {"reason": "return_reason"}, {"pk": message.pk})],
            must_store=message.status == Message.Status.AWAITING_APPROVAL,
        )

    # The volunteers' forms ---------------------------------------------------------------------

    def test_sec_message_compose_form_survives_generated_input(self):
        side = self.sides["a"]
        self.fuzz(
            role="volunteer",
            url="/messages/new/",
            valid={
                "channel": choice(*Message.Channel.values),
                "audience": choice("guardian", "child"),
                "team": st.sampled_from(["", str(side["team"].pk)]),
                "recipients": st.lists(st.sampled_from([str(side["child"].pk)]), max_size=1),
                "kind": choice(*Message.Kind.values),
                "subject": text(150),
                "body": st.sampled_from(
                    [
                        "Hello,\n\nPlease bring whites on Saturday.\n\nMany thanks,\nAnn, Under 11s coach",
                        "Hello,\n\nPractice on Friday runs from 6pm.\n\nMany thanks,\nAnn, Under 11s coach" + " " * 50,
                    ]
                )
                | text(2000),
            },
            stored=[Stored(Message, {"subject": "subject", "body": "body"})],
        )
        self.fuzz(
            role="volunteer",
            url="/messages/check",
            valid={
                "text": text(5000),
                "channel": choice(*Message.Channel.values),
                "audience": choice("guardian", "child"),
            },
            stored=[Stored(Message)],
            must_store=False,
        )

    def test_sec_message_revise_form_survives_generated_input(self):
        message = self.returned_message()
        self.fuzz(
            role="volunteer",
            url=f"/messages/{message.pk}/revise/",
            valid={
                "subject": text(150),
                "body": st.just("Hello,\n\nPlease bring whites on Sunday.\n\nMany thanks,\nAnn, Under 11s coach")
                | text(2000),
            },
            stored=[Stored(Message, {"subject": "subject", "body": "body"}, {"pk": message.pk})],
        )

    def returned_message(self):
        coach = Person.objects.get(email="coach.a@example.org")
        message = message_services.message_create(
            author=coach,
            channel="email",
            audience="child",
            kind="kit",
            body="Hello,\n\nPlease bring whites on Saturday.\n\nMany thanks,\nAnn, Under 11s coach",
            subject="Saturday",
            recipients=[self.sides["a"]["young"]],
        )
        message_services.message_submit(message=message, by=coach)
        message.refresh_from_db()
        message_services.message_return(message=message, by=self.designated, reason="Say which Saturday.")
        message.refresh_from_db()
        assert message.status == Message.Status.RETURNED
        return message

    def test_sec_direct_contact_request_form_survives_generated_input(self):
        side = self.sides["a"]
        now = timezone.localtime().replace(second=0, microsecond=0)

        def moment(offset_days):
            return st.integers(offset_days * 24, offset_days * 24 + 200).map(
                lambda hours: (now + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
            )

        self.fuzz(
            role="volunteer",
            url="/consents/requests/new/",
            valid={
                "child": st.just(str(side["child"].pk)),
                "purpose": choice(*DirectContactRequest.Purpose.values),
                "details": text(300),
                "channel": st.just("email"),
                "club_phone": st.just(""),
                "starts_at": moment(1),
                "ends_at": moment(10),
            },
            stored=[Stored(DirectContactRequest, {"details": "details"})],
        )

    def test_sec_policy_acknowledgement_form_survives_generated_input(self):
        self.fuzz(
            role="volunteer",
            url="/policy/",
            valid={
                "read": st.just("on"),
                "declares_no_friending": st.just("on"),
                "declares_no_private_messages": st.just("on"),
            },
            stored=[Stored(PolicyAcknowledgement)],
        )

    # The families' forms -----------------------------------------------------------------------

    def test_sec_consent_forms_survive_generated_input(self):
        child = self.sides["a"]["child"]
        topics = {topic: choice("", "on") for topic in Consent.Topic.values}
        self.fuzz(
            role="guardian",
            url=f"/consents/{child.pk}/answer/",
            valid={**topics, "consent_round": st.just("")},
            stored=[Stored(Consent)],
            redisplay=(400,),
        )
        self.fuzz(
            role="guardian",
            url=f"/consents/{child.pk}/acceptable-use/",
            valid={"agree": st.just("on")},
            stored=[Stored(AcceptableUseAgreement)],
            must_store=False,
        )
        young = self.sides["a"]["young"]
        self.fuzz(
            role="young_member",
            url=f"/consents/{young.pk}/acceptable-use/",
            valid={"agree": st.just("on")},
            stored=[Stored(AcceptableUseAgreement)],
        )

    # The welfare officers' forms ---------------------------------------------------------------

    def case_url(self, tail=""):
        return f"/concerns/cases/{self.sides['a']['case'].reference}/{tail}"

    def test_sec_case_forms_survive_generated_input(self):
        case = self.sides["a"]["case"]
        officers = [
            str(u.pk)
            for u in User.objects.filter(person__email__in=["welfare@example.org", "deputy@example.org"]).order_by("pk")
        ]
        entries = [str(e.pk) for e in CaseEntry.objects.filter(incident=case).order_by("pk")]
        people = [str(p.pk) for p in Person.objects.order_by("pk")[:10]]
        the_case = {"pk": case.pk}
        forms = (
            (
                "status/",
                {
                    "status": choice(*Incident.Status.values),
                    "outcome": choice("", *Incident.Outcome.values),
                    "reason": text(2000),
                },
                [Stored(Incident, {}, the_case)],
            ),
            (
                "triage/",
                {"priority": choice(*Incident.Priority.values), "assignee": st.sampled_from(["", *officers])},
                [Stored(Incident, {}, the_case)],
            ),
            (
                "entries/",
                {
                    "kind": choice(*CaseEntry.Kind.values),
                    "text": text(10000),
                    "agency": choice("", *CaseEntry.Agency.values),
                    "agency_reference": text(100, min_size=0),
                    "corrects": st.sampled_from(["", *entries]),
                },
                [
                    Stored(
                        CaseEntry,
                        {"text": "text", "agency_reference": "agency_reference"},
                        {"kind__in": CaseEntry.WRITTEN_KINDS},
                    )
                ],
            ),
            (
                "people/",
                {"person": st.sampled_from(people), "part": choice(*IncidentSubject.Part.values)},
                [Stored(IncidentSubject)],
            ),
        )
        for tail, valid, stored in forms:
            with self.subTest(url=tail):
                self.fuzz(role="welfare_officer", url=self.case_url(tail), valid=valid, stored=stored)

    def test_sec_case_search_export_and_grant_survive_generated_input(self):
        from guardian.models import UserObjectPermission

        people = [str(p.pk) for p in Person.objects.filter(user__isnull=False).order_by("pk")]
        self.fuzz(
            role="welfare_officer",
            url=self.case_url(),
            valid={"person_search": text(200)},
            stored=[Stored(IncidentSubject)],
            must_store=False,
        )
        self.fuzz(
            role="welfare_officer",
            url=self.case_url("access/"),
            valid={"person": st.sampled_from(people)},
            stored=[Stored(UserObjectPermission)],
        )
        self.fuzz(
            role="welfare_officer",
            url=self.case_url("export/"),
            valid={"version": choice("full", "redacted"), "code": st.from_regex(r"\A\d{6}\Z")},
            stored=[Stored(Incident)],
            must_store=False,
        )
        self.fuzz(
            role="welfare_officer",
            url=f"/concerns/from-reply/{self.sides['a']['reply'].pk}/",
            valid={"category": choice(*Incident.Category.values)},
            stored=[Stored(Incident)],
        )

    def test_sec_evidence_form_survives_generated_input(self):
        uploads = st.fixed_dictionaries({"file": screenshots()})
        self.fuzz(
            role="welfare_officer",
            url=self.case_url("evidence/"),
            valid={"description": text(300, min_size=0)},
            files=uploads,
            stored=[Stored(Evidence, {"description": "description"})],
        )

    # The Django admin's add forms (the committee) ----------------------------------------------

    def management_forms(self, url):
        page = self.client_for("committee").get(url).content.decode()
        return {
            name: st.just(value)
            for name, value in re.findall(
                r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page
            )
        }

    def test_sec_admin_add_forms_survive_generated_input(self):
        today = timezone.localdate()
        people = [str(p.pk) for p in Person.objects.order_by("pk")[:12]]
        children = [str(self.sides["a"]["child"].pk), str(self.sides["b"]["child"].pk)]
        guardians = [str(self.sides["a"]["guardian"].pk), str(self.sides["b"]["guardian"].pk)]
        forms = (
            (
                "/admin/people/person/add/",
                {
                    "first_name": text(100),
                    "last_name": text(100),
                    "date_of_birth": day(factories.years_ago(90), today),
                    "email": st.emails().filter(lambda e: len(e) < 200) | st.just(""),
                    "mobile": st.sampled_from(["", "07700 900333"]),
                    "address": text(500, min_size=0),
                    "postcode": st.sampled_from(["", "L17 1AA"]),
                    "school": text(200, min_size=0),
                },
                [
                    Stored(
                        Person,
                        {
                            "first_name": "first_name",
                            "last_name": "last_name",
                            "address": "address",
                            "school": "school",
                        },
                    ),
                    Stored(Role),
                ],
            ),
            (
                "/admin/people/family/add/",
                {
                    "name": text(200),
                    "address": text(500, min_size=0),
                    "postcode": st.sampled_from(["", "L17 1AA"]),
                    "home_phone": st.just(""),
                },
                [Stored(Family, {"name": "name", "address": "address"}), Stored(FamilyMember)],
            ),
            (
                "/admin/people/role/add/",
                {
                    "person": st.sampled_from(people),
                    "kind": choice(*Role.Kind.values),
                    "starts_on": day(today - timedelta(days=400), today + timedelta(days=30)),
                    "ends_on": st.just(""),
                    "note": text(200, min_size=0),
                },
                [Stored(Role, {"note": "note"})],
            ),
            (
                "/admin/people/team/add/",
                {"name": text(100), "age_group": choice(*Team.AgeGroup.values)},
                [Stored(Team, {"name": "name"}), Stored(TeamStaff)],
            ),
            (
                "/admin/consents/consent/add/",
                {
                    "person": st.sampled_from(children),
                    "topic": choice(*Consent.Topic.values),
                    "given": choice("", "on"),
                    "answered_by": st.sampled_from(guardians),
                },
                [Stored(Consent)],
            ),
            (
                "/admin/accounts_registry/clubaccount/add/",
                {
                    "kind": choice(*ClubAccount.Kind.values),
                    "platform": choice(*ClubAccount.Platform.values),
                    "handle": text(100),
                    "address": text(300),
                    "purpose": text(300),
                },
                [
                    Stored(ClubAccount, {"handle": "handle", "address": "address", "purpose": "purpose"}),
                    Stored(Custodian),
                ],
            ),
        )
        for url, valid, stored in forms:
            with self.subTest(url=url):
                self.fuzz(
                    role="committee",
                    url=url,
                    valid={**valid, **self.management_forms(url)},
                    stored=stored,
                    must_store=True,
                )

    # Explicit examples of what the fuzzing found ---------------------------------------------

    def test_sec_inbound_reply_with_a_nul_byte_or_overlong_field_is_refused_not_a_server_error(self):
        client, headers = self.client_for("anonymous"), {"X-Sefton-Inbound-Secret": "fuzz-secret"}
        refused = (
            {"From": "07700 900222", "Body": "a\x00b", "MessageSid": "SM-nul-body"},
            {"From": "\x00", "Body": "Thanks", "MessageSid": "SM-nul-sender"},
            {"From": "0" * 255, "Body": "Thanks", "MessageSid": "SM-long-sender"},
            {"From": "07700 900222", "Body": "Thanks", "MessageSid": "S" * 201},
        )
        for payload in refused:
            response = client.post("/messages/inbound/sms", payload, headers=headers)
            assert response.status_code == 400, payload
        assert not Reply.objects.filter(body__in=["a", "Thanks"]).exists()
        kept = {"From": "07700 900222", "Body": "Thanks", "MessageSid": "S" * 200}
        assert client.post("/messages/inbound/sms", kept, headers=headers).status_code == 204
        Reply.objects.get(provider_reference="S" * 200).full_clean()

    def test_sec_inbound_reply_without_words_is_kept_and_valid(self):
        """A picture message has no text: it is still a reply the welfare officers must see."""
        headers = {"X-Sefton-Inbound-Secret": "fuzz-secret"}
        response = self.client_for("anonymous").post(
            "/messages/inbound/sms", {"From": "07700 900222", "MessageSid": "SM-picture"}, headers=headers
        )
        assert response.status_code == 204
        Reply.objects.get(provider_reference="SM-picture").full_clean()

    def test_msg1_a_message_the_rules_refuse_leaves_no_draft_behind(self):
        """The compose form is shown again with the reasons; nothing half-made is kept."""
        side, client = self.sides["a"], self.client_for("volunteer")
        post = {"channel": "email", "audience": "guardian", "recipients": [str(side["child"].pk)], "kind": "kit"}
        drafts = Message.objects.count()
        refused = client.post("/messages/new/", {**post, "subject": "Kit", "body": "0"})
        assert refused.status_code == 200
        assert Message.objects.count() == drafts
        body = "Hello,\n\nPlease bring whites on Saturday.\n\nMany thanks,\nAnn, Under 11s coach"
        sent = client.post("/messages/new/", {**post, "subject": "Kit", "body": body})
        assert sent.status_code == 302
        assert Message.objects.count() == drafts + 1

    def test_sec_admin_form_with_a_malformed_person_id_is_shown_again_not_a_server_error(self):
        """Django's search-as-you-type box looked up " " to show it again, a server error."""
        client, today = self.client_for("committee"), timezone.localdate().isoformat()
        child, guardian = self.sides["a"]["child"], self.sides["a"]["guardian"]
        for person in (" ", "abc", "9223372036854775808", ["1", "x"]):
            role = client.post("/admin/people/role/add/", {"person": person, "kind": "volunteer", "starts_on": today})
            assert role.status_code == 200, person
            assert "Select a valid choice" in role.content.decode()
        consent = {"person": str(child.pk), "topic": "photo_website", "answered_by": " "}
        assert client.post("/admin/consents/consent/add/", consent).status_code == 200
        consent["answered_by"] = str(guardian.pk)
        assert client.post("/admin/consents/consent/add/", consent).status_code == 302

    # Buttons: posts that carry an id or a flag rather than a form ---------------------------

    def test_sec_button_posts_survive_generated_input(self):
        side = self.sides["a"]
        message = side["message"]
        buttons = (
            (
                "volunteer",
                f"/messages/deliveries/{side['delivery']}/retry/",
                {"from": choice("failed-deliveries", ""), "checked": choice("yes", "")},
            ),
            ("designated_person", f"/messages/{message.pk}/approve/", {"next": st.just("/")}),
            ("volunteer", f"/messages/{message.pk}/cancel/", {"next": st.just("/")}),
            ("volunteer", f"/consents/requests/{side['contact_request'].pk}/cancel/", {"next": st.just("/")}),
            ("welfare_officer", f"/messages/replies/{side['reply'].pk}/seen/", {"next": st.just("/")}),
            ("welfare_officer", self.case_url("seen/"), {"next": st.just("/")}),
            ("welfare_officer", self.case_url(f"people/{side['subject'].pk}/remove/"), {"next": st.just("/")}),
            ("welfare_officer", self.case_url(f"access/{self.coach.user_id}/revoke/"), {"next": st.just("/")}),
        )
        for role, url, valid in buttons:
            with self.subTest(url=url):
                self.fuzz(role=role, url=url, valid=valid, stored=[], redisplay=(), must_store=False)

    def test_sec_role_grant_decisions_survive_generated_input(self):
        from people import role_grants

        person = Person.objects.get(email="coach.b@example.org")
        role = role_grants.role_grant(
            person=person, kind=Role.Kind.COMMITTEE, starts_on=timezone.localdate(), granted_by=self.committee.user
        )
        assert role.status == Role.Status.PENDING
        for tail in ("confirm", "refuse"):
            with self.subTest(tail=tail):
                self.fuzz(
                    role="welfare_officer",
                    url=f"/roles/grants/{role.pk}/{tail}/",
                    valid={"next": st.just("/")},
                    stored=[Stored(Role, filter={"pk": role.pk})],
                    redisplay=(),
                    must_refuse=False,
                )

    def test_sec_authenticator_removal_survives_generated_input(self):
        committee = self.committee.user
        device = committee.totpdevice_set.get()
        # A second app whose code has not been used yet: a code is accepted once.
        second = factories.confirmed_totp_device(committee)
        client = Client()
        client.force_login(committee, backend="people.backends.RoleBackend")
        assert client.post("/sign-in/verify/", {"code": current_code(second)}).status_code == 302
        self.session_keys["fresh_committee"] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        self.fuzz(
            role="fresh_committee",
            url="/sign-in/two-factor/remove/",
            valid={"device": st.just(str(device.pk))},
            stored=[Stored(type(device))],
            redisplay=(200, 400, 404),
            must_store=False,
        )

    def test_sec_removing_an_authenticator_with_a_malformed_id_is_not_found_not_a_server_error(self):
        committee = self.committee.user
        second = factories.confirmed_totp_device(committee)
        client = Client()
        client.force_login(committee, backend="people.backends.RoleBackend")
        assert client.post("/sign-in/verify/", {"code": current_code(second)}).status_code == 302
        for device in ("", "abc", "²", "1.5", "99999999999999999999"):
            assert client.post("/sign-in/two-factor/remove/", {"device": device}).status_code == 404, device
        assert client.post("/sign-in/two-factor/remove/", {"device": str(second.pk)}).status_code == 302
        assert not type(second).objects.filter(pk=second.pk).exists()
