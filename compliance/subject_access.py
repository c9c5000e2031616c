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
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts_registry.models import Appointment, Custodian, ModerationRecord
from consents import rules as consent_rules
from consents.models import AcceptableUseAgreement, Consent, DirectContactRequest, LapseReminder
from messaging.models import Delivery, DeliveryLogEntry, FixtureNotice, Reply
from people.models import FamilyMember, Person, Role, TeamPlayer, TeamStaff, TrainingRecord, WithdrawnContactDetails

from .models import CriminalRecordsCheck, PolicyAcknowledgement

CASES_EXCLUDED = (
    "Safeguarding cases are not part of this export. Records of concerns and cases are kept by the "
    "club's welfare officers under their own legal basis (safeguarding children), and some of what "
    "they hold may be withheld by law to protect a child or another person. To ask what the club "
    "holds in a case, or for a copy of it, write to the club's welfare officer{contact}, who will "
    "answer you directly."
)
OUTSIDE_FAMILY = "someone outside this family (not named here)"


def _when(value):
    """Instants in the club's own time, with their offset, so a reader and a machine agree."""
    return timezone.localtime(value).isoformat() if value else None


def _day(value):
    return value.isoformat() if value else None


def _user_name(user):
    if user is None:
        return None
    person = getattr(user, "person", None)
    return person.full_name if person is not None else user.email


def _welfare_contact():
    officers = Person.objects.holding(Role.Kind.WELFARE_OFFICER).order_by("last_name", "first_name")
    named = [f"{officer.full_name} ({officer.email})" if officer.email else officer.full_name for officer in officers]
    return f", {' or '.join(named)}" if named else ""


def _members(family):
    return list(
        family.members.select_related("person__user").order_by("kind", "person__last_name", "person__first_name")
    )


def _by_person(rows, key="person_id"):
    grouped = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _wording(wording):
    return {"kind": wording.get_kind_display(), "version": wording.version, "title": wording.title}


def _record(person, membership, other_families):
    return {
        "id": person.pk,
        "name": person.full_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth": _day(person.date_of_birth),
        "email": person.email,
        "mobile": person.mobile,
        "address": person.address,
        "postcode": person.postcode,
        "school": person.school,
        "created_at": _when(person.created_at),
        "updated_at": _when(person.updated_at),
        "in_this_family": {
            "as": membership.get_kind_display(),
            "relationship": membership.relationship,
            "parental_responsibility": membership.parental_responsibility,
        },
        "other_family_records": other_families,
    }


def _roles(rows):
    return [
        {
            "role": role.get_kind_display(),
            "starts_on": _day(role.starts_on),
            "ends_on": _day(role.ends_on),
            "granted_by": _user_name(role.granted_by),
            "granted_at": _when(role.granted_at),
            "revoked_by": _user_name(role.revoked_by),
            "revoked_at": _when(role.revoked_at),
            "note": role.note,
        }
        for role in rows
    ]


def _question(consent):
    label = consent.get_topic_display()
    return f"Contact by {label.lower()}" if consent.topic in consent_rules.CONTACT_TOPICS else label


def _consents(rows):
    return [
        {
            "question": _question(consent),
            "topic": consent.topic,
            "answer": "given" if consent.given else "not given or withdrawn",
            "given": consent.given,
            "answered_by": consent.answered_by.full_name,
            "recorded_by": _user_name(consent.recorded_by),
            "how": consent.get_method_display(),
            "wording": _wording(consent.wording),
            "season": consent.season,
            "valid_until": _day(consent.valid_until),
            "recorded_at": _when(consent.recorded_at),
        }
        for consent in sorted(rows, key=lambda row: (row.recorded_at, row.pk))
    ]


def _contact_requests(rows):
    return [
        {
            "asked_by": request.requested_by.full_name,
            "purpose": request.get_purpose_display(),
            "details": request.details,
            "channel": request.get_channel_display(),
            "from": _when(request.starts_at),
            "until": _when(request.ends_at),
            "status": request.get_status_display(),
            "decided_by": request.decided_by.full_name if request.decided_by else None,
            "decided_at": _when(request.decided_at),
            "decision_note": request.decision_note,
            "asked_at": _when(request.created_at),
        }
        for request in rows
    ]


