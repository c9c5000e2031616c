"""Every write to the register's families, teams and person records, and a person's sign-in
account, with the check of a code from its authenticator. A role's writes are in
people.role_grants, signing in in people.credentials."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from sefton_safety.history import history_by

from . import contact_consent, rules
from .exceptions import ContactDetailsRefused, FamilyError, RoleError, TeamError
from .models import (
    STAFF_ROLE_KINDS,
    Family,
    FamilyMember,
    Person,
    Role,
    Team,
    TeamPlayer,
    TeamStaff,
    User,
    WithdrawnContactDetails,
    club_today,
)

# Families -------------------------------------------------------------------------------------


@transaction.atomic
def family_create(*, name, by, address="", postcode="", home_phone=""):
    """A new household in the register (PPL-3); its history names who made it (X-2). `by` is the
    committee member's Person (None for a command with nobody signed in)."""
    if not name.strip():
        raise FamilyError('Give the family a name, for example "The Okafor family".')
    family = Family(name=name.strip(), address=address, postcode=postcode, home_phone=home_phone)
    history_by(family, by.user if by is not None else None).save()
    return family


@transaction.atomic
def family_member_add(*, family, person, kind, relationship="", parental_responsibility=None):
    if FamilyMember.objects.filter(family=family, person=person).exists():
        raise FamilyError(f"{person} is already a member of {family}.")
    if kind == FamilyMember.Kind.CHILD:
        if person.date_of_birth is None:
            raise FamilyError(f"{person} needs a date of birth before joining a family as a child (PPL-2).")
        if not person.is_child():
            # A guardian reads a child's whole record: never an adult's through a "child" row.
            raise FamilyError(f"{person} is 18 or over and manages their own record (PPL-2).")
        parental_responsibility = False
    elif parental_responsibility is None:
        parental_responsibility = True
    member = FamilyMember.objects.create(
        family=family,
        person=person,
        kind=kind,
        relationship=relationship,
        parental_responsibility=parental_responsibility,
    )
    family_permissions_sync(person=person)
    return member


@transaction.atomic
def family_member_remove(*, member):
    person = member.person
    member.delete()
    family_permissions_sync(person=person)


def family_permissions_sync(*, person):
    """Makes the guardian's object grants match their memberships: a guardian reads exactly the
    families they belong to, and loses a family the moment they leave it."""
    user = person.user
    if user is None:
        return
    should = set(
        FamilyMember.objects.filter(person=person, kind=FamilyMember.Kind.GUARDIAN).values_list("family_id", flat=True)
    )
    has = set(
        get_objects_for_user(
            user, "people.view_family", klass=Family, with_superuser=False, accept_global_perms=False
        ).values_list("pk", flat=True)
    )
    for family in Family.objects.filter(pk__in=should - has):
        assign_perm("people.view_family", user, family)
    for family in Family.objects.filter(pk__in=has - should):
        remove_perm("people.view_family", user, family)


# Teams ----------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, name, age_group, by):
    """A side of the club. `by` is the committee member's Person (None for a command)."""
    name = name.strip()
    if not name:
        raise TeamError('Give the team a name, for example "Under 11s Blue".')
    if age_group not in Team.AgeGroup.values:
        raise TeamError(f"{age_group!r} is not an age group the club plays in.")
    if Team.objects.filter(name__iexact=name).exists():
        raise TeamError(f"The club already has a team called {name}.")
    team = Team(name=name, age_group=age_group)
    history_by(team, by.user if by is not None else None).save()
    return team


def team_staff_problem(*, team, person, kind):
    """Why `person` cannot take this post in `team`, in words, or None. The admin's forms ask the
    same. A side's staff read its players' records and message them, so only someone holding a
    staff or volunteer role today may be one (PPL-1). `team` may be one not saved yet."""
    if kind not in TeamStaff.Kind.values:
        return f"{kind!r} is not a post in a team."
    if not Role.objects.current().filter(person=person, kind__in=STAFF_ROLE_KINDS).exists():
        return f"{person} holds no staff or volunteer role: grant the volunteer role first."
    if team.pk is not None and TeamStaff.objects.filter(team=team, person=person, kind=kind).exists():
        return f"{person} is already {TeamStaff.Kind(kind).label.lower()} of {team}."
    return None


