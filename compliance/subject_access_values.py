"""Each record of a family's subject access export as plain, JSON-ready values: instants in the
club's own time with their offset, choices in words, people by name. Where a record touches
someone outside the family, only this family's part of it is kept."""

from django.utils import timezone

from consents import rules as consent_rules

OUTSIDE_FAMILY = "someone outside this family (not named here)"


def when(value):
    """Instants in the club's own time, with their offset, so a reader and a machine agree."""
    return timezone.localtime(value).isoformat() if value else None


def day(value):
    return value.isoformat() if value else None


def user_name(user):
    if user is None:
        return None
    person = getattr(user, "person", None)
    return person.full_name if person is not None else user.email


def wording_values(wording):
    return {"kind": wording.get_kind_display(), "version": wording.version, "title": wording.title}


def person_values(person, membership, other_families):
    return {
        "id": person.pk,
        "name": person.full_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth": day(person.date_of_birth),
        "email": person.email,
        "mobile": person.mobile,
        "address": person.address,
        "postcode": person.postcode,
        "school": person.school,
        "created_at": when(person.created_at),
        "updated_at": when(person.updated_at),
        "in_this_family": {
            "as": membership.get_kind_display(),
            "relationship": membership.relationship,
            "parental_responsibility": membership.parental_responsibility,
        },
        "other_family_records": other_families,
    }


def role_values(rows):
    return [
        {
            "role": role.get_kind_display(),
            "starts_on": day(role.starts_on),
            "ends_on": day(role.ends_on),
            "granted_by": user_name(role.granted_by),
            "granted_at": when(role.granted_at),
            "revoked_by": user_name(role.revoked_by),
            "revoked_at": when(role.revoked_at),
            "note": role.note,
        }
        for role in rows
    ]


def _question(consent):
    label = consent.get_topic_display()
    return f"Contact by {label.lower()}" if consent.topic in consent_rules.CONTACT_TOPICS else label


def consent_values(rows):
    return [
        {
            "question": _question(consent),
            "topic": consent.topic,
            "answer": "given" if consent.given else "not given or withdrawn",
            "given": consent.given,
            "answered_by": consent.answered_by.full_name,
            "recorded_by": user_name(consent.recorded_by),
            "how": consent.get_method_display(),
            "wording": wording_values(consent.wording),
            "season": consent.season,
            "valid_until": day(consent.valid_until),
            "recorded_at": when(consent.recorded_at),
        }
        for consent in sorted(rows, key=lambda row: (row.recorded_at, row.pk))
    ]


def contact_request_values(rows):
    return [
        {
            "asked_by": request.requested_by.full_name,
            "purpose": request.get_purpose_display(),
            "details": request.details,
            "channel": request.get_channel_display(),
            "from": when(request.starts_at),
            "until": when(request.ends_at),
            "status": request.get_status_display(),
            "decided_by": request.decided_by.full_name if request.decided_by else None,
            "decided_at": when(request.decided_at),
            "decision_note": request.decision_note,
            "asked_at": when(request.created_at),
        }
        for request in rows
    ]


def sign_in_values(person, attempts, failures, logins, devices):
    user = person.user
    if user is None:
        return None
    return {
        "account": {
            "email": user.email,
            "active": user.is_active,
            "created_at": when(user.date_joined),
            "last_sign_in": when(user.last_login),
        },
        "sign_ins": [
            {
                "at": when(row.attempt_time),
                "signed_out_at": when(row.logout_time),
                "address": row.ip_address,
                "browser": row.user_agent,
            }
            for row in logins
        ],
        "failed_attempts": [
            {
                "at": when(row.attempt_time),
                "address": row.ip_address,
                "browser": row.user_agent,
                "page": row.path_info,
                "failures": row.failures_since_start,
            }
            for row in attempts
        ]
        + [
            {
                "at": when(row.attempt_time),
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
                "added_at": when(device.created_at),
                "last_used_at": when(device.last_used_at),
            }
            for device in devices
        ],
    }


def message_values(deliveries, logs, ids):
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
                "written_at": when(message.created_at),
                "approved_at": when(message.approved_at),
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
                "held_until": when(delivery.hold_until),
                "sent_at": when(delivery.sent_at),
                "log": [
                    {"at": when(row.at), "event": row.event, "detail": row.detail if ours else ""}
                    for row in logs.get(delivery.pk, [])
                ],
            }
        )
    return sorted(messages.values(), key=lambda message: (message["written_at"], message["id"]))


def removed_post_values(records, affected, children, ids, names):
    rows = []
    for record in records:
        authored = record.author_id in ids
        rows.append(
            {
                "account": str(record.account),
                "removed_at": when(record.removed_at),
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


def set_aside_values(row):
    if row is None:
        return None
    held = [label for label, value in (("a mobile number", row.mobile), ("an email address", row.email)) if value]
    return {
        "what": " and ".join(held) if held else "nothing any more",
        "set_aside_at": when(row.withheld_at),
        "removed_at": when(row.purged_at),
        "why": "A guardian withdrew the consent that allowed the club to hold them; they are kept apart, "
        "used by nothing, until the grace period ends or the consent is given again.",
    }


def agreement_values(rows):
    return [
        {
            "wording": wording_values(agreement.wording),
            "how": agreement.get_method_display(),
            "recorded_by": user_name(agreement.recorded_by),
            "agreed_at": when(agreement.agreed_at),
        }
        for agreement in rows
    ]


def team_values(places, posts):
    return (
        [{"team": place.team.name, "joined_on": day(place.joined_on)} for place in places],
        [{"team": post.team.name, "post": post.get_kind_display()} for post in posts],
    )


def volunteering_values(*, training, checks, acknowledgements, custodianships, appointments):
    return {
        "training": [
            {
                "course": row.get_kind_display(),
                "completed_on": day(row.completed_on),
                "expires_on": day(row.expires_on),
                "provider": row.provider,
            }
            for row in training
        ],
        "criminal_records_checks": [
            {"checked_on": day(row.checked_on), "renew_by": day(row.renew_by), "certificate": row.certificate_reference}
            for row in checks
        ],
        "policy_acknowledgements": [
            {"policy": str(row.version), "acknowledged_at": when(row.acknowledged_at)} for row in acknowledgements
        ],
        "club_accounts_held": [
            {"account": str(row.account), "from": day(row.since), "until": day(row.ended_on)} for row in custodianships
        ],
        "appointments": [
            {
                "account": str(row.account),
                "appointed_on": day(row.appointed_on),
                "ended_on": day(row.ended_on),
                "minute": row.minute_reference,
            }
            for row in appointments
        ],
    }


def record_change_values(rows):
    return [
        {"at": when(row.history_date), "change": row.get_history_type_display(), "by": user_name(row.history_user)}
        for row in rows
    ]


def reply_values(replies):
    return [
        {
            "from": reply.from_person.full_name,
            "channel": reply.get_channel_display(),
            "from_address": reply.from_address,
            "body": reply.body,
            "received_at": when(reply.received_at),
            "answered_at": when(reply.answered_at),
            "in_answer_to": (reply.message.subject or f"Message {reply.message_id}") if reply.message else None,
        }
        for reply in replies
    ]


def family_values(family):
    return {
        "id": family.pk,
        "name": family.name,
        "address": family.address,
        "postcode": family.postcode,
        "home_phone": family.home_phone,
        "created_at": when(family.created_at),
    }
