"""Every write to the register: roles, families, sign-in accounts and sign-in links."""

from datetime import timedelta

import sesame.utils
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm
from sesame.backends import ModelBackend as SesameBackend

from sefton_safety.club import club
from sefton_safety.history import history_by
from sefton_safety.mail import email_send

from . import contact_consent, rules, tasks
from .exceptions import (
    ContactDetailsRefused,
    FamilyError,
    RoleError,
    SignInLinkInvalid,
    SignInLinkNotForStaff,
    TeamError,
)
from .link_tokens import password_link_tokens
from .models import (
    CONFIRMER_ROLE_KINDS,
    FOUR_EYES_ROLE_KINDS,
    STAFF_ROLE_KINDS,
    WELFARE_ROLE_KINDS,
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
from .roles import current_role_kinds, is_staff_member
from .selectors import person_for_user, welfare_officer_recipients

SIGN_IN_LINK_SCOPE = "sign-in"


# Roles ----------------------------------------------------------------------------------------
# Unlike every other write, a role's grant, change, decision and revocation name a sign-in
# account, not a person: the superuser who sets a club up grants its first roles in the admin and
# has no person in the register, and the four-eyes checks compare accounts.


def role_grant_problem(*, person, kind, starts_on, exclude_pk=None, granted_by=None):
    """Why a role cannot be granted, in words, or None. The register's forms ask the same."""
    if kind not in Role.Kind.values:
        return f"{kind!r} is not a role the club recognises."
    # A welfare role reads every concern the club holds: nobody gives it to themselves.
    if kind in WELFARE_ROLE_KINDS and granted_by is not None and person.user_id == granted_by.pk:
        return "Nobody can make themselves a welfare officer: another committee member must grant the role."
    # An open-ended grant overlaps any role of the same kind that has not ended by its start. A
    # request that waits counts, so nobody asks twice; a refused one is only history.
    overlapping = (
        Role.objects.filter(person=person, kind=kind)
        .exclude(status=Role.Status.REFUSED)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on))
    )
    if overlapping.exclude(pk=exclude_pk).exists():
        return f"{person} already holds the role {Role.Kind(kind).label} on or after {starts_on:%d %B %Y}."
    if kind == Role.Kind.CHILD and person.date_of_birth is None:
        return "A young member needs a date of birth: it decides which child rules apply (PPL-2)."
    return None


def _nobody_could_confirm(*, person, asked_by):
    """True only while the register holds no committee member or welfare officer but the one who
    asks and the one it is for: a new club's first officers, whom nobody else could confirm."""
    others = Role.objects.current().filter(kind__in=CONFIRMER_ROLE_KINDS).exclude(person=person)
    if asked_by is not None:
        others = others.exclude(person__user=asked_by)
    return not others.exists()


def _is_confirmer(user):
    return Role.objects.current().filter(person__user=user, kind__in=CONFIRMER_ROLE_KINDS).exists()


def role_decision_problem(*, role, by):
    """Why `by` may not confirm or refuse this waiting grant, in words, or None."""
    active = by is not None and by.is_active
    return rules.role_decision_problem(
        is_pending=role.status == Role.Status.PENDING,
        decider_id=by.pk if active else None,
        asked_by_id=role.granted_by_id,
        subject_user_id=role.person.user_id,
        decider_is_officer=active and _is_confirmer(by),
    )


def _role_await_confirmation(role, *, asked_by, confirmed_by):
    """Puts a committee or welfare grant in effect only with a second person's decision: at once
    when `confirmed_by` (present at the grant, checked like a confirmation) or nobody could confirm
    it, else waiting for role_confirm()."""
    role.decided_by, role.decided_at = None, None
    if role.kind not in FOUR_EYES_ROLE_KINDS:
        role.status = Role.Status.IN_EFFECT
        return
    if confirmed_by is not None:
        role.status = Role.Status.PENDING
        problem = role_decision_problem(role=role, by=confirmed_by)
        if problem:
            raise RoleError(problem)
        role.status, role.decided_by, role.decided_at = Role.Status.IN_EFFECT, confirmed_by, timezone.now()
    elif _nobody_could_confirm(person=role.person, asked_by=asked_by):
        role.status, role.decided_at = Role.Status.IN_EFFECT, timezone.now()
        role._change_reason = "No other committee member or welfare officer yet to confirm it."
    else:
        role.status = Role.Status.PENDING


