"""factory_boy factories for the register, in one place."""

from datetime import date

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from people.models import Family, FamilyMember, Person, Role, Team, TeamPlayer, TeamStaff, User, club_today

STAFF_PASSWORD = "correct-horse-battery-staple"

# Pages escape an apostrophe ("O'Brien" is "O&#x27;Brien" in the HTML), so a test that looks for a
# generated name in a page would fail only on the runs that happened to draw one. Generated names
# are therefore plain; a test about escaping names the person itself.
ESCAPED_IN_HTML = frozenset("'&<>\"")
_names = Faker("en_GB")


def plain_name(draw):
    def name():
        while ESCAPED_IN_HTML & set(value := draw()):
            pass
        return value

    return name


def years_ago(years, days=0):
    today = club_today()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = date(today.year - years, 3, 1)
    return day.fromordinal(day.toordinal() - days)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", STAFF_PASSWORD)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.LazyFunction(plain_name(_names.first_name))
    last_name = factory.LazyFunction(plain_name(_names.last_name))
    date_of_birth = factory.LazyFunction(lambda: years_ago(40))


class ChildFactory(PersonFactory):
    date_of_birth = factory.LazyFunction(lambda: years_ago(11))
    school = "Greenbank Primary School"


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    person = factory.SubFactory(PersonFactory)
    kind = Role.Kind.VOLUNTEER
    starts_on = factory.LazyFunction(lambda: years_ago(1))


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"The Family {n}")
    address = "1 Test Road, Liverpool"
    postcode = "L17 1AA"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Under 11s side {n}")
    age_group = Team.AgeGroup.U11


class TeamPlayerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamPlayer

    team = factory.SubFactory(TeamFactory)
    person = factory.SubFactory(ChildFactory)


class TeamStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamStaff

    team = factory.SubFactory(TeamFactory)
    person = factory.SubFactory(PersonFactory)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    family = factory.SubFactory(FamilyFactory)
    person = factory.SubFactory(PersonFactory)
    kind = FamilyMember.Kind.GUARDIAN


def confirmed_totp_device(user):
    return TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


class IncidentFactory(factory.django.DjangoModelFactory):
    """A case as the report form leaves it, without its chronology (tests that need the first
    entry report through incidents.services.incident_report)."""

    class Meta:
        model = "incidents.Incident"

    category = "cyberbullying"
    channel = "social_media"
    what_happened = factory.Faker("paragraph", locale="en_GB")
    happened_on = factory.LazyFunction(lambda: club_today())
    people_involved = "Two players on the Under 13s"


def club_phone_held_by(person, *, number="07700 900700", since=None, until=None):
    """VOL-4: a club phone in the register that `person` holds from `since` (a year ago) to `until`."""
    from compliance.models import ClubPhone, PhoneHolding

    phone, _ = ClubPhone.objects.get_or_create(number=number, defaults={"label": f"Juniors phone {number[-3:]}"})
    PhoneHolding.objects.get_or_create(
        phone=phone, person=person, defaults={"starts_on": since or years_ago(1), "ends_on": until}
    )
    return phone
