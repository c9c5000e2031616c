"""The gate for messages: the author, the designated person, welfare officers and the committee."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people.models import Role
from people.roles import holds_role

from .models import Message

OVERSEERS = (
    Role.Kind.DESIGNATED_PERSON,
    Role.Kind.WELFARE_OFFICER,
    Role.Kind.DEPUTY_WELFARE_OFFICER,
    Role.Kind.COMMITTEE,
)


def message_get_for_user(user, pk):
    message = Message.objects.filter(pk=pk).select_related("author", "team", "approved_by").first()
    if message is None:
        raise Http404("No such message.")
    if message.author.user_id == user.pk:
        return message
    if user.is_superuser or holds_role(user, *OVERSEERS):
        return message
    raise PermissionDenied(
        "Only the author, the designated person, welfare officers and the committee see this message."
    )
