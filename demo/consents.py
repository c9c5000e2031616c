"""A season of consents for the demo club (demo/club.py builds the club itself): given, missing
and withdrawn answers, acceptable use agreements, a consent round and the demo coach's requests
for direct contact.
"""

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.utils import timezone

from consents import rules as consent_rules
from consents import selectors as consent_selectors
from consents import services as consent_services
from consents.models import AcceptableUseAgreement, Consent, ConsentRound, DirectContactRequest, Wording
from consents.selectors import guardians_children
from people.models import FamilyMember, Person, Team

from .club import COACH_EMAIL, SEED

# How likely a family is to say yes to each photo question; most say yes to the website and the
# press, fewer to social media, and about half to names beside pictures (CON-1).
PHOTO_YES = {"photo_website": 0.9, "photo_social": 0.65, "photo_press": 0.85, "name_published": 0.5}
NO_PHOTOS_AT_ALL = 0.05
# Most families keep contact through themselves; some let the older children be texted or emailed
# (CON-2). Social media and instant messaging stay no for everyone.
OLDER_AGE_GROUPS = {Team.AgeGroup.U15, Team.AgeGroup.U17, Team.AgeGroup.U19}
OLDER_CONTACT_YES = {"contact_text": 0.4, "contact_email": 0.35, "contact_phone": 0.1}
UNANSWERED_SHARE = 0.25
WITHDRAWALS = 8
# Of the answered children aged 8 or over; about 60% of all of them agree (CON-5).
AGREEMENT_SHARE = 0.85
AGREEMENT_MIN_AGE = 8
REQUEST_TEAM = "Under 11s Blue"
DEMO_PARENT_ANSWERS = {
    "photo_website": True,
    "photo_social": True,
    "photo_press": True,
    "name_published": False,
    **dict.fromkeys(consent_rules.CONTACT_TOPICS, False),
}


