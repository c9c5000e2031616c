"""Every write to a concern or case: the report, triage, the chronology, evidence, links to people,
access grants, and the alerts. Each change also writes its chronology entry, so the case tells
its own history (X-2)."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from messaging import replies, sms
from messaging.models import Reply
from people.models import STAFF_ROLE_KINDS, Person
from people.selectors import welfare_officer_recipients
from sefton_safety.club import club
from sefton_safety.mail import email_send

from . import evidence_files, rules, tasks
from .access import VIEW_CASE, is_welfare_officer
from .exceptions import ChronologyError, EvidenceRefused, IncidentError
from .models import CaseEntry, Evidence, Incident, IncidentSubject

ALERT_GRACE = timedelta(minutes=2)
# A keyword default that tells "not given" from "cleared" (None).
UNCHANGED = object()
# The chronology's words for a report stored without an alert of its own (the concern form's
# per-address limit); the reporter's status page reads them too.
ALERT_HELD_BACK = "Stored with no separate alert"


def _entry(incident, kind, text, author, **fields):
    return CaseEntry.objects.create(incident=incident, kind=kind, text=text, author=author, **fields)


def _account(by):
    """The sign-in account a case's rows record for `by`, the person who did it: the chronology's
    authors and the seen, linked and uploaded stamps are kept by account, as the access gate is."""
    return by.user if by is not None else None


def _locked(incident):
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def incident_report(
    *,
    reporter,
    category,
    channel,
    what_happened,
    happened_on,
    people_involved="",
    immediate_risk=False,
    reporter_relationship="",
    reporter_name="",
    reporter_contact="",
    evidence_file=None,
    evidence_description="",
    alert=True,
):
    """INC-1, INC-2: one procedure for every report, whoever makes it and however the concern
    arose (online or face to face). The welfare officers are alerted once it is stored.

    With `alert=False` (one of many reports from one address within minutes, the officers already
    alerted to the first of them) the report is stored and listed all the same, but sends no alert
    of its own, and its chronology says so: a flood cannot bury the officers' phones, and a genuine
    report inside it is never lost."""
    if not (what_happened or "").strip():
        raise IncidentError("Say what happened, in your own words.")
    refused = [
        f
        for f in rules.happened_on_findings(happened_on=happened_on, today=timezone.localdate())
        if f.code == "refused"
    ]
    if refused:
        raise IncidentError(refused[0].message)
    user = reporter if reporter is not None and reporter.is_authenticated else None
    incident = Incident.objects.create(
        reporter=user,
        category=category,
        channel=channel,
        what_happened=what_happened.strip(),
        happened_on=happened_on,
        people_involved=people_involved.strip(),
        immediate_risk=immediate_risk,
        priority=Incident.Priority.URGENT if immediate_risk else Incident.Priority.NORMAL,
        reporter_relationship=reporter_relationship,
        reporter_name=reporter_name.strip(),
        reporter_contact=reporter_contact.strip(),
    )
    risk = " The reporter said a child is in danger now." if immediate_risk else ""
    _entry(incident, CaseEntry.Kind.REPORT, f"Concern reported through the form.{risk}", user)
    if evidence_file is not None:
        _evidence_keep(incident=incident, user=user, uploaded_file=evidence_file, description=evidence_description)
    if alert:
        _alert_on_commit(incident)
    else:
        # Marked as alerted, so the scheduler's sweep does not send the alert held back here.
        incident.alerted_at = incident.reported_at
        incident.save(update_fields=["alerted_at"])
        _entry(
            incident,
            CaseEntry.Kind.STATUS,
            f"{ALERT_HELD_BACK}: one of many reports from the same address within minutes; the welfare "
            "officers were alerted to the first of them.",
            None,
        )
    return incident


def incident_alert_held_back(incident):
    """Whether this report was stored without an alert of its own (see `incident_report`)."""
    return incident.entries.filter(kind=CaseEntry.Kind.STATUS, text__startswith=ALERT_HELD_BACK).exists()


def _alert_on_commit(incident, *, except_user=None):
    incident_id, except_id = incident.pk, getattr(except_user, "pk", None)
    # Robust: if the broker is down the report is still stored and the reporter still thanked;
    # the sweep sends every alert that was never queued.
    transaction.on_commit(lambda: tasks.send_incident_alert.delay(incident_id, except_id), robust=True)


@transaction.atomic
def incident_from_reply(*, reply, by, category):
    """INC-8: a concerning reply from a young person (MSG-8) becomes a case in one step. Raising
    it twice gives the same case."""
    # Two officers pressing at once get the same case: the reply row is the lock.
    Reply.objects.select_for_update().filter(pk=reply.pk).first()
    existing = Incident.objects.filter(reply=reply).first()
    if existing is not None:
        return existing
    channel = Incident.Channel.TEXT if reply.channel == "sms" else Incident.Channel.EMAIL
    now, user = timezone.now(), _account(by)
    incident = Incident.objects.create(
        source=Incident.Source.MESSAGE_REPLY,
        reply=reply,
        reporter=user,
        reporter_relationship=Incident.ReporterRelationship.VOLUNTEER,
        category=category,
        channel=channel,
        what_happened=f"Reply received {timezone.localtime(reply.received_at):%d %b %Y %H:%M}:\n\n{reply.body}",
        happened_on=timezone.localdate(reply.received_at),
        people_involved=reply.from_person.full_name if reply.from_person_id else reply.from_address,
        seen_at=now,
        seen_by=user,
    )
    _entry(incident, CaseEntry.Kind.REPORT, "Case raised from a reply to a club message (MSG-8).", user)
    incident.transition_to(Incident.Status.IN_REVIEW)
    incident.save(update_fields=["status"])
    _entry(incident, CaseEntry.Kind.STATUS, "Status changed from new to in review.", user)
    if reply.from_person_id:
        IncidentSubject.objects.create(
            incident=incident, person=reply.from_person, part=IncidentSubject.Part.CHILD_AFFECTED, added_by=user
        )
    if by is not None:
        replies.reply_mark_seen(reply=reply, by=by)
    _alert_on_commit(incident, except_user=user)
    return incident


@transaction.atomic
def incident_mark_seen(*, incident, by):
    """INC-3: the alert was seen; the first welfare officer to open it says so."""
    incident = _locked(incident)
    if incident.seen_at is None:
        incident.seen_at, incident.seen_by = timezone.now(), _account(by)
        incident.save(update_fields=["seen_at", "seen_by"])
        _entry(incident, CaseEntry.Kind.STATUS, "Marked as seen.", _account(by))
    return incident


@transaction.atomic
def incident_transition(*, incident, status, by, reason="", outcome=""):
    """INC-3: moves a case along the declared transition table. Closing needs an outcome and a
    summary; reopening needs a reason."""
    incident = _locked(incident)
    before = incident.get_status_display()
    if status == Incident.Status.CLOSED:
        findings = rules.closing_findings(outcome=outcome, summary=reason)
        if findings:
            raise IncidentError(" ".join(f.message for f in findings))
    if incident.status == Incident.Status.CLOSED and not reason.strip():
        raise IncidentError("Say why the case is being reopened.")
    incident.transition_to(status)
    if status == Incident.Status.CLOSED:
        incident.outcome, incident.closed_at = outcome, timezone.now()
        text = f"Closed. Outcome: {Incident.Outcome(outcome).label}. {reason.strip()}"
    else:
        incident.outcome, incident.closed_at = "", None
        text = f"Status changed from {before.lower()} to {incident.get_status_display().lower()}."
        if reason.strip():
            text = f"{text} {reason.strip()}"
    if incident.seen_at is None:
        incident.seen_at, incident.seen_by = timezone.now(), _account(by)
    incident.save(update_fields=["status", "outcome", "closed_at", "seen_at", "seen_by"])
    _entry(incident, CaseEntry.Kind.STATUS, text, _account(by))
    return incident


@transaction.atomic
def incident_triage(*, incident, by, priority, assignee, next_review_on=UNCHANGED):
    """INC-3: priority, the welfare officer who holds the case, and the day it is reviewed next
    (kept in the case's history and written to its chronology like every change)."""
    incident = _locked(incident)
    if assignee is not None and not is_welfare_officer(assignee):
        raise IncidentError("Cases are assigned to a welfare officer.")
    if assignee is not None and IncidentSubject.objects.filter(incident=incident, person__user=assignee).exists():
        raise IncidentError("This case is about that welfare officer, so it cannot be given to them.")
    changes = []
    if priority != incident.priority:
        old, new = Incident.Priority(incident.priority).label, Incident.Priority(priority).label
        changes.append(f"Priority changed from {old.lower()} to {new.lower()}.")
        incident.priority = priority
    if assignee != incident.assignee:
        name = assignee.person.full_name if assignee is not None else "nobody"
        changes.append(f"Assigned to {name}.")
        incident.assignee = assignee
    if next_review_on is not UNCHANGED and next_review_on != incident.next_review_on:
        changes.append(f"Next review on {next_review_on:%-d %B %Y}." if next_review_on else "Next review date cleared.")
        incident.next_review_on = next_review_on
    if changes:
        incident.save(update_fields=["priority", "assignee", "next_review_on"])
        _entry(incident, CaseEntry.Kind.STATUS, " ".join(changes), _account(by))
    return incident


@transaction.atomic
def case_entry_add(
    *,
    incident,
    by,
    kind,
    text,
    agency="",
    agency_reference="",
    corrects=None,
    response_due_on=None,
    responds_to=None,
):
    """INC-4: a note, action, decision, referral or correction, stamped with time and author. A
    referral moves an open case to "referred" and may say when the agency should answer; a later
    entry that records the answer names the referral, which then no longer shows as overdue."""
    if kind not in CaseEntry.WRITTEN_KINDS:
        raise ChronologyError("That kind of entry is written by the portal itself.")
    if kind not in CaseEntry.HELPER_KINDS and (by is None or not is_welfare_officer(by.user)):
        raise ChronologyError("Decisions, referrals and corrections are for the welfare officers.")
    if kind == CaseEntry.Kind.REFERRAL:
        findings = rules.referral_findings(agency=agency, text=text)
        if findings:
            raise ChronologyError(" ".join(f.message for f in findings))
    elif not (text or "").strip():
        raise ChronologyError("An entry needs some words.")
    if kind == CaseEntry.Kind.CORRECTION and (corrects is None or corrects.incident_id != incident.pk):
        raise ChronologyError("Choose the entry of this case that the correction corrects.")
    if response_due_on is not None and kind != CaseEntry.Kind.REFERRAL:
        raise ChronologyError("Only a referral waits for an answer.")
    if responds_to is not None and (
        kind == CaseEntry.Kind.REFERRAL
        or responds_to.incident_id != incident.pk
        or responds_to.kind != CaseEntry.Kind.REFERRAL
    ):
        raise ChronologyError("Choose a referral of this case for the answer to record.")
    incident = _locked(incident)
    if not incident.is_open and kind != CaseEntry.Kind.CORRECTION:
        raise ChronologyError("This case is closed. Reopen it to add to it, or add a correction.")
    entry = _entry(
        incident,
        kind,
        text.strip(),
        _account(by),
        agency=agency if kind == CaseEntry.Kind.REFERRAL else "",
        agency_reference=agency_reference.strip() if kind == CaseEntry.Kind.REFERRAL else "",
        corrects=corrects if kind == CaseEntry.Kind.CORRECTION else None,
        response_due_on=response_due_on,
        responds_to=responds_to,
    )
    referable = {Incident.Status.NEW, Incident.Status.IN_REVIEW, Incident.Status.MONITORING}
    if kind == CaseEntry.Kind.REFERRAL and incident.status in referable:
        incident_transition(incident=incident, status=Incident.Status.REFERRED, by=by)
    return entry


@transaction.atomic
def evidence_add(*, incident, by, uploaded_file, description=""):
    """INC-9: `by` adds a file to the case; see `_evidence_keep`."""
    return _evidence_keep(incident=incident, user=_account(by), uploaded_file=uploaded_file, description=description)


def _evidence_keep(*, incident, user, uploaded_file, description):
    """INC-9: stores a screenshot or document privately with the case. The type is read from the
    file's own bytes, not its name, and only images and PDFs are kept: a picture drawn again from
    its pixels, a PDF only if it runs nothing when opened (`evidence_files`). The checksum is of
    the copy kept; the chronology also records the checksum of the file as it was sent."""
    incident = _locked(incident)
    if not incident.is_open:
        raise EvidenceRefused("This case is closed. Reopen it to add evidence.")
    if uploaded_file.size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise EvidenceRefused(f"The file is larger than {limit} MB. Send a smaller screenshot or a PDF.")
    uploaded_file.seek(0)
    content = uploaded_file.read()
    content_type = evidence_files.sniffed_type(content[:8192])
    if content_type not in evidence_files.EVIDENCE_TYPES:
        raise EvidenceRefused("Only screenshots and photos (PNG, JPEG, GIF, WebP, HEIC) or PDF documents can be added.")
    name = evidence_files.shown_name(uploaded_file.name) or "evidence"
    name_limit = Evidence._meta.get_field("original_name").max_length
    if len(name) > name_limit:
        raise EvidenceRefused(f"The file's name is longer than {name_limit} characters. Rename it and add it again.")
    description = description.strip()
    description_limit = Evidence._meta.get_field("description").max_length
    if len(description) > description_limit:
        raise EvidenceRefused(
            f"Say what it shows in {description_limit} characters or fewer: this is {len(description)}."
        )
    kept = evidence_files.kept_copy(content, content_type)
    evidence = Evidence(
        incident=incident,
        original_name=name,
        content_type=kept.content_type,
        size=len(kept.content),
        sha256=hashlib.sha256(kept.content).hexdigest(),
        description=description,
        uploaded_by=user,
    )
    evidence.file.save("evidence", ContentFile(kept.content), save=False)
    stored = evidence.file.name
    label = description or evidence_files.EVIDENCE_TYPES[content_type]
    text = f"Evidence added: {label} ({name})."
    if kept.reencoded_from:
        kinds = [evidence_files.EVIDENCE_TYPES[kind].split()[0] for kind in (content_type, kept.content_type)]
        converted = f" from {kinds[0]} to {kinds[1]}" if kinds[0] != kinds[1] else ""
        text += (
            f" The picture was re-encoded{converted} on arrival, so nothing hidden in or after it is kept."
            f" SHA-256 of the file as sent {hashlib.sha256(content).hexdigest()}; as kept {evidence.sha256}."
        )
    # A file whose record failed to save is removed at once: evidence never lies about unlinked.
    try:
        evidence.save()
        _entry(incident, CaseEntry.Kind.EVIDENCE, text, user)
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    return evidence


@transaction.atomic
def subject_link(*, incident, by, person, part):
    """INC-6: links a person in the register to the case, so earlier concerns about them show."""
    link, created = IncidentSubject.objects.get_or_create(
        incident=incident, person=person, defaults={"part": part, "added_by": _account(by)}
    )
    if created:
        _entry(
            incident,
            CaseEntry.Kind.ACCESS,
            f"Linked {person.full_name} as {link.get_part_display().lower()}.",
            _account(by),
        )
        if person.user_id is not None:
            remove_perm(VIEW_CASE, person.user, incident)
    return link


@transaction.atomic
def subject_unlink(*, link, by):
    incident, person = link.incident, link.person
    link.delete()
    _entry(incident, CaseEntry.Kind.ACCESS, f"Unlinked {person.full_name}: linked in error.", _account(by))


def access_grantable_people():
    """People who can be given one case: anyone with a sign-in account and a staff role today."""
    return Person.objects.holding(*STAFF_ROLE_KINDS).filter(user__isnull=False, user__is_active=True)


@transaction.atomic
def access_grant(*, incident, by, person):
    """INC-5: one person may read one case, for as long as the grant stands."""
    if person.user_id is None:
        raise IncidentError(f"{person.full_name} has no sign-in account to read the case with.")
    if IncidentSubject.objects.filter(incident=incident, person=person).exists():
        raise IncidentError(f"{person.full_name} is linked to this case, so cannot be given access to it.")
    assign_perm(VIEW_CASE, person.user, incident)
    _entry(incident, CaseEntry.Kind.ACCESS, f"Access given to {person.full_name}.", _account(by))
    user_id, reference = person.user_id, incident.reference
    transaction.on_commit(lambda: tasks.send_access_granted.delay(reference, user_id))


@transaction.atomic
def access_revoke(*, incident, by, person):
    if (
        person.user_id is None
        or not get_objects_for_user(
            person.user, VIEW_CASE, klass=Incident.objects.filter(pk=incident.pk), accept_global_perms=False
        ).exists()
    ):
        raise IncidentError(f"{person.full_name} had not been given this case.")
    remove_perm(VIEW_CASE, person.user, incident)
    _entry(incident, CaseEntry.Kind.ACCESS, f"Access withdrawn from {person.full_name}.", _account(by))


def _case_url(incident):
    return f"{settings.SITE_URL}{reverse('incidents:case-detail', args=[incident.reference])}"


def incidents_unalerted_sweep(*, now=None):
    """From the scheduler: a report whose alert never reached the queue (the broker was down when
    it was made) is alerted now. Nothing waits unseen because a message was lost."""
    now = now or timezone.now()
    waiting = Incident.objects.filter(alerted_at__isnull=True, reported_at__lt=now - ALERT_GRACE)
    ids = list(waiting.values_list("pk", flat=True))
    for incident_id in ids:
        tasks.send_incident_alert.delay(incident_id)
    return len(ids)


@transaction.atomic
def incident_alerted_mark(*, incident_id):
    """Notes that the alert went to the queue, once, through the case's history like any change (X-2)."""
    incident = Incident.objects.select_for_update().filter(pk=incident_id, alerted_at__isnull=True).first()
    if incident is None:
        return None
    incident.alerted_at = timezone.now()
    incident.save(update_fields=["alerted_at"])
    return incident


def incident_alert_recipients(*, incident, except_user_id=None):
    """The welfare officers to alert: all of them, but never one the case is about."""
    linked = set(IncidentSubject.objects.filter(incident=incident).values_list("person_id", flat=True))
    return [
        officer
        for officer in welfare_officer_recipients()
        if officer.pk not in linked and (except_user_id is None or officer.user_id != except_user_id)
    ]


def incident_alert_send(*, incident, officer):
    """INC-3: a welfare officer hears of a new case at once, by email, and by text too when a child
    may be in danger now. The alert carries only a link: no names, no category, no words of the
    report, because email and phones are read in places a case file is not."""
    url = _case_url(incident)
    address = officer.email_address
    if address:
        email_send(
            template="incident_alert",
            to=address,
            subject=f"{club().name}: {'URGENT: ' if incident.immediate_risk else ''}a new concern to read",
            context={"url": url, "urgent": incident.immediate_risk},
        )
    if incident.immediate_risk and officer.mobile:
        sms.get_backend().send(
            to=officer.mobile,
            body=f"{club().name}: URGENT concern reported. Please read it now: {url}",
            idempotency_key=f"incident-alert-{incident.pk}-{officer.pk}",
        )


def access_granted_send(*, incident, user):
    email_send(
        template="incident_access",
        to=user.email,
        subject=f"{club().name}: the welfare officer has shared a case with you",
        context={"url": _case_url(incident)},
    )
