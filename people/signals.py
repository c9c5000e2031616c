"""At sign-in: remembers which roles the session was opened under (see SessionRolesMiddleware), and
clears the failed attempts counted against the account (see people.lockout). On any write to an
account, a person, a role or an authenticator: forgets the account's cached signed-in state (see
people.signed_in), which is a copy and must never outlive the rows it was read from."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from .lockout import account_failures_reset
from .middleware import SESSION_ROLES_KEY
from .models import Person, Role, User
from .roles import current_roles
from .signed_in import signed_in_forget


@receiver(user_logged_in)
def remember_session_roles(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_ROLES_KEY] = sorted(role.pk for role in current_roles(user))


@receiver(user_logged_in)
def reset_account_failures(sender, request, user, **kwargs):
    account_failures_reset(user=user)


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_signed_in_user(sender, instance, **kwargs):
    signed_in_forget(instance.pk)


@receiver(post_save, sender=Person)
@receiver(post_delete, sender=Person)
@receiver(post_save, sender=TOTPDevice)
@receiver(post_delete, sender=TOTPDevice)
def forget_signed_in_person(sender, instance, **kwargs):
    signed_in_forget(instance.user_id)


@receiver(post_save, sender=Role)
@receiver(post_delete, sender=Role)
def forget_signed_in_role(sender, instance, **kwargs):
    signed_in_forget(Person.objects.filter(pk=instance.person_id).values_list("user_id", flat=True).first())
