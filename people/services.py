"""Every write to the register: roles, families, sign-in accounts and sign-in links."""

import contextlib
from datetime import timedelta

import sesame.utils
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm
from sesame.backends import ModelBackend as SesameBackend

from sefton_safety.history import history_by

from . import rules
from .exceptions import ContactDetailsRefused, FamilyError, RoleError, SignInLinkInvalid, SignInLinkNotForStaff
from .models import (
    STAFF_ROLE_KINDS,
    WELFARE_ROLE_KINDS,
    Family,
    FamilyMember,
    Person,
    Role,
    User,
    WithdrawnContactDetails,
    club_today,
)

SIGN_IN_LINK_SCOPE = "sign-in"


# Roles ----------------------------------------------------------------------------------------


def role_grant_problem(*, person, kind, starts_on, exclude_pk=None, granted_by=None):
    """Why a role cannot be granted, in words, or None. The register's forms ask the same."""
    if kind not in Role.Kind.values:
        return f"{kind!r} is not a role the club recognises."
    # A welfare role reads every concern the club holds: nobody gives it to themselves.
    if kind in WELFARE_ROLE_KINDS and granted_by is not None and person.user_id == granted_by.pk:
        return "Nobody can make themselves a welfare officer: another committee member must grant the role."
    # An open-ended grant overlaps any role of the same kind that has not ended by its start.
    overlapping = Role.objects.filter(person=person, kind=kind).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on)
    )
    if overlapping.exclude(pk=exclude_pk).exists():
        return f"{person} already holds the role {Role.Kind(kind).label} on or after {starts_on:%d %B %Y}."
    if kind == Role.Kind.CHILD and person.date_of_birth is None:
        return "A young member needs a date of birth: it decides which child rules apply (PPL-2)."
    return None


@transaction.atomic
def role_grant(*, person, kind, granted_by=None, starts_on=None, note=""):
    starts_on = starts_on or club_today()
    problem = role_grant_problem(person=person, kind=kind, starts_on=starts_on, granted_by=granted_by)
    if problem:
        raise RoleError(problem)
    return Role.objects.create(person=person, kind=kind, starts_on=starts_on, granted_by=granted_by, note=note)


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
    role.save(update_fields=["ends_on", "revoked_by", "revoked_at"])
    return role


# Families -------------------------------------------------------------------------------------


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


def guardians_with_responsibility(child):
    """PPL-3: the people who give or withdraw this child's consents."""
    family_ids = FamilyMember.objects.filter(person=child, kind=FamilyMember.Kind.CHILD).values("family_id")
    return Person.objects.filter(
        family_memberships__family_id__in=family_ids,
        family_memberships__kind=FamilyMember.Kind.GUARDIAN,
        family_memberships__parental_responsibility=True,
    ).distinct()


# Person records -------------------------------------------------------------------------------


def person_contact_findings(*, person, mobile, email):
    """PPL-4 for one person: a child's own mobile needs a guardian's consent to texts or calls, and
    their own email a consent to email (CON-2). The consent records answer; nothing else does."""
    from consents.selectors import contact_consent_given

    child = person.is_child()
    return rules.child_contact_details_findings(
        is_child=child,
        holds_mobile=bool(mobile),
        holds_email=bool(email),
        mobile_consent=child
        and person.pk is not None
        and (contact_consent_given(person, "text") or contact_consent_given(person, "phone")),
        email_consent=child and person.pk is not None and contact_consent_given(person, "email"),
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
    held.withheld_by = by
    history_by(held, by)
    held._change_reason = _contact_change_reason(withdrawn, restored)
    held.save()
    history_by(person, by)
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
    from .roles import is_staff_member

    return user.is_active and is_staff_member(user)


def password_link_request(*, email):
    """Queues a password-setting email for a staff account; silent about unknown addresses."""
    from .tasks import send_password_link

    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None or not password_link_eligible(user):
        return False
    transaction.on_commit(lambda: send_password_link.delay(user.pk))
    return True


def password_link_send(*, user):
    """The token is made here, in the worker, so no secret ever waits in the broker's queue."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    path = reverse(
        "people:password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    email_send(
        template="password_link",
        to=user.email,
        subject=f"Set your password for {settings.CLUB_NAME}",
        context={"user": user, "url": f"{settings.SITE_URL}{path}"},
    )


# Sign-in links --------------------------------------------------------------------------------


def sign_in_link_eligible(user):
    """Links are for guardians and young members only: anyone holding a staff role must use a
    password and their second factor, so a stolen mailbox never opens a staff account."""
    from .roles import current_role_kinds

    if not user.is_active or user.is_superuser:
        return False
    kinds = current_role_kinds(user)
    return bool(kinds) and not (kinds & STAFF_ROLE_KINDS)


def sign_in_link_request(*, email):
    """Queues a sign-in link for an eligible account. Says nothing about whether the address is
    known, so the form cannot be used to find out who is registered."""
    from .tasks import send_sign_in_link

    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None or not sign_in_link_eligible(user):
        return False
    transaction.on_commit(lambda: send_sign_in_link.delay(user.pk))
    return True


def sign_in_link_url(user, *, scope=SIGN_IN_LINK_SCOPE, next_url=None):
    query = sesame.utils.get_query_string(user, scope=scope)
    if next_url:
        query += f"&next={next_url}"
    return f"{settings.SITE_URL}{reverse('people:link-open')}{query}"


def second_factor_device(*, user, code):
    """The user's confirmed authenticator that accepts this code, or None. A device paused by
    django-otp's throttling after a wrong code accepts nothing until the pause has passed."""
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


def email_send(*, template, to, subject, context):
    """Sends templates/emails/<template>.txt, with its .html twin when there is one, to one address."""
    context = {"club_name": settings.CLUB_NAME, "site_url": settings.SITE_URL, **context}
    message = EmailMultiAlternatives(subject=subject, body=render_to_string(f"emails/{template}.txt", context), to=[to])
    with contextlib.suppress(TemplateDoesNotExist):
        message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    message.send()


def sign_in_link_send(*, user):
    email_send(
        template="sign_in_link",
        to=user.email,
        subject=f"Your sign-in link for {settings.CLUB_NAME}",
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