class DemoConsents:
    """A season of answers as a real club sees it: most families answered, a few withdrew photos
    on social media, a quarter have not answered yet. Every answer and agreement goes through the
    consents services, so each passes the same checks as one given on the portal."""

    def __init__(self, club):
        self.club = club
        # Seeded, so every load of the demo tells the same story.
        self.random = random.Random(SEED)
        self.season = consent_rules.season_for(club.today)
        self.secretary = club.granted_by.person
        self.consent_round = None
        self.acceptable_use = None
        self.guardians = {}
        self.answered, self.withdrawn, self.unanswered = [], [], []
        self.request_count = 0

    def build(self):
        children = list(
            consent_selectors.round_children().prefetch_related("team_places__team").order_by("last_name", "pk")
        )
        self.guardians = self.responsible_guardians()
        self.consent_round = self.round_create(children)
        self.acceptable_use = Wording.current(Wording.Kind.ACCEPTABLE_USE)

        younger, elder = self.club.demo_children
        texted, pending, declined = self.random.sample(
            [c for c in children if self.team(c).name == REQUEST_TEAM and c not in self.club.demo_children], 3
        )
        others = [c for c in children if c not in (younger, elder, texted)]
        self.random.shuffle(others)
        unanswered = round(len(children) * UNANSWERED_SHARE) - 1  # the demo parent's younger child is one
        self.unanswered = [younger, *others[:unanswered]]
        self.withdrawn = others[unanswered : unanswered + WITHDRAWALS]
        answered = [texted, *others[unanswered + WITHDRAWALS :]]
        self.answered = [elder, *answered]

        # The demo parent sees both states: the elder answered and agreed, the younger neither yet.
        parent = self.club.demo_parent
        self.record(elder, DEMO_PARENT_ANSWERS, parent)
        self.agree(elder, parent)
        for child in sorted(answered + self.withdrawn, key=lambda c: c.pk):
            answers = self.answers_for(child)
            if child in self.withdrawn:
                answers["photo_social"] = True
            if child == texted:
                answers["contact_text"] = True
            guardian = self.random.choice(self.guardians[child.pk])
            self.record(child, answers, guardian)
            if child.age(self.club.today) >= AGREEMENT_MIN_AGE and self.random.random() < AGREEMENT_SHARE:
                self.agree(child, guardian)
        # Later, the second record: a withdrawal is a new answer, and the given one stays as history.
        for child in self.withdrawn:
            self.record(child, {"photo_social": False}, self.random.choice(self.guardians[child.pk]), in_round=False)

        member = self.club.demo_member
        answers = {**DEMO_PARENT_ANSWERS, "name_published": True, "contact_email": True, "contact_text": True}
        self.record(member, answers, member)  # PPL-2: at 18 they answer for themselves
        consent_services.agreements_record(
            person=member, method=AcceptableUseAgreement.Method.OWN_ACCOUNT, recorded_by=member
        )
        self.requests_create(texted, pending, declined)

    def team(self, child):
        return child.team_places.all()[0].team

    def responsible_guardians(self):
        """{child pk: the guardians who may answer for them (PPL-3)}, in a stable order."""
        by_child = defaultdict(list)
        guardians = (
            Person.objects.filter(
                family_memberships__kind=FamilyMember.Kind.GUARDIAN, family_memberships__parental_responsibility=True
            )
            .select_related("user")
            .distinct()
            .order_by("pk")
        )
        for guardian in guardians:
            for child in guardians_children(guardian):
                by_child[child.pk].append(guardian)
        return by_child

    def round_create(self, children):
        """The season's round for the whole club, as the committee started it when the season opened.

        Made with the model, not consent_round_start(): that emails every guardian once the
        transaction commits, and loading the demo must email no one. The counts are the ones the
        round would report; the demo's guardians without a sign-in account stand for the families
        with no email address, who answer on paper."""
        guardians = {guardian for child in children for guardian in self.guardians[child.pk]}
        emailed = sum(1 for guardian in guardians if guardian.user_id and guardian.user.is_active)
        consent_round = ConsentRound.objects.create(
            season=self.season,
            started_by=self.secretary.user,
            guardians_emailed=emailed,
            guardians_without_email=len(guardians) - emailed,
        )
        opened = timezone.make_aware(datetime(self.season, 3, 1, 19, 0))
        # Backdates an auto_now_add field, which save() would not; ConsentRound keeps no history.
        ConsentRound.objects.filter(pk=consent_round.pk).update(started_at=min(opened, consent_round.started_at))
        return consent_round

    def answers_for(self, child):
        no_photos = self.random.random() < NO_PHOTOS_AT_ALL
        answers = {topic: not no_photos and self.random.random() < yes for topic, yes in PHOTO_YES.items()}
        older = self.team(child).age_group in OLDER_AGE_GROUPS
        for topic in consent_rules.CONTACT_TOPICS:
            answers[topic] = older and self.random.random() < OLDER_CONTACT_YES.get(topic, 0)
        return answers

    def record(self, person, answers, answered_by, *, in_round=True):
        # A guardian without a sign-in account sent the paper form back, and the secretary entered it.
        on_paper = answered_by.user_id is None
        consent_services.consent_answers_record(
            person=person,
            answers=answers,
            answered_by=answered_by,
            recorded_by=self.secretary if on_paper else answered_by,
            method=Consent.Method.PAPER if on_paper else Consent.Method.WEB,
            consent_round=self.consent_round if in_round and not on_paper else None,
        )

    def agree(self, child, guardian):
        """CON-5: the child reads the policy and the statement on the guardian's phone, or signs the
        paper copy."""
        on_paper = guardian.user_id is None
        consent_services.agreements_record(
            person=child,
            method=AcceptableUseAgreement.Method.PAPER if on_paper else AcceptableUseAgreement.Method.GUARDIAN_DEVICE,
            recorded_by=self.secretary if on_paper else guardian,
        )

    def requests_create(self, texted, pending, declined):
        """CON-3: the demo coach's requests, one approved, one waiting and one declined.

        Made with the model, not direct_contact_request_create() and _decide(): those email the
        guardians and the coach once the transaction commits, and loading the demo must email no
        one. Each is a request those services accept: the coach coaches the player's side, the
        player's guardians have email addresses, and the window is in the future and under 31 days.
        """
        now = timezone.now().replace(second=0, microsecond=0)
        morning = timezone.localtime(now).replace(hour=9, minute=0)
        kinds = DirectContactRequest
        # Oldest first: the coach's list shows the newest at the top, the approved one.
        self.request_create(
            declined,
            purpose=kinds.Purpose.TRAVEL,
            channel=kinds.Channel.PHONE,
            details="Lifts to the away match at Formby on Sunday.",
            starts_at=morning + timedelta(days=2),
            days=3,
            status=kinds.Status.DECLINED,
            note="Please ring me instead and I will pass it on.",
        )
        self.request_create(
            pending,
            purpose=kinds.Purpose.PRACTICE_TIMES,
            channel=kinds.Channel.EMAIL,
            details="Practice moves from Tuesday to Wednesday evening next week.",
            starts_at=morning + timedelta(days=1),
            days=6,
        )
        self.request_create(
            texted,
            purpose=kinds.Purpose.KIT,
            channel=kinds.Channel.TEXT,
            details="Kit for Saturday's away match: whites, cap and a water bottle.",
            starts_at=now,
            days=7,
            status=kinds.Status.APPROVED,
        )

    def request_create(self, child, *, purpose, channel, details, starts_at, days, status=None, note=""):
        request = DirectContactRequest.objects.create(
            child=child,
            requested_by=self.club.coach,
            purpose=purpose,
            details=details,
            channel=channel,
            # VOL-4: a call or a text names the club phone the coach holds.
            club_phone=self.club.coach_phone if channel in consent_rules.CLUB_PHONE_CHANNELS else None,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(days=days),
        )
        if status:
            # The same move the guardian's answer makes, so the history shows it pending first.
            request.transition_to(status)
            request.decided_by = self.guardians[child.pk][0]
            request.decided_at = timezone.now()
            request.decision_note = note
            request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        self.request_count += 1

    def summary(self):
        return (
            f"Consents for the {self.season} season: {len(self.answered) + len(self.withdrawn)} children answered, "
            f"{len(self.unanswered)} with none yet, {len(self.withdrawn)} withdrawals; "
            f"{COACH_EMAIL} has {self.request_count} direct-contact requests."
        )
