"""The demo club's volunteers against the policy (demo/club.py builds the club): most have
acknowledged the current version, most have current safeguarding training and DBS checks, and a
few have not, at the edges a committee would meet (expired last month, running out this month,
never recorded). Two club phones are held by coaches; one is spare.

Rows are made with the models: loading the demo must email no one.
"""

from datetime import timedelta

from compliance.models import ClubPhone, CriminalRecordsCheck, PhoneHolding, PolicyAcknowledgement, PolicyVersion
from compliance.rules import NEEDS_CHECK, WORKS_WITH_CHILDREN
from compliance.selectors import training_and_checks, volunteers_without_acknowledgement
from people.models import Person, Role, TrainingRecord, User

from .club import COMMITTEE_EMAIL

YEAR = timedelta(days=365)


class DemoCompliance:
    def __init__(self, club):
        self.club = club
        self.today = club.today
        self.gaps = []

    def build(self):
        committee = User.objects.get(email=COMMITTEE_EMAIL)
        policy = PolicyVersion.current()
        staff = list(
            Person.objects.holding(*WORKS_WITH_CHILDREN, Role.Kind.COMMITTEE).order_by("last_name", "first_name", "pk")
        )
        needs_check = set(Person.objects.holding(*NEEDS_CHECK).values_list("pk", flat=True))
        working = set(Person.objects.holding(*WORKS_WITH_CHILDREN).values_list("pk", flat=True))
        for index, person in enumerate(staff):
            if policy is not None and index % 7 != 3:
                PolicyAcknowledgement.objects.create(
                    version=policy, person=person, declares_no_friending=True, declares_no_private_messages=True
                )
            if person.pk not in working:
                continue
            # Safeguarding training: mostly current; one expired a month ago, one running out in a
            # fortnight, one never recorded.
            expires = {5: self.today - timedelta(days=30), 9: self.today + timedelta(days=14)}.get(
                index, self.today + YEAR + timedelta(days=index * 11)
            )
            if index != 12:
                TrainingRecord.objects.create(
                    person=person,
                    kind=TrainingRecord.Kind.SAFEGUARDING,
                    completed_on=expires - 3 * YEAR,
                    expires_on=expires,
                    provider="ECB Safeguarding Young People in Cricket",
                    recorded_by=committee,
                )
            if person.pk in needs_check and index not in (7, 15):
                renew_by = self.today - timedelta(days=5) if index == 10 else self.today + YEAR + timedelta(days=index)
                CriminalRecordsCheck.objects.create(
                    person=person,
                    checked_on=renew_by - 3 * YEAR,
                    renew_by=renew_by,
                    certificate_reference=f"0012{index:08d}",
                    recorded_by=committee,
                )

    def phones(self):
        """VOL-4: the club phones register, made first: the coach's texts and calls, and the
        fixture's emergency number, name the phone the coach holds."""
        holders = [self.club.coach, *Person.objects.holding(Role.Kind.VOLUNTEER).exclude(pk=self.club.coach.pk)[:1]]
        numbers = ["07700 900501", "07700 900502", "07700 900503"]
        for index, number in enumerate(numbers):
            phone = ClubPhone.objects.create(label=f"Juniors phone {index + 1}", number=number)
            if index < len(holders):
                PhoneHolding.objects.create(phone=phone, person=holders[index], starts_on=self.today - YEAR)
            if index == 0:
                self.club.coach_phone = phone

    def summary(self):
        gaps = sum(1 for row in training_and_checks(self.today) if not row["ok"])
        waiting = volunteers_without_acknowledgement(self.today).count()
        return (
            f"Policy and checks: {waiting} volunteers yet to acknowledge the policy, {gaps} with training or a "
            f"DBS check missing or expired; three club phones, two held."
        )