@transaction.atomic
def role_grant(*, person, kind, granted_by=None, starts_on=None, ends_on=None, note="", confirmed_by=None):
    """Grants a role. A committee or welfare role waits for a second committee member or welfare
    officer to confirm it (role_confirm), and gives nothing until then. `confirmed_by` records a
    confirmation given with the grant by someone else who may confirm (the demo, a club's first
    import of its minuted appointments)."""
    starts_on = starts_on or club_today()
    problem = role_grant_problem(person=person, kind=kind, starts_on=starts_on, granted_by=granted_by)
    if problem:
        raise RoleError(problem)
    role = Role(person=person, kind=kind, starts_on=starts_on, ends_on=ends_on, granted_by=granted_by, note=note)
    _role_await_confirmation(role, asked_by=granted_by, confirmed_by=confirmed_by)
    _role_save(role, by=granted_by)
    return role


@transaction.atomic
def role_confirm(*, role, confirmed_by):
    """The second pair of eyes: puts a waiting grant in effect and tells every welfare officer."""
    role = Role.objects.select_for_update().select_related("person").get(pk=role.pk)
    problem = role_decision_problem(role=role, by=confirmed_by)
    if problem:
        raise RoleError(problem)
    role.status, role.decided_by, role.decided_at = Role.Status.IN_EFFECT, confirmed_by, timezone.now()
    _role_save(role, by=confirmed_by, update_fields=["status", "decided_by", "decided_at"])
    role_id = role.pk
    transaction.on_commit(lambda: tasks.send_role_notice.delay(role_id))
    user = role.person.user
    if user is not None and user.is_active and not user.has_usable_password():
        # An officer named before they had a password (a new club's set-up) is invited to set one
        # only now: until the confirmation their account could do nothing.
        transaction.on_commit(lambda: tasks.send_password_link.delay(user.pk))
    return role


@transaction.atomic
def role_refuse(*, role, refused_by):
    """Refuses a waiting grant; the one who asked may also withdraw it. The row stays as history."""
    role = Role.objects.select_for_update().select_related("person").get(pk=role.pk)
    withdrawn = role.status == Role.Status.PENDING and refused_by is not None and refused_by.pk == role.granted_by_id
    problem = None if withdrawn else role_decision_problem(role=role, by=refused_by)
    if problem:
        raise RoleError(problem)
    role.status, role.decided_by, role.decided_at = Role.Status.REFUSED, refused_by, timezone.now()
    _role_save(role, by=refused_by, update_fields=["status", "decided_by", "decided_at"])
    return role


def role_notice_recipients(*, role):
    """Every current welfare officer the club can email: each hears of a new committee member or
    welfare officer, so a grant nobody expected is noticed at once."""
    return [officer for officer in welfare_officer_recipients().order_by("pk") if officer.email_address]


def role_notice_send(*, role, officer):
    email_send(
        template="role_in_effect",
        to=officer.email_address,
        subject=f"{role.person} is now {role.get_kind_display().lower()} at {club().name}",
        context={
            "officer": officer,
            "role": role,
            "asked_by": _user_name(role.granted_by),
            "confirmed_by": _user_name(role.decided_by),
            "url": f"{settings.SITE_URL}{reverse('people:role-grant-list')}",
        },
    )


def _user_name(user):
    if user is None:
        return "nobody (the register had no one else to confirm it)"
    person = person_for_user(user)
    return person.full_name if person else user.email


