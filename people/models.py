"""The club's who-is-who: sign-in accounts, persons, families, roles and teams."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import rules


def club_today():
    """Today in the club's own time zone: ages and role dates follow the club's calendar."""
    return timezone.localdate()


def adult_cutoff_date(day):
    """People born after this date are children on `day` (PPL-2), for filtering in the database."""
    return rules.latest_birth_date_of_adult(day)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A sign-in account needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A sign-in account. Who the person is, and what they may do, lives on Person and Role."""

    username = None
    email = models.EmailField(
        "email address",
        unique=True,
        error_messages={"unique": "Another account already signs in with this email address. Use a different one."},
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    link_made_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the newest emailed sign-in link was made."
    )

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login", "link_made_at"])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="people_user_email_unique_ci",
                violation_error_message="Another account already signs in with this email address, in "
                "capital or small letters. Use a different one.",
            ),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        # Addresses are compared case-insensitively everywhere; storing them in lower case keeps
        # what the committee types and what the lockout counts the same.
        self.email = (self.email or "").strip().lower()


class PersonQuerySet(models.QuerySet):
    def holding(self, *kinds, on=None):
        """The people holding any of these roles on a day (today by default), each once."""
        return self.filter(pk__in=Role.objects.current(on).filter(kind__in=kinds).values("person_id"))


class Person(models.Model):
    """Anyone the club holds a record of: member, guardian, volunteer or committee member."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(
        null=True, blank=True, help_text="Required for young members: it decides who is a child (PPL-2)."
    )
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=32, blank=True)
    address = models.TextField(
        blank=True, help_text="Home address. Only welfare officers, the committee and the family see it."
    )
    postcode = models.CharField(max_length=10, blank=True)
    school = models.CharField(
        max_length=200, blank=True, help_text="A child's school: never published, never shown to volunteers."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="person"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"
        permissions = [("view_person_basic", "Can see a player's name, age group and team")]
        indexes = [models.Index(fields=["last_name", "first_name"], name="people_person_name_idx")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return str(self)

    @property
    def email_address(self):
        """Where the club emails this person: their own address, or their sign-in's."""
        return self.email or (self.user.email if self.user_id else "")

    def age(self, on=None):
        if self.date_of_birth is None:
            return None
        return rules.age_on(self.date_of_birth, on or club_today())

    def is_child(self, on=None):
        """PPL-2: computed from the date of birth at the moment of the check, never stored."""
        return rules.is_child(self.date_of_birth, on or club_today())


class WithdrawnContactDetails(models.Model):
    """PPL-4: a child's own number and email, taken off their record the moment a guardian withdrew
    the consent that allowed them. Nothing reads them from here but the service that brings them back
    if the consent is given again within the grace; when it ends they are removed."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="withdrawn_contact_details")
    mobile = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    withheld_at = models.DateTimeField(help_text="When the first of them was taken off the record.")
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purged_at = models.DateTimeField(null=True, blank=True)
    # The history says when they were held and removed, and by whom, never what they were.
    history = HistoricalRecords(excluded_fields=["mobile", "email"])

    class Meta:
        verbose_name_plural = "withdrawn contact details"

    def __str__(self):
        return f"Contact details withdrawn for {self.person}"

    @property
    def holds_any(self):
        return bool(self.mobile or self.email)


class RoleQuerySet(models.QuerySet):
    def in_effect(self):
        """Granted and, where a second person must confirm, confirmed: a role waiting for its
        confirmation, or refused, gives nothing anywhere."""
        return self.filter(status=Role.Status.IN_EFFECT)

    def pending(self):
        return self.filter(status=Role.Status.PENDING)

    def current(self, on=None):
        day = on or club_today()
        return self.in_effect().filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day), starts_on__lte=day)


class Role(models.Model):
    """PPL-1: a role a person holds, from a date, granted by someone; several at once are normal."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", "Committee member"
        WELFARE_OFFICER = "welfare_officer", "Lead welfare officer"
        DEPUTY_WELFARE_OFFICER = "deputy_welfare_officer", "Deputy welfare officer"
        DESIGNATED_PERSON = "designated_person", "Designated person (online presence)"
        DESIGNATED_SUPERVISOR = "designated_supervisor", "Designated supervisor (moderator)"
        VOLUNTEER = "volunteer", "Volunteer or staff (coach, team manager)"
        GUARDIAN = "guardian", "Parent or guardian"
        CHILD = "child", "Young member"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a second person to confirm"
        IN_EFFECT = "in_effect", "In effect"
        REFUSED = "refused", "Refused"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="roles")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    starts_on = models.DateField(default=club_today)
    ends_on = models.DateField(
        null=True, blank=True, help_text="The first day the role no longer applies. Revoking sets it to today."
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="For example the committee minute reference.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_EFFECT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="confirmed or refused by",
    )
    decided_at = models.DateTimeField("confirmed or refused at", null=True, blank=True)
    history = HistoricalRecords()

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["person__last_name", "person__first_name", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="people_role_ends_after_it_starts",
            ),
            # Four eyes, held by the database too: a committee or welfare role is in effect only
            # with a recorded decision, never one made by the person who asked for it.
            models.CheckConstraint(
                condition=~Q(status="in_effect")
                | ~Q(kind__in=["committee", "welfare_officer", "deputy_welfare_officer"])
                | Q(decided_at__isnull=False),
                name="people_role_four_eyes_kinds_in_effect_only_when_decided",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_effect") | Q(decided_by__isnull=True) | ~Q(decided_by=models.F("granted_by")),
                name="people_role_nobody_confirms_their_own_request",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "kind"], name="people_role_person_kind_idx"),
            # Who holds a role today (Person.objects.holding, the welfare and committee lists):
            # by kind, then the dates that make a role current.
            models.Index(fields=["kind", "starts_on", "ends_on"], name="people_role_kind_dates_idx"),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()}"

    def is_current(self, on=None):
        day = on or club_today()
        in_effect = self.status == self.Status.IN_EFFECT
        return in_effect and self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