def _sign_in(person, attempts, failures, logins, devices):
    user = person.user
    if user is None:
        return None
    return {
        "account": {
            "email": user.email,
            "active": user.is_active,
            "created_at": _when(user.date_joined),
            "last_sign_in": _when(user.last_login),
        },
        "sign_ins": [
            {
                "at": _when(row.attempt_time),
                "signed_out_at": _when(row.logout_time),
                "address": row.ip_address,
                "browser": row.user_agent,
            }
            for row in logins
        ],
        "failed_attempts": [
            {
                "at": _when(row.attempt_time),
                "address": row.ip_address,
                "browser": row.user_agent,
                "page": row.path_info,
                "failures": row.failures_since_start,
            }
            for row in attempts
        ]
        + [
            {
                "at": _when(row.attempt_time),
                "address": row.ip_address,
                "browser": row.user_agent,
                "page": row.path_info,
                "locked_out": row.locked_out,
            }
            for row in failures
        ],
        "authenticators": [
            {
                "name": device.name,
                "confirmed": device.confirmed,
                "added_at": _when(device.created_at),
                "last_used_at": _when(device.last_used_at),
            }
            for device in devices
        ],
    }


def _deliveries(deliveries, logs, ids):
    """Each message once, with only the deliveries to or for this family's members."""
    messages = {}
    for delivery in deliveries:
        message = delivery.message
        entry = messages.setdefault(
            message.pk,
            {
                "id": message.pk,
                "written_by": message.author.full_name,
                "channel": message.get_channel_display(),
                "to": message.get_audience_display(),
                "team": message.team.name if message.team else None,
                "about": message.get_kind_display(),
                "subject": message.subject,
                "body": message.body,
                "status": message.get_status_display(),
                "written_at": _when(message.created_at),
                "approved_at": _when(message.approved_at),
                "deliveries": [],
            },
        )
        ours = delivery.intended_for_id in ids
        entry["deliveries"].append(
            {
                "to": delivery.to_person.full_name,
                "address": delivery.address,
                "for": delivery.intended_for.full_name if ours else OUTSIDE_FAMILY,
                "as": delivery.get_role_display(),
                "status": delivery.get_status_display(),
                # The worker's reasons and log words are about the person the copy is for.
                "reasons": [finding.get("message", "") for finding in delivery.findings] if ours else [],
                "attempts": delivery.attempts,
                "held_until": _when(delivery.hold_until),
                "sent_at": _when(delivery.sent_at),
                "log": [
                    {"at": _when(row.at), "event": row.event, "detail": row.detail if ours else ""}
                    for row in logs.get(delivery.pk, [])
                ],
            }
        )
    return sorted(messages.values(), key=lambda message: (message["written_at"], message["id"]))


def _moderation(records, affected, children, ids, names):
    rows = []
    for record in records:
        authored = record.author_id in ids
        rows.append(
            {
                "account": str(record.account),
                "removed_at": _when(record.removed_at),
                "posted_by": names[record.author_id] if authored else None,
                "affecting": sorted(names[pk] for pk in affected.get(record.pk, [])),
                "children_involved": sorted(names[pk] for pk in children.get(record.pk, [])),
                # What the post said is shown to its author only: it may be about anyone. The reason
                # is what every family involved was told.
                "removed_content": record.removed_content if authored else "",
                "reason": record.reason,
            }
        )
    return rows