@transaction.atomic
def team_staff_add(*, team, person, kind, by):
    """Makes someone a coach or team manager of a side (PPL-1, see team_staff_problem)."""
    problem = team_staff_problem(team=team, person=person, kind=kind)
    if problem:
        raise TeamError(problem)
    post = TeamStaff(team=team, person=person, kind=kind)
    history_by(post, by.user if by is not None else None).save()
    return post


def team_player_problem(*, team, person):
    """Why `person` cannot play for `team`, in words, or None. The admin's forms ask the same. A
    junior side's player needs a date of birth, which decides which child rules apply to them
    (PPL-2). `team` or `person` may be one not saved yet."""
    if team.age_group != Team.AgeGroup.ADULT and person.date_of_birth is None:
        return f"{person} needs a date of birth before playing for {team} (PPL-2)."
    saved = team.pk is not None and person.pk is not None
    if saved and TeamPlayer.objects.filter(team=team, person=person).exists():
        return f"{person} already plays for {team}."
    return None


@transaction.atomic
def team_player_add(*, team, person, by, joined_on=None):
    """Puts a player in a side (PPL-2, see team_player_problem)."""
    problem = team_player_problem(team=team, person=person)
    if problem:
        raise TeamError(problem)
    place = TeamPlayer(team=team, person=person, joined_on=joined_on or club_today())
    history_by(place, by.user if by is not None else None).save()
    return place


def guardians_with_responsibility(child):
    """PPL-3: the people who give or withdraw this child's consents."""
    family_ids = FamilyMember.objects.filter(person=child, kind=FamilyMember.Kind.CHILD).values("family_id")
    return Person.objects.filter(
        family_memberships__family_id__in=family_ids,
        family_memberships__kind=FamilyMember.Kind.GUARDIAN,
        family_memberships__parental_responsibility=True,
    ).distinct()


# Person records -------------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *, first_name, last_name, date_of_birth=None, email="", mobile="", address="", postcode="", school=""
):
    """A new record in the register. PPL-4: a child's own mobile or email is refused, since no
    guardian has answered for a child the club has only just recorded."""
    person = Person(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        email=email,
        mobile=mobile,
        address=address,
        postcode=postcode,
        school=school,
    )
    findings = person_contact_findings(person=person, mobile=mobile, email=email)
    if findings:
        raise ContactDetailsRefused(findings)
    person.save()
    return person


def person_contact_findings(*, person, mobile, email):
    """PPL-4 for one person: a child's own mobile needs a guardian's consent to texts or calls, and
    their own email a consent to email (CON-2). The consent records answer; nothing else does."""
    child = person.is_child()
    return rules.child_contact_details_findings(
        is_child=child,
        holds_mobile=bool(mobile),
        holds_email=bool(email),
        mobile_consent=child
        and person.pk is not None
        and (contact_consent.consent_given(person, "text") or contact_consent.consent_given(person, "phone")),
        email_consent=child and person.pk is not None and contact_consent.consent_given(person, "email"),
    )


@transaction.atomic
def person_contact_update(*, person, mobile, email):
    """PPL-4: a child's own mobile and email are refused unless a guardian's contact consent holds."""
    findings = person_contact_findings(person=person, mobile=mobile, email=email)
    if findings:
        raise ContactDetailsRefused(findings)
    person.mobile = mobile
    person.email = email
    person.save(update_fields=["mobile", "email", "updated_at"])
    return person


def _scrub_history(person, field, value):
    # A historical row has no history of its own: blanking the value there is what keeps it from
    # being read back through the admin's History pages (PPL-4).
    person.history.filter(**{field: value}).update(**{field: ""})


