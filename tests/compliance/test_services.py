"""The committee's records for the policy through the services: training and DBS checks (VOL-3),
club phones and who holds them (VOL-4), each with its history (X-2)."""

from datetime import timedelta

import pytest

from compliance import services
from compliance.exceptions import PhoneError, RecordsError
from compliance.models import ClubPhone, CriminalRecordsCheck, PhoneHolding
from people.models import TrainingRecord, club_today
from tests import factories

pytestmark = pytest.mark.django_db
YEAR = timedelta(days=365)


def test_vol3_training_is_recorded_with_its_expiry_and_who_recorded_it(committee_member, volunteer):
    today = club_today()
    record = services.training_record_add(
        person=volunteer,
        kind=TrainingRecord.Kind.SAFEGUARDING,
        completed_on=today - YEAR,
        expires_on=today + 2 * YEAR,
        provider=" ECB Safeguarding Young People in Cricket ",
        by=committee_member,
    )
    assert record.is_current(today) and record.provider == "ECB Safeguarding Young People in Cricket"
    assert record.recorded_by == committee_member.user
    assert [(h.history_type, h.history_user) for h in record.history.all()] == [("+", committee_member.user)]
    # Side by side: a course still to come, or one running out before it was done, is refused.
    with pytest.raises(RecordsError, match="day still to come"):
        services.training_record_add(
            person=volunteer,
            kind=TrainingRecord.Kind.SAFEGUARDING,
            completed_on=today + timedelta(days=1),
            expires_on=today + YEAR,
            by=committee_member,
        )
    with pytest.raises(RecordsError, match="runs out after the day it was done"):
        services.training_record_add(
            person=volunteer,
            kind=TrainingRecord.Kind.ONLINE_SAFETY,
            completed_on=today,
            expires_on=today,
            by=committee_member,
        )
    assert TrainingRecord.objects.count() == 1


def test_vol3_a_dbs_check_keeps_its_dates_and_certificate_number_only(committee_member, volunteer):
    today = club_today()
    check = services.criminal_records_check_add(
        person=volunteer,
        checked_on=today - YEAR,
        renew_by=today + 2 * YEAR,
        certificate_reference="001200000042",
        by=committee_member,
    )
    assert (check.renew_by, check.recorded_by) == (today + 2 * YEAR, committee_member.user)
    with pytest.raises(RecordsError, match="runs out after"):
        services.criminal_records_check_add(
            person=volunteer, checked_on=today - YEAR, renew_by=today - 2 * YEAR, by=committee_member
        )
    assert list(CriminalRecordsCheck.objects.all()) == [check]


def test_vol4_a_club_phone_is_nobodys_own_number_and_is_registered_once(committee_member, volunteer):
    volunteer.mobile = "07700 900111"
    volunteer.save()
    phone = services.club_phone_add(label="Juniors phone 1", number=" 07700 900501 ", by=committee_member)
    assert phone.number == "07700 900501"
    assert [(h.history_type, h.history_user) for h in phone.history.all()] == [("+", committee_member.user)]
    with pytest.raises(PhoneError, match="already in the club phones register"):
        services.club_phone_add(label="Juniors phone 2", number="07700 900501", by=committee_member)
    with pytest.raises(PhoneError, match="someone's own mobile"):
        services.club_phone_add(label="Juniors phone 2", number="07700 900111", by=committee_member)
    assert list(ClubPhone.objects.all()) == [phone]


def test_vol4_a_club_phone_has_one_holder_at_a_time_and_only_a_volunteer_holds_one(
    committee_member, volunteer, guardian
):
    phone = services.club_phone_add(label="Juniors phone 1", number="07700 900501", by=committee_member)
    since = club_today() - YEAR
    holding = services.phone_holding_start(phone=phone, person=volunteer, starts_on=since, by=committee_member)
    assert (holding.person, holding.starts_on, holding.ends_on) == (volunteer, since, None)
    assert holding.history.get().history_user == committee_member.user
    other = factories.PersonFactory()
    with pytest.raises(PhoneError, match="holds Juniors phone 1"):
        services.phone_holding_start(phone=phone, person=committee_member, by=committee_member)
    spare = services.club_phone_add(label="Juniors phone 2", number="07700 900502", by=committee_member)
    for person in (guardian, other):
        with pytest.raises(PhoneError, match="holds no staff or volunteer role"):
            services.phone_holding_start(phone=spare, person=person, by=committee_member)
    assert list(PhoneHolding.objects.values_list("phone", "person")) == [(phone.pk, volunteer.pk)]