def _role_save(role, *, by, **kwargs):
    """Saves with the history row naming who made the change, also outside a request (the
    worker, a command), where simple-history's middleware cannot say."""
    if by is not None:
        role._history_user = by
    role.save(**kwargs)


UNCHANGED = object()
ROLE_CHANGEABLE_FIELDS = ("person", "kind", "starts_on", "ends_on", "note")


def _role_changes(role, values):
    return {field: value for field, value in values.items() if value is not UNCHANGED and getattr(role, field) != value}


def _extends(role, changes):
    """A later end, no end any more, or an earlier start: the role gives more than was granted."""
    later_end = "ends_on" in changes and role.ends_on is not None
    later_end = later_end and (changes["ends_on"] is None or changes["ends_on"] > role.ends_on)
    return later_end or ("starts_on" in changes and changes["starts_on"] < role.starts_on)


def role_change_problem(*, role, changed_by, person=UNCHANGED, kind=UNCHANGED, starts_on=UNCHANGED, ends_on=UNCHANGED):
    """Why this change to an existing role is refused, in words, or None. Giving the row another
    kind or another person is a new grant, checked exactly as one: otherwise anyone could turn
    their own volunteer role into a welfare role by editing it."""
    if role.status == Role.Status.REFUSED:
        return "A refused grant is kept as it was: ask again with a new one."
    changes = _role_changes(role, {"person": person, "kind": kind, "starts_on": starts_on, "ends_on": ends_on})
    target = {field: changes.get(field, getattr(role, field)) for field in ("person", "kind", "starts_on", "ends_on")}
    if target["ends_on"] is not None and target["ends_on"] < target["starts_on"]:
        return "A role cannot end before it starts."
    regranted = "person" in changes or "kind" in changes
    confirmed = role.status == Role.Status.IN_EFFECT and role.kind in FOUR_EYES_ROLE_KINDS
    if confirmed and not regranted and _extends(role, changes):
        return (
            f"A {role.get_kind_display().lower()}'s role is not reopened or extended by editing its dates: "
            "grant a new one from the day it ends, and a second committee member or welfare officer confirms it."
        )
    return role_grant_problem(
        person=target["person"],
        kind=target["kind"],
        starts_on=target["starts_on"],
        exclude_pk=role.pk,
        granted_by=changed_by if regranted else None,
    )


@transaction.atomic
def role_change(
    *, role, changed_by, person=UNCHANGED, kind=UNCHANGED, starts_on=UNCHANGED, ends_on=UNCHANGED, note=UNCHANGED
):
    """Changes an existing role. A new kind or a new person makes the row a new grant by
    `changed_by`, with the same checks as role_grant(), a committee or welfare role waiting again
    for a second person. Any change to a waiting grant makes `changed_by` the one who asked."""
    role = Role.objects.select_for_update().select_related("person").get(pk=role.pk)
    changes = _role_changes(
        role, {"person": person, "kind": kind, "starts_on": starts_on, "ends_on": ends_on, "note": note}
    )
    if not changes:
        return role
    problem = role_change_problem(role=role, changed_by=changed_by, **{f: v for f, v in changes.items() if f != "note"})
    if problem:
        raise RoleError(problem)
    for field, value in changes.items():
        setattr(role, field, value)
    if "person" in changes or "kind" in changes:
        role.granted_by = changed_by
        _role_await_confirmation(role, asked_by=changed_by, confirmed_by=None)
    elif role.status == Role.Status.PENDING:
        role.granted_by = changed_by
    _role_save(role, by=changed_by)
    return role


@transaction.atomic
def role_revoke(*, role, revoked_by=None, on=None):
    """Ends a role from a day (today by default). The row stays: roles are history, not state."""
    day = on or club_today()
    role = Role.objects.select_for_update().get(pk=role.pk)
    if role.ends_on is not None and role.ends_on <= day:
        raise RoleError(f"{role} already ended on {role.ends_on:%d %B %Y}.")
    if day < role.starts_on:
        raise RoleError(f"{role} starts on {role.starts_on:%d %B %Y}; it cannot end before it starts.")
    role.ends_on = day
    role.revoked_by = revoked_by
    role.revoked_at = timezone.now()
    _role_save(role, by=revoked_by, update_fields=["ends_on", "revoked_by", "revoked_at"])
    return role


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


