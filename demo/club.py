"""The fictional demo club that `make run` serves: its register, built through the people services
(its season of consents is in demo/consents.py).

Every name, address and number is invented: emails on example.org, mobiles in Ofcom's drama range
07700 900000-900999, landlines in Liverpool's drama range 0151 496 0000-0999.
"""

import itertools
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from people import role_grants, services
from people.models import FOUR_EYES_ROLE_KINDS, FamilyMember, Person, Role, Team, TeamStaff

# Published on purpose: it opens only the fictional demo club, which refuses to load elsewhere.
DEMO_PASSWORD = "sefton-park-demo"  # noqa: S105

COMMITTEE_EMAIL = "committee@example.org"
WELFARE_EMAIL = "welfare@example.org"
DEPUTY_WELFARE_EMAIL = "deputy.welfare@example.org"
DESIGNATED_EMAIL = "designated@example.org"
SUPERVISOR_EMAIL = "supervisor@example.org"
COACH_EMAIL = "coach@example.org"
PARENT_EMAIL = "parent@example.org"
MEMBER_EMAIL = "member@example.org"

# Fixed keys, so an authenticator app set up once keeps working after the database is rebuilt.
TOTP_DEVICE_NAME = "Demo authenticator"
TOTP_KEYS = {
    COMMITTEE_EMAIL: "d88e2c1390e3dd863eeb47fbf5b178fff456ebef",
    WELFARE_EMAIL: "137c6721ebbc038b25049e34345250f7c7d57185",
    DEPUTY_WELFARE_EMAIL: "47ae478750d5298ce9e7432aef2ca5433d53b140",
}

SEED = 1872  # the year Sefton Park opened


@dataclass(frozen=True)
class DemoLogin:
    email: str
    description: str
    password: bool


DEMO_LOGINS = (
    DemoLogin(COMMITTEE_EMAIL, "Committee member, club secretary", password=True),
    DemoLogin(WELFARE_EMAIL, "Lead welfare officer", password=True),
    DemoLogin(DEPUTY_WELFARE_EMAIL, "Deputy welfare officer", password=True),
    DemoLogin(DESIGNATED_EMAIL, "Designated person (online presence)", password=True),
    DemoLogin(SUPERVISOR_EMAIL, "Designated supervisor (moderator)", password=True),
    DemoLogin(COACH_EMAIL, "Volunteer, coach of Under 11s Blue", password=True),
    DemoLogin(PARENT_EMAIL, "Parent of two young members", password=False),
    DemoLogin(MEMBER_EMAIL, "Young member aged 18, Senior Colts", password=False),
)


@dataclass(frozen=True)
class TeamSpec:
    name: str
    age_group: str
    ages: tuple[int, int]
    players: int


TEAMS = (
    TeamSpec("Under 9s", Team.AgeGroup.U9, (7, 8), 24),
    TeamSpec("Under 11s Blue", Team.AgeGroup.U11, (9, 10), 22),
    TeamSpec("Under 11s Green", Team.AgeGroup.U11, (9, 10), 22),
    TeamSpec("Under 13s", Team.AgeGroup.U13, (11, 12), 28),
    TeamSpec("Under 15s", Team.AgeGroup.U15, (13, 14), 24),
    TeamSpec("Under 17s", Team.AgeGroup.U17, (15, 16), 22),
    # The 17-year-olds are the children; the 18-year-olds play here too but are adults (PPL-2).
    TeamSpec("Senior Colts", Team.AgeGroup.U19, (17, 17), 8),
)
VOLUNTEER_COUNT = 30
PRIMARY_SCHOOLS = ("Greenbank Primary School", "Lark Lane Primary School", "Palm House Primary School")
HIGH_SCHOOLS = ("Aigburth High School", "Cressington Vale Academy", "Mersey Bank High School")
NEIGHBOURHOODS = (("L17", "Aigburth"), ("L17", "Sefton Park"), ("L18", "Mossley Hill"), ("L8", "Toxteth"))
STREET_KINDS = ("Road", "Street", "Avenue", "Grove", "Close", "Lane", "Drive", "Crescent", "Terrace")
# Royal Mail never uses these letters in the inward part of a postcode.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
COMMITTEE_POSTS = ("Chair", "Treasurer", "Fixtures secretary", "Membership secretary")


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


def _slug(name):
    return re.sub(r"[^a-z]", "", name.lower())


