"""The register of club accounts in the admin: the committee's admin goes through the same checks
as the register pages (ACC-2, ACC-4)."""

from django.urls import reverse

from accounts_registry import services
from accounts_registry.models import Appointment
from people.models import Role, club_today
from tests.conftest import make_person_with_role


def _change_form(account, appointments=()):
    """The account's change form with its current custodians and appointments untouched, and the
    given new appointment rows, as (person, minute reference)."""
    custodians = list(account.custodians.current().order_by("pk"))
    current = list(account.appointments.order_by("pk"))
    data = {
        "kind": account.kind,
        "platform": account.platform,
        "handle": account.handle,
        "address": account.address,
        "purpose": account.purpose,
        "listed_publicly": "on",
        "custodians-TOTAL_FORMS": str(len(custodians)),
        "custodians-INITIAL_FORMS": str(len(custodians)),
        "custodians-MIN_NUM_FORMS": "0",
        "custodians-MAX_NUM_FORMS": "1000",
        "appointments-TOTAL_FORMS": str(len(current) + len(appointments)),
        "appointments-INITIAL_FORMS": str(len(current)),
        "appointments-MIN_NUM_FORMS": "0",
        "appointments-MAX_NUM_FORMS": "1000",
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": "0",
    }
    for index, custodian in enumerate(custodians):
        data[f"custodians-{index}-id"] = str(custodian.pk)
        data[f"custodians-{index}-account"] = str(account.pk)
        data[f"custodians-{index}-person"] = str(custodian.person_id)
        data[f"custodians-{index}-since"] = custodian.since.isoformat()
    for index, appointment in enumerate(current):
        data[f"appointments-{index}-id"] = str(appointment.pk)
        data[f"appointments-{index}-account"] = str(account.pk)
        data[f"appointments-{index}-person"] = str(appointment.person_id)
        data[f"appointments-{index}-appointed_on"] = appointment.appointed_on.isoformat()
        data[f"appointments-{index}-minute_reference"] = appointment.minute_reference
    for index, (person, minute) in enumerate(appointments, start=len(current)):
        data[f"appointments-{index}-account"] = str(account.pk)
        data[f"appointments-{index}-person"] = str(person.pk)
        data[f"appointments-{index}-appointed_on"] = club_today().isoformat()
        data[f"appointments-{index}-minute_reference"] = minute
    return data


def test_acc4_the_admin_appoints_only_a_designated_person_as_the_service_does(
    signed_in, committee_member, instagram, volunteer, designated
):
    client = signed_in(committee_member)
    url = reverse("admin:accounts_registry_clubaccount_change", args=[instagram.pk])
    refused = client.post(url, _change_form(instagram, [(volunteer, "Committee 2026/14")]))
    assert refused.status_code == 200
    assert "is not a designated person: grant the role first" in refused.content.decode()
    assert not Appointment.objects.exists()
    accepted = client.post(url, _change_form(instagram, [(designated, "Committee 2026/14")]))
    assert accepted.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.person, appointment.appointed_by) == (designated, committee_member.user)


def test_acc4_a_new_appointment_in_the_admin_ends_the_one_before_it(signed_in, committee_member, instagram, designated):
    services.appointment_make(account=instagram, person=designated, minute_reference="M1", by=committee_member.user)
    successor = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="next@example.org", first_name="Nia")
    client = signed_in(committee_member)
    url = reverse("admin:accounts_registry_clubaccount_change", args=[instagram.pk])
    current = Appointment.objects.get()
    data = _change_form(instagram, [(successor, "AGM 2027/3")])
    assert client.post(url, data).status_code == 302
    assert Appointment.objects.get(ended_on__isnull=True).person == successor
    current.refresh_from_db()
    assert current.ended_on == club_today()