@transaction.atomic
def team_staff_add(*, team, person, kind, by):
    """Makes someone a coach or team manager of a side. A side's staff read its players' records
    and message them, so only someone holding a staff or volunteer role today may be one (PPL-1)."""
    if kind not in TeamStaff.Kind.values:
        raise TeamError(f"{kind!r} is not a post in a team.")
    if not Role.objects.current().filter(person=person, kind__in=STAFF_ROLE_KINDS).exists():
        raise TeamError(f"{person} holds no staff or volunteer role: grant the volunteer role first.")
    if TeamStaff.objects.filter(team=team, person=person, kind=kind).exists():
        raise TeamError(f"{person} is already {TeamStaff.Kind(kind).label.lower()} of {team}.")
    post = TeamStaff(team=team, person=person, kind=kind)
    history_by(post, by.user if by is not None else None).save()
    return post


@transaction.atomic
def team_player_add(*, team, person, by, joined_on=None):
    """Puts a player in a side. A junior side's player needs a date of birth, which decides which
    child rules apply to them (PPL-2)."""
    if team.age_group != Team.AgeGroup.ADULT and person.date_of_birth is None:
        raise TeamError(f"{person} needs a date of birth before playing for {team} (PPL-2).")
    if TeamPlayer.objects.filter(team=team, person=person).exists():
        raise TeamError(f"{person} already plays for {team}.")
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


# Staff passwords ------------------------------------------------------------------------------


def password_link_eligible(user):
    """Password links are for staff only; guardians and young members sign in by emailed link."""
    return user.is_active and is_staff_member(user)


def password_link_request(*, email):
    """Queues a password-setting email for a staff account; silent about unknown addresses."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None or not password_link_eligible(user):
        return False
    transaction.on_commit(lambda: tasks.send_password_link.delay(user.pk))
    return True


def password_link_send(*, user):
    """The token is made here, in the worker, so no secret ever waits in the broker's queue. Making
    it spends every earlier password link of the account (people.link_tokens)."""
    user.link_made_at = timezone.now()
    user.save(update_fields=["link_made_at"])
    path = reverse(
        "people:password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": password_link_tokens.make_token(user),
        },
    )
    email_send(
        template="password_link",
        to=user.email,
        subject=f"Set your password for {club().name}",
        context={"user": user, "url": f"{settings.SITE_URL}{path}"},
    )


# Sign-in links --------------------------------------------------------------------------------


def sign_in_link_eligible(user):
    """Links are for guardians and young members only: anyone holding a staff role must use a
    password and their second factor, so a stolen mailbox never opens a staff account."""
    if not user.is_active or user.is_superuser:
        return False
    kinds = current_role_kinds(user)
    return bool(kinds) and not (kinds & STAFF_ROLE_KINDS)


def sign_in_link_request(*, email):
    """Queues a sign-in link for an eligible account. Says nothing about whether the address is
    known, so the form cannot be used to find out who is registered."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None or not sign_in_link_eligible(user):
        return False
    transaction.on_commit(lambda: tasks.send_sign_in_link.delay(user.pk))
    return True


@transaction.atomic
def sign_in_link_url(user, *, scope=SIGN_IN_LINK_SCOPE, next_url=None):
    """Makes a new emailed link for the account, which spends every earlier one (people.link_tokens)."""
    user.link_made_at = timezone.now()
    user.save(update_fields=["link_made_at"])
    query = sesame.utils.get_query_string(user, scope=scope)
    if next_url:
        query += f"&next={next_url}"
    return f"{settings.SITE_URL}{reverse('people:link-open')}{query}"


