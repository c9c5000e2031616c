"""The demo club's social media accounts and email addresses (demo/club.py builds the club): a
register a committee would recognise, with one account deliberately below three custodians, one
password change overdue, one review due, the designated person's training, advice asked and
answered, and a post the supervisor removed.

The register, its custodians, reviews, appointments and the training go through the services, as
the committee would record them. What the services would email about once the transaction commits
is made with the models instead, since loading the demo must email no one: the account below three
(the committee's alert, ACC-2), the advice (the welfare officers and the asker, ACC-5) and the
removed post (its notices, ACC-6). The custodian who left a month ago, and the password change
that fell due that day, are made with the models too: custodians_change() records a change today.
"""

from datetime import timedelta

from django.utils import timezone

from accounts_registry import rules as account_rules
from accounts_registry import services as account_services
from accounts_registry.models import AdviceRequest, Custodian, ModerationRecord, PasswordRotation
from compliance import services as compliance_services
from people.models import Person, Role, TrainingRecord, User
from sefton_safety.history import history_by

from .club import COMMITTEE_EMAIL, DESIGNATED_EMAIL, SUPERVISOR_EMAIL, WELFARE_EMAIL

ACCOUNTS = [
    # platform, handle, address, purpose, custodians, days since review
    (
        "facebook",
        "Sefton Park Cricket Club",
        "https://facebook.com/seftonparkcc",
        "Club news, fixtures and results",
        3,
        120,
    ),
    (
        "instagram",
        "@seftonparkcc",
        "https://instagram.com/seftonparkcc",
        "Match photos (with consent) and club events",
        3,
        200,
    ),
    ("x", "@SeftonParkCC", "https://x.com/SeftonParkCC", "Live scores on match days", 2, 300),
    (
        "email",
        "juniors@seftonparkcc.example.org",
        "juniors@seftonparkcc.example.org",
        "Junior section enquiries from parents",
        3,
        400,
    ),
]


class DemoAccounts:
    def __init__(self, club):
        self.club = club
        self.today = club.today
        self.accounts = []

    def build(self):
        committee = User.objects.get(email=COMMITTEE_EMAIL)
        designated = Person.objects.get(user__email=DESIGNATED_EMAIL)
        supervisor = Person.objects.get(user__email=SUPERVISOR_EMAIL)
        welfare = Person.objects.get(user__email=WELFARE_EMAIL)
        helpers = list(
            Person.objects.holding(Role.Kind.VOLUNTEER).exclude(pk=self.club.coach.pk).order_by("last_name", "pk")[:9]
        )
        keepers = [designated, supervisor, self.club.coach, *helpers]
        secretary = self.club.secretary
        compliance_services.training_record_add(
            person=designated,
            kind=TrainingRecord.Kind.ONLINE_SAFETY,
            completed_on=self.today - timedelta(days=200),
            expires_on=self.today - timedelta(days=200) + timedelta(days=3 * 365),
            provider="ECB Safeguarding: online safety module",
            by=secretary,
        )
        since = self.today - timedelta(days=700)
        for index, (platform, handle, address, purpose, holders, reviewed_days) in enumerate(ACCOUNTS):
            account = account_services.account_create(
                platform=platform, handle=handle, address=address, purpose=purpose, by=secretary
            )
            custodians = keepers[index : index + holders]
            if len(custodians) >= account_rules.MIN_CUSTODIANS:
                account_services.account_created(account=account, by=secretary, custodians=custodians, since=since)
            else:
                # account_created() would alert the committee by email at commit (ACC-2).
                for person in custodians:
                    Custodian.objects.create(account=account, person=person, since=since, added_by=committee)
            account_services.review_record(
                account=account,
                by=secretary,
                fit_for_purpose=True,
                note="Checked at the committee meeting.",
                reviewed_on=self.today - timedelta(days=reviewed_days),
            )
            account_services.appointment_make(
                account=account,
                person=designated,
                minute_reference=f"Committee {self.today.year - 2}/{11 + index}",
                appointed_on=self.today - timedelta(days=600),
                by=secretary,
            )
            self.accounts.append(account)
        self.overdue_rotation(self.accounts[1], keepers, committee)
        self.advice(self.accounts[1], designated, welfare)
        self.removed_post(self.accounts[0], supervisor, keepers)

    def overdue_rotation(self, account, keepers, committee):
        """A custodian left a month ago; a replacement was named the same day, but the password
        has not been changed since: overdue (ACC-3)."""
        leaving = account.custodians.order_by("pk").first()
        leaving.ended_on, leaving.ended_by = self.today - timedelta(days=30), committee
        leaving.end_reason = "Stepped down from the club."
        history_by(leaving, committee)
        leaving.save(update_fields=["ended_on", "ended_by", "end_reason"])
        Custodian.objects.create(
            account=account, person=keepers[-1], since=self.today - timedelta(days=30), added_by=committee
        )
        PasswordRotation.objects.create(
            account=account,
            due_since=self.today - timedelta(days=30),
            reason=f"{leaving.person.full_name} no longer holds the password.",
        )

    def advice(self, account, designated, welfare):
        asked = timezone.now() - timedelta(days=20)
        AdviceRequest.objects.create(
            account=account,
            asked_by=designated,
            question="A parent sent us a great photo of the Under 13s. May we post it if we only use first names?",
            asked_at=asked,
            answer="Only if every child in it has photo consent for social media. Check the team sheet first, "
            "and leave names off altogether for the under 11s.",
            answered_by=welfare,
            answered_at=asked + timedelta(hours=5),
        )
        AdviceRequest.objects.create(
            account=account,
            asked_by=designated,
            question="Should we turn off comments on posts about junior matches?",
            asked_at=timezone.now() - timedelta(days=2),
        )

    def removed_post(self, account, supervisor, keepers):
        record = ModerationRecord.objects.create(
            account=account,
            recorded_by=supervisor,
            removed_at=timezone.now() - timedelta(days=9),
            author_description="A spectator from a visiting club",
            removed_content="A comment under the Under 15s match report mocking a young bowler by name.",
            reason="It made fun of a young player. Comments about players must be kind and respectful.",
            notices_sent_at=timezone.now() - timedelta(days=9),
        )
        record.affected.set([keepers[3]])

    def summary(self):
        return (
            f"Club accounts: {len(self.accounts)} in the register ({ACCOUNTS[2][1]} has only two custodians, "
            f"{ACCOUNTS[1][1]} has a password change overdue); one removed post, two requests for advice."
        )