class DemoClub:
    """Builds the club through the register's services, in an order that mirrors real life: the
    secretary first, who then grants everyone else's roles."""

    def __init__(self, today):
        self.today = today
        self.random = random.Random(SEED)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(SEED)
        self.season_start = date(today.year if today >= date(today.year, 4, 1) else today.year - 1, 4, 1)
        self.last_agm = date(self.season_start.year - 1, 11, 20)
        self.mobile_numbers = iter(self.random.sample(range(1000), 1000))
        self.landline_numbers = iter(self.random.sample(range(1000), 1000))
        self.email_numbers = itertools.count(1)
        # Django's hasher takes most of a second per account; one shared hash keeps `make run`
        # quick, and a shared salt protects nothing that matters for a published password.
        self.password_hash = make_password(DEMO_PASSWORD)
        # The secretary keeps the register: every grant, side, place and family is hers.
        self.secretary = None
        self.granted_by = None
        # The second pair of eyes on committee and welfare grants: the chair, once appointed.
        self.confirmed_by = None
        self.teams = {}
        self.volunteers = []
        self.guardian_volunteers = []
        self.former_chair = None
        self.family_count = 0
        self.guardian_count = 0
        self.coach = None
        self.coach_phone = None
        self.demo_parent = None
        self.demo_children = ()
        self.demo_member = None

    # Fictional details ------------------------------------------------------------------------

    def season(self, years_back):
        return self.season_start.replace(year=self.season_start.year - years_back)

    def mobile(self):
        return f"07700 900{next(self.mobile_numbers):03d}"

    def email(self, first_name, last_name):
        return f"{_slug(first_name)}.{_slug(last_name)}.{next(self.email_numbers)}@example.org"

    def address(self):
        outward, area = self.random.choice(NEIGHBOURHOODS)
        inward = f"{self.random.randint(1, 9)}{''.join(self.random.choices(INWARD_LETTERS, k=2))}"
        street = f"{self.random.randint(1, 180)} {self.fake.last_name()} {self.random.choice(STREET_KINDS)}"
        return f"{street}\n{area}\nLiverpool", f"{outward} {inward}"

    def birth_date(self, age):
        """A date of birth that makes someone exactly `age` today."""
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + timedelta(days=1)
        return earliest + timedelta(days=self.random.randint(0, (latest - earliest).days))

    def first_name(self, sex):
        return self.fake.first_name_female() if sex == "F" else self.fake.first_name_male()

    # Register writes --------------------------------------------------------------------------

    def grant(self, person, kind, *, starts_on=None, note="", confirmed=True):
        return role_grants.role_grant(
            person=person,
            kind=kind,
            granted_by=self.granted_by,
            starts_on=starts_on or self.season(1),
            note=note,
            confirmed_by=self.confirmed_by if confirmed and kind in FOUR_EYES_ROLE_KINDS else None,
        )

    def adult(self, first_name, last_name, *, email=None, address=False, date_of_birth=None):
        home, postcode = self.address() if address else ("", "")
        return services.person_create(
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            email=email or self.email(first_name, last_name),
            mobile=self.mobile(),
            address=home,
            postcode=postcode,
        )

    def staff_login(self, person):
        user = services.person_login_create(person=person)
        user.password = self.password_hash
        user.save(update_fields=["password"])
        return user

    def staff_member(self, first_name, last_name, kind, *, email=None, note="", years=3, starts_on=None):
        person = self.adult(first_name, last_name, email=email, address=True)
        self.grant(person, kind, starts_on=starts_on or self.season(years), note=note)
        user = self.staff_login(person)
        if user.email in TOTP_KEYS:
            TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=TOTP_KEYS[user.email], confirmed=True)
        return person

    def child(self, family, last_name, team, age, *, first_name=None, sex=None, joined=None):
        sex = sex or self.random.choice("FM")
        school = ""
        if self.random.random() < 0.6:
            school = self.random.choice(PRIMARY_SCHOOLS if age < 11 else HIGH_SCHOOLS)
        # PPL-4: no email and no mobile of the child's own; the club reaches them through guardians.
        person = services.person_create(
            first_name=first_name or self.first_name(sex),
            last_name=last_name,
            date_of_birth=self.birth_date(age),
            school=school,
        )
        self.grant(person, Role.Kind.CHILD, starts_on=joined)
        relationship = "Daughter" if sex == "F" else "Son"
        services.family_member_add(
            family=family, person=person, kind=FamilyMember.Kind.CHILD, relationship=relationship
        )
        services.team_player_add(team=self.teams[team], person=person, joined_on=self.season_start, by=self.secretary)
        return person

    def guardian(self, family, person, relationship, *, responsibility=True, joined=None, login="link"):
        self.grant(person, Role.Kind.GUARDIAN, starts_on=joined)
        services.family_member_add(
            family=family,
            person=person,
            kind=FamilyMember.Kind.GUARDIAN,
            relationship=relationship,
            parental_responsibility=responsibility,
        )
        if login == "link":
            services.person_login_create(person=person)
        elif login == "password":
            self.staff_login(person)
        self.guardian_count += 1
        return person

    def family(self, surname):
        home, postcode = self.address()
        home_phone = f"0151 496 0{next(self.landline_numbers):03d}" if self.random.random() < 0.3 else ""
        self.family_count += 1
        return services.family_create(
            name=f"The {surname} family", address=home, postcode=postcode, home_phone=home_phone, by=self.secretary
        )

    # The club -------------------------------------------------------------------------------

    def build(self):
        secretary = self.staff_member("Helen", "Ashworth", Role.Kind.COMMITTEE, email=COMMITTEE_EMAIL, note="Secretary")
        self.secretary, self.granted_by = secretary, secretary.user
        for post in COMMITTEE_POSTS:
            # The chair took over from the former chair (see build_role_history) at the last AGM.
            starts_on = self.last_agm if post == "Chair" else None
            name = self.first_name(self.random.choice("FM")), self.fake.last_name()
            member = self.staff_member(*name, Role.Kind.COMMITTEE, note=post, starts_on=starts_on)
            # The secretary and the chair were the register's first officers, with nobody else to
            # confirm them; the chair confirms the secretary's later grants.
            self.confirmed_by = self.confirmed_by or member.user
        self.staff_member("Priya", "Raman", Role.Kind.WELFARE_OFFICER, email=WELFARE_EMAIL, years=4)
        self.staff_member("Tom", "Gallagher", Role.Kind.DEPUTY_WELFARE_OFFICER, email=DEPUTY_WELFARE_EMAIL, years=2)
        self.staff_member("Aisha", "Okonkwo", Role.Kind.DESIGNATED_PERSON, email=DESIGNATED_EMAIL)
        self.staff_member("Gareth", "Pryce", Role.Kind.DESIGNATED_SUPERVISOR, email=SUPERVISOR_EMAIL)

        for spec in TEAMS:
            self.teams[spec.name] = services.team_create(name=spec.name, age_group=spec.age_group, by=secretary)
        coach = self.staff_member("Dan", "Kavanagh", Role.Kind.VOLUNTEER, email=COACH_EMAIL, years=5)
        self.coach = coach
        self.volunteers.append(coach)
        services.team_staff_add(
            team=self.teams["Under 11s Blue"], person=coach, kind=TeamStaff.Kind.COACH, by=secretary
        )

        placed = self.build_demo_parent_and_member()
        self.build_families(placed)
        self.build_volunteers()
        self.build_role_history()

    def build_demo_parent_and_member(self):
        """The fixed parent, whose children play for the demo coach's side and the Under 13s, and
        the fixed young member, an adult who signs in by link like a guardian."""
        family = self.family("Doyle")
        joined = self.season(2)
        younger = self.child(family, "Doyle", "Under 11s Blue", 10, first_name="Maisie", sex="F", joined=joined)
        elder = self.child(family, "Doyle", "Under 13s", 12, first_name="Jack", sex="M", joined=joined)
        self.demo_children = (younger, elder)
        parent = self.adult("Claire", "Doyle", email=PARENT_EMAIL)
        self.guardian(family, parent, "Mother", joined=joined)
        self.demo_parent = parent
        father = self.adult("Sean", "Doyle")
        self.guardian(family, father, "Father", joined=joined, login=None)

        # Adults hold their own contact details: PPL-4 protects children only.
        for first_name, last_name, email in (
            ("Ellis", "Murphy", MEMBER_EMAIL),
            ("Kofi", "Mensah", None),
            ("Ruby", "Clarke", None),
        ):
            member = self.adult(first_name, last_name, email=email, address=True, date_of_birth=self.birth_date(18))
            self.grant(member, Role.Kind.CHILD, starts_on=self.season(6))
            services.team_player_add(
                team=self.teams["Senior Colts"], person=member, joined_on=self.season_start, by=self.secretary
            )
            if email:
                services.person_login_create(person=member)
                self.demo_member = member
        return {"Under 11s Blue": 1, "Under 13s": 1}

    def build_families(self, placed):
        slots = [
            (spec.name, self.random.randint(*spec.ages))
            for spec in TEAMS
            for _ in range(spec.players - placed.get(spec.name, 0))
        ]
        self.random.shuffle(slots)
        while slots:
            children = [slots.pop()]
            # About one family in five has a brother or sister in another side.
            if self.random.random() < 0.2:
                sibling = next((slot for slot in slots if slot[0] != children[0][0]), None)
                if sibling:
                    slots.remove(sibling)
                    children.append(sibling)
            self.build_family(children, volunteer=self.family_count % 12 == 5)

    def build_family(self, children, *, volunteer):
        surname = self.fake.last_name()
        family = self.family(surname)
        youngest = min(age for _, age in children)
        joined = self.season(self.random.randint(0, min(3, youngest - 6)))
        for team, age in children:
            self.child(family, surname, team, age, joined=joined)

        sex = self.random.choice("FM")
        first = self.adult(self.first_name(sex), surname)
        relationship = "Mother" if sex == "F" else "Father"
        login = "password" if volunteer else ("link" if self.random.random() < 0.85 else None)
        self.guardian(family, first, relationship, joined=joined, login=login)
        if volunteer:
            self.grant(first, Role.Kind.VOLUNTEER, starts_on=joined)
            self.guardian_volunteers.append((first, children[0][0]))

        if self.random.random() < 0.6:
            other = "M" if sex == "F" else "F"
            kind = self.random.choices(("parent", "step", "grand"), weights=(75, 15, 10))[0]
            if kind == "parent":
                second = self.adult(self.first_name(other), surname)
                relationship = "Father" if other == "M" else "Mother"
            elif kind == "step":
                second = self.adult(self.first_name(other), self.fake.last_name())
                relationship = "Stepfather" if other == "M" else "Stepmother"
            else:
                second = self.adult(self.first_name("F"), self.random.choice((surname, self.fake.last_name())))
                relationship = "Grandmother"
            # Step-parents and grandparents hold parental responsibility only by court order or
            # agreement, so by default they see the family but do not give consents (PPL-3).
            login = "link" if self.random.random() < 0.85 else None
            self.guardian(family, second, relationship, responsibility=kind == "parent", joined=joined, login=login)

    def build_volunteers(self):
        """Every side gets a coach and a team manager; parents who volunteer help their child's side."""
        others = VOLUNTEER_COUNT - 1 - len(self.guardian_volunteers)
        plain = [
            self.staff_member(
                self.first_name(self.random.choice("FM")),
                self.fake.last_name(),
                Role.Kind.VOLUNTEER,
                years=self.random.randint(0, 8),
            )
            for _ in range(others)
        ]
        self.volunteers += plain + [person for person, _ in self.guardian_volunteers]
        self.former_chair = plain[0]

        posts = {name: [] for name in self.teams}
        posts["Under 11s Blue"].append(TeamStaff.Kind.COACH)
        unassigned = iter(plain)
        for name in self.teams:
            if TeamStaff.Kind.COACH not in posts[name]:
                self.post(name, next(unassigned), TeamStaff.Kind.COACH, posts)
        for person, team in self.guardian_volunteers:
            if len(posts[team]) >= 3:
                continue  # a full side: this parent scores or umpires instead
            kind = TeamStaff.Kind.COACH if TeamStaff.Kind.TEAM_MANAGER in posts[team] else TeamStaff.Kind.TEAM_MANAGER
            self.post(team, person, kind, posts)
        for name in self.teams:
            if TeamStaff.Kind.TEAM_MANAGER not in posts[name]:
                self.post(name, next(unassigned), TeamStaff.Kind.TEAM_MANAGER, posts)
        # The rest score, umpire and run the bar: volunteers with no side of their own.

    def post(self, team, person, kind, posts):
        services.team_staff_add(team=self.teams[team], person=person, kind=kind, by=self.secretary)
        posts[team].append(kind)

    def build_role_history(self):
        """Ended roles stay on the record, so the register shows who held what, and when."""
        former_coach = self.adult("Martin", "Hughes", address=True)
        role = self.grant(former_coach, Role.Kind.VOLUNTEER, starts_on=self.season(7), note="Under 13s coach")
        role_grants.role_revoke(role=role, revoked_by=self.granted_by, on=self.season(2) + timedelta(days=183))

        # Stood down as chair at the last AGM and still coaches: one person, a role ended, a role held.
        role = self.grant(self.former_chair, Role.Kind.COMMITTEE, starts_on=self.season(9), note="Chair")
        role_grants.role_revoke(role=role, revoked_by=self.granted_by, on=self.last_agm)

        # Four eyes: the secretary has asked for a third welfare officer, who has no access until a
        # second committee member or a welfare officer confirms it on the grants page.
        self.grant(
            self.volunteers[1], Role.Kind.DEPUTY_WELFARE_OFFICER, starts_on=self.today, note="Proposed", confirmed=False
        )

    def summary(self):
        children = Person.objects.filter(roles__kind=Role.Kind.CHILD).distinct().count()
        return (
            f"Loaded the demo club: {len(self.teams)} teams, {children} young members in {self.family_count} "
            f"families, {self.guardian_count} parents and guardians, {len(self.volunteers)} volunteers."
        )
