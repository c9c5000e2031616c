"""The gates of the consents app: whose answers a user may give, and which requests they may see."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people.models import Person, Role
from people.selectors import person_for_user

from .models import DirectContactRequest
from .selectors import guardians_children


def answerable_people(user):
    """The people whose consents this user answers: their children under 18 where they hold
    parental responsibility, and themselves when they are a young member of 18 or over (PPL-2)."""
    person = person_for_user(user)
    if person is None:
        return []
    people = [child for child in guardians_children(person) if child.is_child()]
    is_young_member = Role.objects.current().filter(person=person, kind=Role.Kind.CHILD).exists()
    if is_young_member and not person.is_child():
        people.append(person)
    return people


def answerable_person_get_for_user(user, pk):
    if not Person.objects.filter(pk=pk).exists():
        raise Http404("No such person.")
    for person in answerable_people(user):
        if person.pk == pk:
            return person
    raise PermissionDenied("Only a parent or guardian with parental responsibility can answer for this child.")


def agreeing_person_get_for_user(user, pk):
    """CON-5: whose agreement to the policy and the statement this user records: their own, when
    they are a young member signed in themselves, at any age; else a child they answer for."""
    person = person_for_user(user)
    is_themselves = person is not None and person.pk == pk
    if is_themselves and Role.objects.current().filter(person=person, kind=Role.Kind.CHILD).exists():
        return person
    return answerable_person_get_for_user(user, pk)


def direct_contact_request_get_for_user(user, pk):
    request = DirectContactRequest.objects.filter(pk=pk).select_related("child", "requested_by").first()
    if request is None:
        raise Http404("No such request.")
    if request.requested_by.user_id == user.pk:
        return request
    if user.has_perm("people.view_person"):
        return request
    raise PermissionDenied("Only the volunteer who asked, the committee and welfare officers see this request.")
