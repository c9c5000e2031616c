"""The club phones in the committee's admin (VOL-4): a phone is handed to someone through the
same check and service as everywhere else, with the history naming who did it."""

import pytest
from django.urls import reverse

from compliance import services
from compliance.models import PhoneHolding
from people.models import club_today

pytestmark = pytest.mark.django_db


def phone_form(phone, *, holders=()):
    """The phone's change form with its saved holdings as they are, then a new holding for each
    of `holders`."""
    saved = list(phone.holdings.order_by("pk"))
    data = {
        "label": phone.label,
        "number": phone.number,
        "in_service": "on",
        "holdings-TOTAL_FORMS": str(len(saved) + len(holders)),
        "holdings-INITIAL_FORMS": str(len(saved)),
    }
    for index, holding in enumerate(saved):
        data.update({f"holdings-{index}-id": holding.pk, f"holdings-{index}-phone": phone.pk})
        data.update({f"holdings-{index}-person": holding.person_id})
        data[f"holdings-{index}-starts_on"] = holding.starts_on.isoformat()
    for index, person in enumerate(holders, start=len(saved)):
        data.update({f"holdings-{index}-phone": phone.pk, f"holdings-{index}-person": person.pk})
        data[f"holdings-{index}-starts_on"] = club_today().isoformat()
    return data


def test_vol4_the_admin_hands_a_phone_only_to_someone_with_a_staff_role_as_the_service_does(
    signed_in, committee_member, volunteer, guardian
):
    phone = services.club_phone_add(label="Juniors phone 1", number="07700 900555", by=committee_member)
    client = signed_in(committee_member)
    url = reverse("admin:compliance_clubphone_change", args=[phone.pk])
    refused = client.post(url, phone_form(phone, holders=[guardian]))
    assert refused.status_code == 200
    assert "holds no staff or volunteer role, so cannot hold a club phone. (VOL-4)" in refused.content.decode()
    assert not PhoneHolding.objects.exists()

    accepted = client.post(url, phone_form(phone, holders=[volunteer]))
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    holding = PhoneHolding.objects.get()
    assert (holding.phone, holding.person, holding.ends_on) == (phone, volunteer, None)
    assert holding.history.get().history_user == committee_member.user


def test_vol4_a_saved_holding_keeps_its_holder_so_the_phone_changes_hands_only_through_the_check(
    signed_in, committee_member, volunteer, guardian
):
    phone = services.club_phone_add(label="Juniors phone 1", number="07700 900555", by=committee_member)
    holding = services.phone_holding_start(phone=phone, person=volunteer, by=committee_member)
    data = phone_form(phone)
    data["holdings-0-person"] = guardian.pk
    response = signed_in(committee_member).post(reverse("admin:compliance_clubphone_change", args=[phone.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PhoneHolding.objects.get(pk=holding.pk).person == volunteer
