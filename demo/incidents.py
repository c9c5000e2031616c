"""The demo club's concerns (demo/club.py builds the club): a year of cases across every category
and status, so the welfare officers' queue, a case's chronology and the committee's counts all
have something true-to-life to show.

Rows are made with the models, not the incidents services, because the services alert the welfare
officers once the transaction commits, and loading the demo must email and text no one. Each case
gets the entries the services would have written, dated when they would have happened. One urgent
report waits unseen at the top of the queue, two cases concern the same child (INC-6), and one was
reported by the demo parent, who sees only its status. The demo reply from a young member is left
for the welfare officer to raise as a case (INC-8).
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from incidents.models import CaseEntry, Incident, IncidentSubject
from people.models import Person, User

from .club import DEPUTY_WELFARE_EMAIL, SEED, WELFARE_EMAIL

C, CH, S, OUT = Incident.Category, Incident.Channel, Incident.Status, Incident.Outcome
E, A = CaseEntry.Kind, CaseEntry.Agency


@dataclass
class DemoCase:
    days_ago: int
    category: str
    channel: str
    what_happened: str
    status: str = S.NEW
    priority: int = Incident.Priority.NORMAL
    immediate_risk: bool = False
    relationship: str = Incident.ReporterRelationship.VOLUNTEER
    outcome: str = ""
    # (kind, text, agency) lines after the report, one day apart.
    entries: list = field(default_factory=list)
    subject: str = ""


CASES = [
    DemoCase(
        0,
        C.INAPPROPRIATE_CONTACT,
        CH.GAMING,
        "My son (Under 13s) says a man he plays an online game with has been asking which club he plays for and "
        "what time practice finishes. He asked him to keep their chats secret.",
        priority=Incident.Priority.URGENT,
        immediate_risk=True,
        relationship=Incident.ReporterRelationship.GUARDIAN,
    ),
    DemoCase(
        1,
        C.CYBERBULLYING,
        CH.SOCIAL_MEDIA,
        "Two players set up a group chat called 'U11 Blue minus one' and are posting jokes about the one player "
        "left out. She showed me on her phone after practice and was upset.",
        relationship=Incident.ReporterRelationship.VOLUNTEER,
        subject="younger",
    ),
    DemoCase(
        3,
        C.PHOTO_PRIVACY,
        CH.SOCIAL_MEDIA,
        "A parent posted a video of the whole Under 9s squad on a public account, with the children's first names "
        "in the caption. One of the children has no photo consent.",
        status=S.IN_REVIEW,
        entries=[(E.NOTE, "Asked the parent by phone to take the video down. They agreed straight away.", "")],
    ),
    DemoCase(
        9,
        C.ONLINE_ABUSE_DISCLOSURE,
        CH.TEXT,
        "During the tea interval a player told me that an older relative has been sending him messages that made "
        "him uncomfortable, and showed me one. He asked me not to tell his mum.",
        status=S.REFERRED,
        priority=Incident.Priority.HIGH,
        entries=[
            (
                E.DECISION,
                "This meets the threshold for referral. The player was told, kindly, that it must be passed on.",
                "",
            ),
            (
                E.REFERRAL,
                "Called children's social care (the front door). Gave the player's details and what he said.",
                A.CHILDRENS_SOCIAL_CARE,
            ),
            (E.ACTION, "Told the county safeguarding officer the club had made a referral, as the county asks.", ""),
        ],
    ),
    DemoCase(
        16,
        C.SEXTING,
        CH.SOCIAL_MEDIA,
        "Parents of two Under 15s players have heard that an image is being shared between players of another "
        "club and ours.",
        status=S.REFERRED,
        priority=Incident.Priority.HIGH,
        entries=[
            (E.NOTE, "Spoke to both sets of parents. Nobody has seen the image; nothing was forwarded to anyone.", ""),
            (
                E.REFERRAL,
                "Passed to the police (101) on advice of the county officer; the image may be indecent.",
                A.POLICE,
            ),
        ],
    ),
    DemoCase(
        24,
        C.CYBERBULLYING,
        CH.GAMING,
        "Players from the Under 13s are ganging up on one team-mate in an online game and then talking about it "
        "at practice.",
        status=S.MONITORING,
        entries=[
            (E.ACTION, "Spoke to the players involved, with the coach, about the club's code of conduct.", ""),
            (E.DECISION, "Monitor for four weeks; the coach checks in with the player after each practice.", ""),
        ],
        subject="elder",
    ),
    DemoCase(
        41,
        C.INAPPROPRIATE_CONTACT,
        CH.TEXT,
        "A new volunteer texted a 14-year-old player directly about a lift, without copying anyone in.",
        status=S.CLOSED,
        outcome=OUT.RESOLVED_BY_CLUB,
        entries=[
            (E.NOTE, "Met the volunteer. The message was about a lift and nothing more, but breaks the policy.", ""),
            (E.ACTION, "Volunteer re-read the policy and completed the online safety course.", ""),
            (E.CORRECTION, "The player is 15, not 14.", ""),
        ],
    ),
    DemoCase(
        58,
        C.OTHER,
        CH.FACE_TO_FACE,
        "A spectator at the Under 11s home match was filming the children on his phone and would not say who he "
        "was with.",
        status=S.CLOSED,
        outcome=OUT.NO_FURTHER_ACTION,
        entries=[
            (E.NOTE, "He was the grandfather of a visiting player, filming for the family. Explained our policy.", "")
        ],
    ),
    DemoCase(
        77,
        C.CYBERBULLYING,
        CH.SOCIAL_MEDIA,
        "Comments under the club's post about the Under 15s cup match were mocking one player's bowling.",
        status=S.CLOSED,
        outcome=OUT.RESOLVED_BY_CLUB,
        entries=[(E.ACTION, "The designated person removed the comments and blocked the account.", "")],
        subject="younger",
    ),
    DemoCase(
        96,
        C.PHOTO_PRIVACY,
        CH.EMAIL,
        "The fixture list emailed to Under 9s parents had every family's home address in it.",
        status=S.CLOSED,
        outcome=OUT.NOT_SAFEGUARDING,
        entries=[(E.NOTE, "A committee data error, not a safeguarding matter; passed to the secretary.", "")],
    ),
    DemoCase(
        133,
        C.ONLINE_ABUSE_DISCLOSURE,
        CH.SOCIAL_MEDIA,
        "A former coach from another club has been messaging one of our U17 players on social media.",
        status=S.CLOSED,
        outcome=OUT.AGENCY_LEADS,
        priority=Incident.Priority.HIGH,
        entries=[
            (E.REFERRAL, "Referred to the LADO: the adult works with children at another club.", A.LADO),
            (E.REFERRAL, "Told the ECB safeguarding team, as the governing body asks.", A.NATIONAL_GOVERNING_BODY),
        ],
    ),
    DemoCase(
        200,
        C.CYBERBULLYING,
        CH.TEXT,
        "Nasty texts between two Senior Colts after selection.",
        status=S.CLOSED,
        outcome=OUT.RESOLVED_BY_CLUB,
        entries=[(E.NOTE, "Both players and their parents met the captain and the welfare officer.", "")],
    ),
    DemoCase(
        250,
        C.OTHER,
        CH.OTHER,
        "A parent asked whether a coach's personal social media account should follow players.",
        status=S.CLOSED,
        outcome=OUT.RESOLVED_BY_CLUB,
        entries=[
            (E.ACTION, "The coach unfollowed the players; the committee reminded all volunteers of the policy.", "")
        ],
    ),
    DemoCase(
        310,
        C.SEXTING,
        CH.SOCIAL_MEDIA,
        "Reports of a player being pressured to send a photo by someone she met online.",
        status=S.CLOSED,
        outcome=OUT.AGENCY_LEADS,
        priority=Incident.Priority.URGENT,
        entries=[(E.REFERRAL, "Referred to the police and to children's social care the same evening.", A.POLICE)],
    ),
]


class DemoIncidents:
    def __init__(self, club):
        self.club = club
        self.random = random.Random(SEED + 5)
        self.now = timezone.now()
        self.cases = []

    def build(self):
        welfare = User.objects.get(email=WELFARE_EMAIL)
        deputy = User.objects.get(email=DEPUTY_WELFARE_EMAIL)
        younger, elder = self.club.demo_children
        subjects = {"younger": younger, "elder": elder}
        players = list(Person.objects.filter(team_places__isnull=False).exclude(pk__in=[younger.pk, elder.pk]))
        for index, spec in enumerate(CASES):
            officer = welfare if index % 3 else deputy
            reported_at = self.at(spec.days_ago, hour=19 - index % 5)
            reporter = self.club.demo_parent.user if index == 1 else None
            incident = Incident.objects.create(
                category=spec.category,
                channel=spec.channel,
                what_happened=spec.what_happened,
                happened_on=timezone.localdate(reported_at) - timedelta(days=index % 3),
                people_involved="Named in the welfare officer's notes." if index % 2 else "",
                immediate_risk=spec.immediate_risk,
                priority=spec.priority,
                reporter=reporter,
                reporter_relationship=spec.relationship,
                reported_at=reported_at,
                status=S.NEW,
            )
            self.entry(incident, E.REPORT, "Concern reported through the form.", reporter, reported_at)
            stamp = reported_at
            if spec.status != S.NEW:
                stamp += timedelta(hours=2)
                incident.seen_at, incident.seen_by, incident.assignee = stamp, officer, officer
                self.entry(incident, E.STATUS, "Marked as seen.", officer, stamp)
                self.entry(incident, E.STATUS, "Status changed from new to in review.", officer, stamp)
            person = subjects.get(spec.subject) or (players[self.random.randrange(len(players))] if index > 2 else None)
            if person is not None:
                IncidentSubject.objects.create(
                    incident=incident,
                    person=person,
                    part=IncidentSubject.Part.CHILD_AFFECTED,
                    added_by=officer,
                    added_at=stamp,
                )
            last, referred = None, False
            for step, (kind, text, agency) in enumerate(spec.entries, start=1):
                stamp = reported_at + timedelta(days=step * max(1, spec.days_ago // 8), hours=1)
                stamp = min(stamp, self.now - timedelta(minutes=30))
                last = self.entry(
                    incident, kind, text, officer, stamp, agency=agency, corrects=last if kind == E.CORRECTION else None
                )
                if kind == E.REFERRAL and not referred:
                    referred = True
                    self.entry(incident, E.STATUS, "Status changed from in review to referred.", officer, stamp)
            self.finish(incident, spec, officer, stamp)
            self.cases.append(incident)

    def finish(self, incident, spec, officer, stamp):
        if spec.status == S.MONITORING:
            self.entry(incident, E.STATUS, "Status changed from in review to monitoring.", officer, stamp)
        if spec.status == S.CLOSED:
            stamp = min(stamp + timedelta(days=3), self.now - timedelta(minutes=10))
            incident.outcome, incident.closed_at = spec.outcome, stamp
            self.entry(
                incident,
                E.STATUS,
                f"Closed. Outcome: {OUT(spec.outcome).label}. The welfare officer is satisfied.",
                officer,
                stamp,
            )
        incident.status = spec.status
        incident.save()

    def at(self, days_ago, *, hour):
        day = timezone.localdate(self.now) - timedelta(days=days_ago)
        moment = timezone.make_aware(datetime.combine(day, time(hour, 15)))
        return min(moment, self.now - timedelta(minutes=45))

    @staticmethod
    def entry(incident, kind, text, author, at, *, agency="", corrects=None):
        return CaseEntry.objects.create(
            incident=incident, kind=kind, text=text, author=author, created_at=at, agency=agency, corrects=corrects
        )

    def summary(self):
        open_cases = sum(1 for case in self.cases if case.status != S.CLOSED)
        return (
            f"Concerns: {len(self.cases)} cases over a year, {open_cases} open (one urgent and unseen) for "
            f"{WELFARE_EMAIL} and {DEPUTY_WELFARE_EMAIL}; the demo parent reported one."
        )