# Roles whose holders work with the club's data and sign in with a password.
STAFF_ROLE_KINDS = frozenset(
    {
        Role.Kind.COMMITTEE,
        Role.Kind.WELFARE_OFFICER,
        Role.Kind.DEPUTY_WELFARE_OFFICER,
        Role.Kind.DESIGNATED_PERSON,
        Role.Kind.DESIGNATED_SUPERVISOR,
        Role.Kind.VOLUNTEER,
    }
)
# Roles that may not reach any page without a second factor.
SECOND_FACTOR_ROLE_KINDS = frozenset({Role.Kind.COMMITTEE, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER})
WELFARE_ROLE_KINDS = frozenset({Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER})
# Roles that take effect only when a second committee member or welfare officer confirms them,
# and the roles whose holders may confirm: together, nobody appoints a welfare officer alone.
FOUR_EYES_ROLE_KINDS = frozenset({Role.Kind.COMMITTEE, *WELFARE_ROLE_KINDS})
CONFIRMER_ROLE_KINDS = frozenset({Role.Kind.COMMITTEE, *WELFARE_ROLE_KINDS})


class Family(models.Model):
    """PPL-3: a household of children and the guardians with parental responsibility for them."""

    name = models.CharField(max_length=200, help_text='For example "The Okafor family".')
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    home_phone = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"

    def __str__(self):
        return self.name


class FamilyMember(models.Model):
    class Kind(models.TextChoices):
        GUARDIAN = "guardian", "Parent or guardian"
        CHILD = "child", "Child"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="family_memberships")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    relationship = models.CharField(max_length=50, blank=True, help_text="Mother, father, grandparent, carer...")
    parental_responsibility = models.BooleanField(
        default=True, help_text="Only guardians with parental responsibility give or withdraw consents."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["family", "person"], name="people_familymember_once_per_family"),
            models.CheckConstraint(
                condition=Q(kind="guardian") | Q(parental_responsibility=False),
                name="people_familymember_only_guardians_hold_responsibility",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_kind_display()}, {self.family})"


class Team(models.Model):
    class AgeGroup(models.TextChoices):
        U9 = "U9", "Under 9"
        U11 = "U11", "Under 11"
        U13 = "U13", "Under 13"
        U15 = "U15", "Under 15"
        U17 = "U17", "Under 17"
        U19 = "U19", "Under 19"
        ADULT = "adult", "Adults"

    name = models.CharField(max_length=100, unique=True)
    age_group = models.CharField(max_length=8, choices=AgeGroup.choices)
    players = models.ManyToManyField(Person, through="TeamPlayer", related_name="teams_played")
    staff = models.ManyToManyField(Person, through="TeamStaff", related_name="teams_staffed")
    history = HistoricalRecords()

    class Meta:
        ordering = ["age_group", "name"]

    def __str__(self):
        return self.name


class TeamPlayer(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_players")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="team_places")
    joined_on = models.DateField(default=club_today)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="people_teamplayer_once_per_team")]

    def __str__(self):
        return f"{self.person} plays for {self.team}"


class TeamStaff(models.Model):
    class Kind(models.TextChoices):
        COACH = "coach", "Coach"
        TEAM_MANAGER = "team_manager", "Team manager"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_staff")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="team_posts")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COACH)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "team staff"
        constraints = [
            models.UniqueConstraint(fields=["team", "person", "kind"], name="people_teamstaff_once_per_post"),
        ]

    def __str__(self):
        return f"{self.person}, {self.get_kind_display().lower()} of {self.team}"


class TrainingRecord(models.Model):
    """A course a volunteer completed, with its date and expiry (ACC-4: the designated person's
    online-safety training; VOL-3: safeguarding for everyone who works with children)."""

    class Kind(models.TextChoices):
        ONLINE_SAFETY = "online_safety", "Online safety"
        SAFEGUARDING = "safeguarding", "Safeguarding children"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="training")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    completed_on = models.DateField()
    expires_on = models.DateField()
    provider = models.CharField(max_length=200, blank=True, help_text="For example the ECB or the NSPCC.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["person__last_name", "kind", "-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("completed_on")), name="people_training_expires_after_completion"
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()} until {self.expires_on:%d %b %Y}"

    def is_current(self, on=None):
        day = on or club_today()
        return self.completed_on <= day < self.expires_on


class LegalHold(models.Model):
    """Standing guarantee 5: while a hold is in place on a person or a family, no retention purge
    touches their records (a claim, an inquiry or the police may need them). Lifting records who,
    when and why; the row stays, and its history says every step."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds")
    family = models.ForeignKey(Family, null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(max_length=300, help_text="Why the records must be kept, e.g. a solicitor's letter.")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, family__isnull=True) | Q(person__isnull=True, family__isnull=False),
                name="people_legalhold_on_a_person_or_a_family",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lift_reason="") | (Q(lifted_at__isnull=False) & ~Q(lift_reason="")),
                name="people_legalhold_lifted_with_a_reason",
            ),
        ]

    def __str__(self):
        return f"Legal hold on {self.person or self.family}"

    @property
    def is_active(self):
        return self.lifted_at is None
