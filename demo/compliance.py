"""The demo club's volunteers against the policy (demo/club.py builds the club): most have
acknowledged the current version, most have current safeguarding training and DBS checks, and a
few have not, at the edges a committee would meet (expired last month, running out this month,
never recorded). Two club phones are held by coaches; one is spare.

Everything goes through the compliance services, as the committee would record it; none of them
emails anyone, and loading the demo must email no one.
"""

from datetime import timedelta

from compliance import services
from compliance.models import PolicyVersion
from compliance.rules import NEEDS_CHECK, WORKS_WITH_CHILDREN
from compliance.selectors import training_and_checks, volunteers_without_acknowledgement
from people.models import Person, Role, TrainingRecord

YEAR = timedelta(days=365)


class DemoCompliance:
    def __init__(self, club):
        self.club = club
        self.today = club.today
        self.gaps = []

    def build(self):
        secretary = self.club.secretary
        policy = PolicyVersion.current()
        staff = list(
            Person.objects.holding(*WORKS_WITH_CHILDREN, Role.Kind.COMMITTEE).order_by("last_name", "first_name", "pk")
        )
        needs_check = set(Person.objects.holding(*NEEDS_CHECK).values_list("pk", flat=True))
        working = set(Person.objects.holding(*WORKS_WITH_CHILDREN).values_list("pk", flat=True))
        for index, person in enumerate(staff):
            if policy is not None and index % 7 != 3:
                services.policy_acknowledge(
                    person=person, version=policy, declares_no_friending=True, declares_no_private_messages=True
                )
            if person.pk not in working:
                continue
            # Safeguarding training: mostly current; one expired a month ago, one running out in a
            # fortnight, one never recorded.
            expires = {5: self.today - timedelta(days=30), 9: self.today + timedelta(days=14)}.get(
                index, self.today + YEAR + timedelta(days=index * 11)
            )
            if index != 12:
                services.training_record_add(
                    person=person,
                    kind=TrainingRecord.Kind.SAFEGUARDING,
                    completed_on=expires - 3 * YEAR,
                    expires_on=expires,
                    provider="ECB Safeguarding Young People in Cricket",
                    by=secretary,
                )
            if person.pk in needs_check and index not in (7, 15):
                renew_by = self.today - timedelta(days=5) if index == 10 else self.today + YEAR + timedelta(days=index)
                services.criminal_records_check_add(
                    person=person,
                    checked_on=renew_by - 3 * YEAR,
                    renew_by=renew_by,
                    certificate_reference=f"0012{index:08d}",
                    by=secretary,
                )

    def phones(self):
        """VOL-4: the club phones register, made first: the coach's texts and calls, and the
        fixture's emergency number, name the phone the coach holds."""
        holders = [self.club.coach, *Person.objects.holding(Role.Kind.VOLUNTEER).exclude(pk=self.club.coach.pk)[:1]]
        numbers = ["07700 900501", "07700 900502", "07700 900503"]
        for index, number in enumerate(numbers):
            phone = services.club_phone_add(label=f"Juniors phone {index + 1}", number=number, by=self.club.secretary)
            if index < len(holders):
                services.phone_holding_start(
                    phone=phone, person=holders[index], starts_on=self.today - YEAR, by=self.club.secretary
                )
            if index == 0:
                self.club.coach_phone = phone

    def summary(self):
        gaps = sum(1 for row in training_and_checks(self.today) if not row["ok"])
        waiting = volunteers_without_acknowledgement(self.today).count()
        return (
            f"Policy and checks: {waiting} volunteers yet to acknowledge the policy, {gaps} with training or a "
            f"DBS check missing or expired; three club phones, two held."
        )
