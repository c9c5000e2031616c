"""X-1, ACC-1 to ACC-4: each figure the portal shows in more than one place comes from the one
selector that owns it, so the home page, the register and the dashboard never disagree."""

import re

from django.urls import reverse

from accounts_registry.models import AccountReview, Appointment, ClubAccount, Custodian
from accounts_registry.selectors import accounts_with_status
from compliance import selectors as compliance_selectors
from people.models import Role, club_today
from tests.conftest import make_person_with_role


def states_on(page):
    """The account state badges a page shows, in order."""
    return re.findall(r'data-testid="account-state">([^<]+)<', page)


def test_acc1_x1_home_register_and_dashboard_give_each_account_the_same_state(signed_in, committee_member):
    keepers = [
        make_person_with_role(Role.Kind.VOLUNTEER, email=f"keeper{n}@example.org", first_name=f"K{n}") for n in range(3)
    ]
    designated = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="dp@example.org")
    juniors = ClubAccount.objects.create(
        kind=ClubAccount.Kind.EMAIL, platform="email", handle="juniors@example.org", purpose="Juniors' fixtures"
    )
    reviewed = ClubAccount.objects.create(platform="instagram", handle="@seftonparkcc", purpose="Match photos")
    for account in (juniors, reviewed):
        for person in keepers:
            Custodian.objects.create(account=account, person=person)
        Appointment.objects.create(account=account, person=designated, minute_reference="AGM 2026/7")
    # Three custodians and a designated person, but never reviewed: the register said "Review due"
    # while the home page, checking only custodians and password changes, said "OK".
    AccountReview.objects.create(
        account=reviewed, reviewed_by=committee_member.user, reviewed_on=club_today(), fit_for_purpose=True
    )

    owned = {str(account): account.state.label for account in accounts_with_status()}
    assert sorted(owned.values()) == ["OK", "Review due"]
    client = signed_in(committee_member)
    home = states_on(client.get(reverse("portal:home")).content.decode())
    register = states_on(client.get(reverse("accounts_registry:register")).content.decode())
    assert sorted(home) == sorted(register) == sorted(owned.values())
    dashboard = compliance_selectors.dashboard()
    assert {str(a): a.state.label for a in dashboard["accounts"]} == owned
