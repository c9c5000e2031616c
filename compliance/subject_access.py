"""A family's subject access request (UK GDPR Article 15): everything the portal holds about the
members of one family, gathered into plain values for the readable PDF and the JSON beside it.

It reads every app, so it lives at the top of the layers. Three rules shape it:
- Nothing about another family: a message to a whole team shows only the deliveries to or for
  this family's members, a delivery for someone outside the family is shown without their name or
  the worker's words about them, and a member's other family records are counted, never opened.
- Safeguarding cases are left out, whoever they are about, and the export says so: a case has its
  own legal basis and its own exemptions, and only the welfare officer can decide what of it may
  be given. The statement is the same for every family, so it tells nobody whether a case exists.
- Never a secret: authenticators are listed by name, never their keys; sign-in records carry no
  passwords or form data; a child's contact details set aside after a withdrawn consent are
  described, not repeated, since nothing in the portal may read them but the service that restores
  them.

The number of queries is fixed however long the family's history grows.
"""

import io
import json
import zipfile

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import Count, Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts_registry.models import Appointment, Custodian, ModerationRecord
from consents.models import AcceptableUseAgreement, Consent, DirectContactRequest, LapseReminder
from messaging.models import Delivery, DeliveryLogEntry, FixtureNotice, Reply
from people.models import FamilyMember, Person, Role, TeamPlayer, TeamStaff, TrainingRecord, WithdrawnContactDetails
from sefton_safety.club import club

from . import subject_access_values as values
from .models import CriminalRecordsCheck, PolicyAcknowledgement

CASES_EXCLUDED = (
    "Safeguarding cases are not part of this export. Records of concerns and cases are kept by the "
    "club's welfare officers under their own legal basis (safeguarding children), and some of what "
    "they hold may be withheld by law to protect a child or another person. To ask what the club "
    "holds in a case, or for a copy of it, write to the club's welfare officer{contact}, who will "
    "answer you directly."
)
OUTSIDE_FAMILY = values.OUTSIDE_FAMILY


def _welfare_contact():
    officers = Person.objects.holding(Role.Kind.WELFARE_OFFICER).order_by("last_name", "first_name")
    named = [f"{officer.full_name} ({officer.email})" if officer.email else officer.full_name for officer in officers]
    return f", {' or '.join(named)}" if named else ""


def _by(rows, key="person_id"):
    grouped = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _grouped_links(through, records, ids):
    """{record pk: [person pk, ...]} of this family's members among a moderation record's people."""
    grouped = {}
    rows = through.objects.filter(moderationrecord_id__in=[record.pk for record in records], person_id__in=ids)
    for record_id, person_id in rows.values_list("moderationrecord_id", "person_id"):
        grouped.setdefault(record_id, []).append(person_id)
    return grouped


def _per_person(family, ids, users, emails):
    """Every record keyed by its member (or sign-in address, or account): one query each."""
    return {
        "others": dict(
            FamilyMember.objects.filter(person_id__in=ids)
            .exclude(family=family)
            .values_list("person_id")
            .annotate(n=Count("pk"))
        ),
        "roles": _by(Role.objects.filter(person_id__in=ids).select_related("granted_by__person", "revoked_by__person")),
        "places": _by(TeamPlayer.objects.filter(person_id__in=ids).select_related("team")),
        "posts": _by(TeamStaff.objects.filter(person_id__in=ids).select_related("team")),
        "consents": _by(
            Consent.objects.filter(person_id__in=ids).select_related("answered_by", "recorded_by__person", "wording")
        ),
        "requests": _by(
            DirectContactRequest.objects.filter(child_id__in=ids)
            .select_related("requested_by", "decided_by")
            .order_by("created_at", "pk"),
            "child_id",
        ),
        "agreements": _by(
            AcceptableUseAgreement.objects.filter(person_id__in=ids)
            .select_related("wording", "recorded_by__person")
            .order_by("agreed_at")
        ),
        "withheld": {row.person_id: row for row in WithdrawnContactDetails.objects.filter(person_id__in=ids)},
        "training": _by(TrainingRecord.objects.filter(person_id__in=ids).order_by("completed_on")),
        "checks": _by(CriminalRecordsCheck.objects.filter(person_id__in=ids).order_by("checked_on")),
        "acknowledgements": _by(
            PolicyAcknowledgement.objects.filter(person_id__in=ids)
            .select_related("version")
            .order_by("acknowledged_at")
        ),
        "custodianships": _by(Custodian.objects.filter(person_id__in=ids).select_related("account")),
        "appointments": _by(Appointment.objects.filter(person_id__in=ids).select_related("account")),
        "reminders": _by(LapseReminder.objects.filter(guardian_id__in=ids).order_by("sent_at"), "guardian_id"),
        "notices": _by(
            FixtureNotice.objects.filter(guardian_id__in=ids).select_related("fixture__team").order_by("sent_at"),
            "guardian_id",
        ),
        "logins": _by(AccessLog.objects.filter(username__in=emails).order_by("attempt_time"), "username"),
        "attempts": _by(AccessAttempt.objects.filter(username__in=emails).order_by("attempt_time"), "username"),
        "failures": _by(AccessFailureLog.objects.filter(username__in=emails).order_by("attempt_time"), "username"),
        "devices": _by(TOTPDevice.objects.filter(user__in=users).order_by("pk"), "user_id"),
        "history": _by(
            Person.history.filter(id__in=ids).select_related("history_user__person").order_by("history_date"), "id"
        ),
    }


