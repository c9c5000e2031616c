"""The gates of the messaging app. A message and its deliveries are read by the author, the
designated person, welfare officers and the committee; replies that come back by text, by the
welfare officers alone; a team's fixtures are entered by the committee."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people.access import team_get_for_user
from people.models import WELFARE_ROLE_KINDS, Role
from people.roles import holds_role

from .models import Delivery, Message, Reply

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


def delivery_get_for_user(user, pk):
    """A delivery, for whoever may read its message."""
    delivery = Delivery.objects.filter(pk=pk).select_related("message").first()
    if delivery is None:
        raise Http404("No such delivery.")
    message_get_for_user(user, delivery.message_id)
    return delivery


def reply_get_for_user(user, pk, *, refusal="Replies are read by the welfare officers."):
    """A reply, for a welfare officer; `refusal` says what the page refused is for."""
    if not holds_role(user, *WELFARE_ROLE_KINDS):
        raise PermissionDenied(refusal)
    reply = Reply.objects.filter(pk=pk).first()
    if reply is None:
        raise Http404("No such reply.")
    return reply


def fixtures_team_get_for_user(user, pk):
    """A team whose fixtures the user may enter: the committee's work, as in the register, since
    the fixtures decide which families are told what and whom to call (MSG-10)."""
    team = team_get_for_user(user, pk)
    if not user.has_perm("messaging.add_fixture"):
        raise PermissionDenied("The committee enters the teams' fixtures.")
    if not user.has_perm("messaging.change_fixture"):
        raise PermissionDenied("The committee enters the teams' fixtures.")
    return team
