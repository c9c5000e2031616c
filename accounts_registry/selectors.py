"""Reads of the register of club accounts, each with what the register, the public page and the
committee's dashboard show, in a fixed number of queries, and the questions for the welfare
officer each person may read."""

from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from people.models import STAFF_ROLE_KINDS, WELFARE_ROLE_KINDS, Person, club_today
from people.roles import holds_role

from . import rules
from .models import AdviceRequest, Appointment, ClubAccount


def designated_name():
    current = Appointment.objects.filter(account=OuterRef("pk"), ended_on__isnull=True)
    return Subquery(current.values("person__first_name")[:1]), Subquery(current.values("person__last_name")[:1])


def accounts_with_status(queryset=None):
    """Every account with what the register and dashboard show, in one query (ACC-1 to ACC-4)."""
    today = club_today()
    staff = Person.objects.holding(*STAFF_ROLE_KINDS).values("pk")
    first, last = designated_name()
    accounts = (queryset if queryset is not None else ClubAccount.objects.all()).annotate(
        custodian_count=Count(
            "custodians", filter=Q(custodians__ended_on__isnull=True, custodians__person__in=staff), distinct=True
        ),
        rotations_overdue=Count(
            "rotations",
            filter=Q(rotations__done_on__isnull=True, rotations__due_since__lt=today - rules.ROTATION_GRACE),
            distinct=True,
        ),
        rotations_due=Count("rotations", filter=Q(rotations__done_on__isnull=True), distinct=True),
        last_reviewed_on=Max("reviews__reviewed_on"),
        designated_first=first,
        designated_last=last,
    )
    result = list(accounts)
    for account in result:
        account.compliant = rules.is_compliant(account.custodian_count)
        account.review_due = rules.review_due(last_reviewed_on=account.last_reviewed_on, today=today)
        account.designated = f"{account.designated_first} {account.designated_last}" if account.designated_last else ""
        account.state = rules.account_state(
            custodians=account.custodian_count,
            rotations_overdue=account.rotations_overdue,
            has_designated=bool(account.designated),
            review_due=account.review_due,
        )
    return result


def advice_list_for_user(user):
    """ACC-5: the welfare officers see every question, the unanswered first; anyone else only the
    questions they asked themselves."""
    advice = AdviceRequest.objects.select_related("asked_by", "answered_by", "account")
    if holds_role(user, *WELFARE_ROLE_KINDS):
        return advice.order_by(F("answered_at").desc(nulls_first=True), "-asked_at")
    return advice.filter(asked_by__user=user).order_by("-asked_at")