def _member(membership, found):
    person = membership.person
    pk = person.pk
    addresses = sorted({key for key in (person.email.lower(), person.user.email.lower() if person.user else "") if key})

    def under_addresses(kind):
        return [row for key in addresses for row in found[kind].get(key, [])]

    record = values.person_values(person, membership, found["others"].get(pk, 0))
    record["roles"] = values.role_values(found["roles"].get(pk, []))
    record["teams"], record["team_posts"] = values.team_values(found["places"].get(pk, []), found["posts"].get(pk, []))
    record["consents"] = values.consent_values(found["consents"].get(pk, []))
    record["direct_contact_requests"] = values.contact_request_values(found["requests"].get(pk, []))
    record["acceptable_use_agreements"] = values.agreement_values(found["agreements"].get(pk, []))
    record["contact_details_set_aside"] = values.set_aside_values(found["withheld"].get(pk))
    record["consent_reminders"] = [
        {"season": row.season, "sent_at": values.when(row.sent_at)} for row in found["reminders"].get(pk, [])
    ]
    record["match_day_notices"] = [
        {"fixture": f"{row.fixture.team}: {row.fixture.title}", "sent_at": values.when(row.sent_at)}
        for row in found["notices"].get(pk, [])
    ]
    record["volunteering"] = values.volunteering_values(
        training=found["training"].get(pk, []),
        checks=found["checks"].get(pk, []),
        acknowledgements=found["acknowledgements"].get(pk, []),
        custodianships=found["custodianships"].get(pk, []),
        appointments=found["appointments"].get(pk, []),
    )
    record["sign_in"] = values.sign_in_values(
        person,
        under_addresses("attempts"),
        under_addresses("failures"),
        under_addresses("logins"),
        found["devices"].get(person.user_id, []),
    )
    record["record_changes"] = values.record_change_values(found["history"].get(pk, []))
    return record


def family_data(*, family, exported_by, now):
    """Everything the portal holds about the members of `family`, as plain JSON-ready values."""
    memberships = list(
        family.members.select_related("person__user").order_by("kind", "person__last_name", "person__first_name")
    )
    people = [membership.person for membership in memberships]
    ids = {person.pk for person in people}
    names = {person.pk: person.full_name for person in people}
    users = [person.user for person in people if person.user_id]
    emails = sorted({user.email.lower() for user in users} | {p.email.lower() for p in people if p.email})
    found = _per_person(family, ids, users, emails)

    deliveries = list(
        Delivery.objects.filter(Q(to_person_id__in=ids) | Q(intended_for_id__in=ids))
        .select_related("message__author", "message__team", "to_person", "intended_for")
        .order_by("message_id", "pk")
    )
    logs = _by(DeliveryLogEntry.objects.filter(delivery__in=deliveries).order_by("at", "pk"), "delivery_id")
    replies = (
        Reply.objects.filter(from_person_id__in=ids).select_related("from_person", "message").order_by("received_at")
    )
    moderated = list(
        ModerationRecord.objects.filter(Q(author_id__in=ids) | Q(affected__in=ids) | Q(children__in=ids))
        .distinct()
        .select_related("account")
        .order_by("removed_at")
    )
    affected = _grouped_links(ModerationRecord.affected.through, moderated, ids)
    involved = _grouped_links(ModerationRecord.children.through, moderated, ids)
    return {
        "export": {
            "club": club().name,
            "kind": "Subject access request (UK GDPR Article 15)",
            "produced_at": values.when(now),
            "produced_by": exported_by.full_name,
            "family": values.family_values(family),
            "not_included": CASES_EXCLUDED.format(contact=_welfare_contact()),
        },
        "members": [_member(membership, found) for membership in memberships],
        "messages": values.message_values(deliveries, logs, ids),
        "replies": values.reply_values(replies),
        "removed_posts": values.removed_post_values(moderated, affected, involved, ids, names),
    }


def family_json(data):
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def family_archive(*, data, pdf, stem):
    """One download: the readable PDF and the machine-readable JSON, side by side."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.pdf", pdf)
        archive.writestr(f"{stem}.json", family_json(data))
    return buffer.getvalue()