def family_data(*, family, exported_by, now):
    """Everything the portal holds about the members of `family`, as plain JSON-ready values."""
    memberships = _members(family)
    people = [membership.person for membership in memberships]
    ids = {person.pk for person in people}
    names = {person.pk: person.full_name for person in people}
    users = [person.user for person in people if person.user_id]
    emails = sorted({user.email.lower() for user in users} | {p.email.lower() for p in people if p.email})

    others = dict(
        FamilyMember.objects.filter(person_id__in=ids)
        .exclude(family=family)
        .values_list("person_id")
        .annotate(n=Count("pk"))
    )
    roles = _by_person(
        Role.objects.filter(person_id__in=ids).select_related("granted_by__person", "revoked_by__person")
    )
    places = _by_person(TeamPlayer.objects.filter(person_id__in=ids).select_related("team"))
    posts = _by_person(TeamStaff.objects.filter(person_id__in=ids).select_related("team"))
    consents = _by_person(
        Consent.objects.filter(person_id__in=ids).select_related("answered_by", "recorded_by__person", "wording")
    )
    requests = _by_person(
        DirectContactRequest.objects.filter(child_id__in=ids)
        .select_related("requested_by", "decided_by")
        .order_by("created_at", "pk"),
        "child_id",
    )
    agreements = _by_person(
        AcceptableUseAgreement.objects.filter(person_id__in=ids)
        .select_related("wording", "recorded_by__person")
        .order_by("agreed_at")
    )
    withheld = {row.person_id: row for row in WithdrawnContactDetails.objects.filter(person_id__in=ids)}
    training = _by_person(TrainingRecord.objects.filter(person_id__in=ids).order_by("completed_on"))
    checks = _by_person(CriminalRecordsCheck.objects.filter(person_id__in=ids).order_by("checked_on"))
    acknowledgements = _by_person(
        PolicyAcknowledgement.objects.filter(person_id__in=ids).select_related("version").order_by("acknowledged_at")
    )
    custodianships = _by_person(Custodian.objects.filter(person_id__in=ids).select_related("account"))
    appointments = _by_person(Appointment.objects.filter(person_id__in=ids).select_related("account"))
    reminders = _by_person(LapseReminder.objects.filter(guardian_id__in=ids).order_by("sent_at"), "guardian_id")
    notices = _by_person(
        FixtureNotice.objects.filter(guardian_id__in=ids).select_related("fixture__team").order_by("sent_at"),
        "guardian_id",
    )
    logins = _by_person(AccessLog.objects.filter(username__in=emails).order_by("attempt_time"), "username")
    attempts = _by_person(AccessAttempt.objects.filter(username__in=emails).order_by("attempt_time"), "username")
    failures = _by_person(AccessFailureLog.objects.filter(username__in=emails).order_by("attempt_time"), "username")
    devices = _by_person(TOTPDevice.objects.filter(user__in=users).order_by("pk"), "user_id")
    history = _by_person(
        Person.history.filter(id__in=ids).select_related("history_user__person").order_by("history_date"), "id"
    )

    deliveries = list(
        Delivery.objects.filter(Q(to_person_id__in=ids) | Q(intended_for_id__in=ids))
        .select_related("message__author", "message__team", "to_person", "intended_for")
        .order_by("message_id", "pk")
    )
    logs = _by_person(DeliveryLogEntry.objects.filter(delivery__in=deliveries).order_by("at", "pk"), "delivery_id")
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

    members = []
    for membership in memberships:
        person = membership.person
        address_keys = {key for key in (person.email.lower(), person.user.email.lower() if person.user else "") if key}
        record = _record(person, membership, others.get(person.pk, 0))
        record["roles"] = _roles(roles.get(person.pk, []))
        record["teams"] = [
            {"team": place.team.name, "joined_on": _day(place.joined_on)} for place in places.get(person.pk, [])
        ]
        record["team_posts"] = [
            {"team": post.team.name, "post": post.get_kind_display()} for post in posts.get(person.pk, [])
        ]
        record["consents"] = _consents(consents.get(person.pk, []))
        record["direct_contact_requests"] = _contact_requests(requests.get(person.pk, []))
        record["acceptable_use_agreements"] = [
            {
                "wording": _wording(agreement.wording),
                "how": agreement.get_method_display(),
                "recorded_by": _user_name(agreement.recorded_by),
                "agreed_at": _when(agreement.agreed_at),
            }
            for agreement in agreements.get(person.pk, [])
        ]
        record["contact_details_set_aside"] = _set_aside(withheld.get(person.pk))
        record["consent_reminders"] = [
            {"season": r.season, "sent_at": _when(r.sent_at)} for r in reminders.get(person.pk, [])
        ]
        record["match_day_notices"] = [
            {"fixture": f"{notice.fixture.team}: {notice.fixture.title}", "sent_at": _when(notice.sent_at)}
            for notice in notices.get(person.pk, [])
        ]
        record["volunteering"] = {
            "training": [
                {
                    "course": row.get_kind_display(),
                    "completed_on": _day(row.completed_on),
                    "expires_on": _day(row.expires_on),
                    "provider": row.provider,
                }
                for row in training.get(person.pk, [])
            ],
            "criminal_records_checks": [
                {
                    "checked_on": _day(row.checked_on),
                    "renew_by": _day(row.renew_by),
                    "certificate": row.certificate_reference,
                }
                for row in checks.get(person.pk, [])
            ],
            "policy_acknowledgements": [
                {"policy": str(row.version), "acknowledged_at": _when(row.acknowledged_at)}
                for row in acknowledgements.get(person.pk, [])
            ],
            "club_accounts_held": [
                {"account": str(row.account), "from": _day(row.since), "until": _day(row.ended_on)}
                for row in custodianships.get(person.pk, [])
            ],
            "appointments": [
                {
                    "account": str(row.account),
                    "appointed_on": _day(row.appointed_on),
                    "ended_on": _day(row.ended_on),
                    "minute": row.minute_reference,
                }
                for row in appointments.get(person.pk, [])
            ],
        }
        record["sign_in"] = _sign_in(
            person,
            [row for key in sorted(address_keys) for row in attempts.get(key, [])],
            [row for key in sorted(address_keys) for row in failures.get(key, [])],
            [row for key in sorted(address_keys) for row in logins.get(key, [])],
            devices.get(person.user_id, []),
        )
        record["record_changes"] = [
            {
                "at": _when(row.history_date),
                "change": row.get_history_type_display(),
                "by": _user_name(row.history_user),
            }
            for row in history.get(person.pk, [])
        ]
        members.append(record)

    return {
        "export": {
            "club": settings.CLUB_NAME,
            "kind": "Subject access request (UK GDPR Article 15)",
            "produced_at": _when(now),
            "produced_by": _user_name(exported_by),
            "family": {
                "id": family.pk,
                "name": family.name,
                "address": family.address,
                "postcode": family.postcode,
                "home_phone": family.home_phone,
                "created_at": _when(family.created_at),
            },
            "not_included": CASES_EXCLUDED.format(contact=_welfare_contact()),
        },
        "members": members,
        "messages": _deliveries(deliveries, logs, ids),
        "replies": [
            {
                "from": reply.from_person.full_name,
                "channel": reply.get_channel_display(),
                "from_address": reply.from_address,
                "body": reply.body,
                "received_at": _when(reply.received_at),
                "answered_at": _when(reply.answered_at),
                "in_answer_to": (reply.message.subject or f"Message {reply.message_id}") if reply.message else None,
            }
            for reply in replies
        ],
        "removed_posts": _moderation(moderated, affected, involved, ids, names),
    }


def _grouped_links(through, records, ids):
    """{record pk: [person pk, ...]} of this family's members among a moderation record's people."""
    grouped = {}
    rows = through.objects.filter(moderationrecord_id__in=[record.pk for record in records], person_id__in=ids)
    for record_id, person_id in rows.values_list("moderationrecord_id", "person_id"):
        grouped.setdefault(record_id, []).append(person_id)
    return grouped


def _set_aside(row):
    if row is None:
        return None
    held = [label for label, value in (("a mobile number", row.mobile), ("an email address", row.email)) if value]
    return {
        "what": " and ".join(held) if held else "nothing any more",
        "set_aside_at": _when(row.withheld_at),
        "removed_at": _when(row.purged_at),
        "why": "A guardian withdrew the consent that allowed the club to hold them; they are kept apart, "
        "used by nothing, until the grace period ends or the consent is given again.",
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