@transaction.atomic
def person_contact_consent_follow(*, person, mobile_allowed, email_allowed, by=None):
    """PPL-4, after a guardian's answer: a child's own number or email whose consent no longer
    holds comes off their record at once, and out of its history, kept apart and unreadable for
    the grace; one whose consent holds again within the grace comes back."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not email_allowed and person.user_id is not None and person.user.is_active:
        # The sign-in was made on the strength of the consent to email (person_login_create): its
        # address is the child's own, and the club stops writing to it the moment that consent goes.
        user_disable(user=person.user)
    held = WithdrawnContactDetails.objects.select_for_update().filter(person=person).first()
    withdrawn = {
        field: getattr(person, field)
        for field, allowed in (("mobile", mobile_allowed), ("email", email_allowed))
        if not allowed and getattr(person, field)
    }
    restored = {
        field: getattr(held, field)
        for field, allowed in (("mobile", mobile_allowed), ("email", email_allowed))
        if held is not None and allowed and getattr(held, field) and not getattr(person, field)
    }
    if not withdrawn and not restored:
        return held
    now = timezone.now()
    if held is None:
        held = WithdrawnContactDetails(person=person, withheld_at=now)
    elif not held.holds_any:
        held.withheld_at, held.purged_at = now, None
    for field, value in withdrawn.items():
        setattr(held, field, value)
        setattr(person, field, "")
    for field, value in restored.items():
        setattr(held, field, "")
        setattr(person, field, value)
    user = by.user if by is not None else None
    held.withheld_by = user
    history_by(held, user)
    held._change_reason = _contact_change_reason(withdrawn, restored)
    held.save()
    history_by(person, user)
    person._change_reason = held._change_reason
    person.save(update_fields=["mobile", "email", "updated_at"])
    for field, value in withdrawn.items():
        _scrub_history(person, field, value)
    return held


def _contact_change_reason(withdrawn, restored):
    words = {"mobile": "own mobile number", "email": "own email address"}
    parts = []
    if withdrawn:
        parts.append(f"Consent withdrawn: {' and '.join(words[f] for f in withdrawn)} held apart for the grace.")
    if restored:
        parts.append(f"Consent given again: {' and '.join(words[f] for f in restored)} back on the record.")
    return " ".join(parts)


def withdrawn_contact_details_purge(*, now=None):
    """PPL-4, from the scheduler: details held apart for the whole grace are removed for good.
    Returns how many children's details were removed; a second run removes none."""
    now = now or timezone.now()
    due = WithdrawnContactDetails.objects.filter(
        purged_at__isnull=True, withheld_at__lte=now - settings.WITHDRAWN_CONTACT_GRACE
    ).exclude(mobile="", email="")
    removed = 0
    for held_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            held = WithdrawnContactDetails.objects.select_for_update().get(pk=held_id)
            if held.purged_at is not None or not held.holds_any:
                continue
            held.mobile, held.email, held.purged_at = "", "", now
            held._change_reason = "Removed: the grace after the guardian's withdrawal ended."
            held.save(update_fields=["mobile", "email", "purged_at"])
            removed += 1
    return removed


@transaction.atomic
def person_login_create(*, person, email=None, password=None):
    """Gives a person a sign-in account. Without a password the account signs in by emailed link
    only, which is how guardians and young members sign in."""
    if person.user_id is not None:
        raise RoleError(f"{person} already has a sign-in account.")
    address = (email or person.email or "").strip().lower()
    if not address:
        raise RoleError(f"{person} needs an email address before a sign-in account can be made.")
    if User.objects.filter(email__iexact=address).exists():
        raise RoleError(f"Another account already signs in with {address}.")
    findings = person_contact_findings(person=person, mobile="", email=address)
    if findings:
        raise ContactDetailsRefused(findings)
    user = User.objects.create_user(
        email=address, password=password, first_name=person.first_name, last_name=person.last_name
    )
    person.user = user
    person.email = person.email or address
    person.save(update_fields=["user", "email", "updated_at"])
    family_permissions_sync(person=person)
    return user


@transaction.atomic
def user_disable(*, user):
    """Ends every session of the account at its next request: inactive users are not loaded."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def second_factor_device(*, user, code):
    """The user's confirmed authenticator that accepts this code, or None. A device paused by
    django-otp's throttling after a wrong code accepts nothing until the pause has passed."""
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None