def second_factor_device(*, user, code):
    """The user's confirmed authenticator that accepts this code, or None. A device paused by
    django-otp's throttling after a wrong code accepts nothing until the pause has passed."""
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


SECOND_FACTOR_DEVICE_NAME = "Authenticator app"


@transaction.atomic
def second_factor_setup_device(*, user, pending_pk=None, create=True):
    """The unconfirmed authenticator one set-up session is showing, or a new one (None if `create`
    is off). Every other pending key of the account is deleted: a key shown to one session, perhaps
    to someone holding only the password, must never become the account's authenticator later."""
    pending = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False)
    device = pending.filter(pk=pending_pk).first() if pending_pk else None
    (pending.exclude(pk=device.pk) if device else pending).delete()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=SECOND_FACTOR_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def second_factor_device_confirm(*, device, code, another_allowed):
    """Confirms a set-up authenticator with its first code and tells the owner by email. Unless
    `another_allowed` (the session has just entered a code from an existing one), an account that
    already has an authenticator gets no new one: the password alone never replaces the code."""
    User.objects.select_for_update().get(pk=device.user_id)
    if not another_allowed and TOTPDevice.objects.filter(user_id=device.user_id, confirmed=True).exists():
        return False
    if not (device.verify_is_allowed()[0] and device.verify_token(code)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _second_factor_notice_on_commit(device=device, change="added")
    return True


@transaction.atomic
def second_factor_device_remove(*, device):
    """Removes an authenticator and tells the owner by email, so a removal nobody asked for is seen."""
    device.delete()
    _second_factor_notice_on_commit(device=device, change="removed")


def _second_factor_notice_on_commit(*, device, change):
    user_id, name, at = device.user_id, device.name, timezone.now().isoformat()
    transaction.on_commit(lambda: tasks.send_second_factor_notice.delay(user_id, change, name, at))


def second_factor_notice_send(*, user, change, device_name, at):
    email_send(
        template="second_factor_changed",
        to=user.email,
        subject=f"An authenticator app was {change} on your {club().name} account",
        context={"user": user, "change": change, "device_name": device_name, "at": at},
    )


def sign_in_link_send(*, user):
    email_send(
        template="sign_in_link",
        to=user.email,
        subject=f"Your sign-in link for {club().name}",
        context={
            "user": user,
            "url": sign_in_link_url(user),
            "minutes": int(settings.SESAME_MAX_AGE.total_seconds() // 60),
        },
    )


# How long each kind of emailed link lasts: a sign-in link half an hour, a consent-round link a
# fortnight, since guardians answer when they can. Each works once.
LINK_SCOPES = {SIGN_IN_LINK_SCOPE: None, "consents": timedelta(days=14)}


def sign_in_link_user(*, request, token, consume):
    """The account a link opens. `consume=False` only looks (the confirmation page, which mail
    scanners also fetch); `consume=True` spends the link, so it works once. Going through
    authenticate() lets the lockout count forged or stale tokens like wrong passwords."""
    # Find the token's scope without signalling anything, then authenticate once: a good link is one
    # sign-in and a forged one is one failure for the lockout, however many scopes there are.
    scope, max_age = SIGN_IN_LINK_SCOPE, None
    for candidate, candidate_max_age in LINK_SCOPES.items():
        if token and SesameBackend().authenticate(request, sesame=token, scope=candidate, max_age=candidate_max_age):
            scope, max_age = candidate, candidate_max_age
            break
    user = authenticate(request, sesame=token, scope=scope, max_age=max_age) if token else None
    if user is None:
        raise SignInLinkInvalid("This sign-in link has expired or has already been used.")
    if not sign_in_link_eligible(user):
        raise SignInLinkNotForStaff("This account signs in with a password and a second factor, not a link.")
    if consume:
        # A one-time token is bound to the last sign-in time: moving it on spends the token.
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
    return user
