"""Volunteers compose with a live policy check; the designated person approves; everyone who may
see a message reads the worker's verdict for each recipient."""

import base64
import hashlib
import hmac

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from people.models import Person, Role, Team
from people.roles import holds_role, is_staff_member
from people.selectors import person_for_user
from sefton_safety.bounces import is_delivery_report
from sefton_safety.mail import delivery_report_receive

from . import access, alerts, progress, replies, sending, services
from .exceptions import MessageRefused, MessagingError
from .forms import TEMPLATES, InboundReplyForm, MessageComposeForm, MessageReviseForm, ReturnForm
from .models import Delivery, DeliveryLogEntry, Message, Reply


def _author(request):
    person = person_for_user(request.user)
    if person is None or not holds_role(
        request.user, Role.Kind.VOLUNTEER, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER
    ):
        raise PermissionDenied("Only the club's volunteers send messages to players and families.")
    return person


@login_required
@require_POST
def check(request):
    """POST /messages/check: the content rules, as the worker applies them, for the live check."""
    if not is_staff_member(request.user):
        return JsonResponse({"ok": False, "error": "Only volunteers can check messages."}, status=403)
    channel = request.POST.get("channel", "")
    audience = request.POST.get("audience", "")
    if channel not in Message.Channel.values or audience not in Message.Audience.values:
        return JsonResponse(
            {"ok": False, "error": "channel must be email or sms; audience child, guardian or team."}, status=400
        )
    findings = services.content_check(text=request.POST.get("text", ""), channel=channel, audience=audience)
    return JsonResponse(
        {"ok": not findings, "findings": [{"rule": f.rule, "code": f.code, "message": f.message} for f in findings]}
    )


@login_required
def message_list(request):
    author = _author(request)
    items = (
        progress.with_delivery_counts(Message.objects.filter(author=author))
        .select_related("team")
        .annotate(replied=Count("replies", filter=Q(replies__goes_to=Reply.GoesTo.AUTHOR), distinct=True))
        # A grouped query ignores Meta.ordering: newest first, said again.
        .order_by("-created_at", "-pk")
    )
    for item in items:
        item.progress = progress.Progress.of_annotated(item)
    return render(request, "messaging/message_list.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def message_compose(request):
    author = _author(request)
    teams = Team.objects.filter(team_staff__person=author).distinct()
    players = Person.objects.filter(team_places__team__in=teams).distinct().order_by("last_name", "first_name")
    form = MessageComposeForm(request.POST if request.method == "POST" else None, teams=teams, players=players)
    # A refused send keeps its reasons in the policy check panel, not only under the message box.
    check_findings = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One step for the author: a message the rules refuse leaves no draft behind, so the
            # form shown again is the only copy and sending it once more does not make another.
            with transaction.atomic():
                message = services.message_create(
                    author=author,
                    channel=data["channel"],
                    audience=data["audience"],
                    kind=data["kind"],
                    body=data["body"],
                    subject=data["subject"],
                    team=data["team"],
                    recipients=data["recipients"],
                )
                message = services.message_submit(message=message, by=author)
        except MessageRefused as refused:
            check_findings = refused.findings
            for finding in refused.findings:
                form.add_error("body", f"{finding.message} ({finding.rule})")
        except MessagingError as error:
            form.add_error(None, str(error))
        else:
            if message.status == Message.Status.AWAITING_APPROVAL:
                flash.success(request, "Sent to the designated person for approval. You will see the outcome here.")
            else:
                flash.success(request, "Passed the policy check and handed to the worker: each result shows below.")
            return redirect("messaging:message-detail", pk=message.pk)
    return render(
        request,
        "messaging/message_compose.html",
        {"form": form, "templates": TEMPLATES, "check_findings": check_findings},
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_revise(request, pk):
    """The author puts right a message the designated person sent back, and sends it again."""
    author = _author(request)
    message = access.message_get_for_user(request.user, pk)
    if message.author_id != author.pk or message.status != Message.Status.RETURNED:
        raise PermissionDenied("Only the author can change a message that was sent back.")
    form = MessageReviseForm(
        request.POST if request.method == "POST" else None,
        initial={"subject": message.subject, "body": message.body},
        channel=message.channel,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.message_revise(message=message, by=author, **form.cleaned_data)
        except MessageRefused as refused:
            for finding in refused.findings:
                form.add_error("body", f"{finding.message} ({finding.rule})")
        else:
            flash.success(request, "Sent to the designated person again.")
            return redirect("messaging:message-detail", pk=pk)
    return render(request, "messaging/message_revise.html", {"form": form, "message": message})


@login_required
@require_POST
def message_cancel(request, pk):
    author = _author(request)
    message = access.message_get_for_user(request.user, pk)
    try:
        services.message_cancel(message=message, by=author)
    except MessagingError as error:
        flash.error(request, str(error))
    else:
        flash.success(request, "Cancelled: it will not be sent.")
    return redirect("messaging:message-detail", pk=pk)


@login_required
def message_detail(request, pk):
    message = access.message_get_for_user(request.user, pk)
    deliveries = progress.deliveries_described(message)
    return render(
        request,
        "messaging/message_detail.html",
        {
            "message": message,
            "deliveries": deliveries,
            "progress": progress.Progress.of_deliveries(message, deliveries),
            "can_approve": message.status == Message.Status.AWAITING_APPROVAL
            and holds_role(request.user, Role.Kind.DESIGNATED_PERSON)
            and message.author.user_id != request.user.pk,
            "return_form": ReturnForm(),
            "recipients": message.recipients.order_by("last_name", "first_name"),
            "is_author": message.author.user_id == request.user.pk,
            "findings": services.content_check(text=message.body, channel=message.channel, audience=message.audience),
            # MSG-8: parents' and other adults' replies come back to the author's message.
            "replies": message.replies.filter(goes_to=Reply.GoesTo.AUTHOR).select_related("from_person")
            if message.author.user_id == request.user.pk
            or holds_role(request.user, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER)
            else Reply.objects.none(),
        },
    )


def _live_parts(request, parts, *, done):
    """The JSON a page's live-status script polls: its parts rendered again, and whether anything is
    still to change (the script stops then)."""
    rendered = {
        name: render_to_string(template, context, request=request) for name, (template, context) in parts.items()
    }
    return JsonResponse({"done": done, "parts": rendered})


@login_required
@require_GET
def message_status(request, pk):
    """GET /messages/<pk>/status: the message page's progress and deliveries, behind the page's gate."""
    message = access.message_get_for_user(request.user, pk)
    deliveries = progress.deliveries_described(message)
    state = progress.Progress.of_deliveries(message, deliveries)
    context = {"message": message, "deliveries": deliveries, "progress": state}
    return _live_parts(
        request,
        {
            "progress": ("messaging/_message_progress.html", context),
            "deliveries": ("messaging/_delivery_list.html", context),
        },
        done=not state.live,
    )


def _designated_person(request):
    person = person_for_user(request.user)
    if person is None or not holds_role(request.user, Role.Kind.DESIGNATED_PERSON):
        raise PermissionDenied("Messages to children are approved by the designated person.")
    return person


# The approvals page follows the designated person's latest decisions as the worker sends them.
RECENTLY_APPROVED = 10


def _approvals(request):
    _designated_person(request)
    waiting = Message.objects.filter(status=Message.Status.AWAITING_APPROVAL).select_related("author", "team")
    approved = list(
        progress.with_delivery_counts(Message.objects.filter(status=Message.Status.APPROVED, approved_at__isnull=False))
        .select_related("author", "team", "approved_by")
        .order_by("-approved_at", "-pk")[:RECENTLY_APPROVED]
    )
    for item in approved:
        item.progress = progress.Progress.of_annotated(item)
    return {"waiting": waiting, "approved": approved, "live": any(item.progress.live for item in approved)}


@login_required
def approval_queue(request):
    return render(request, "messaging/approval_queue.html", _approvals(request))


@login_required
@require_GET
def approval_status(request):
    """GET /messages/approvals/status: the approvals page's two lists, behind the page's gate."""
    context = _approvals(request)
    return _live_parts(
        request,
        {
            "waiting": ("messaging/_approvals_waiting.html", context),
            "approved": ("messaging/_approvals_recent.html", context),
        },
        done=not context["live"],
    )


@login_required
@require_POST
def message_approve(request, pk):
    by = _designated_person(request)
    message = access.message_get_for_user(request.user, pk)
    try:
        services.message_approve(message=message, by=by)
    except MessagingError as error:
        flash.error(request, str(error))
    else:
        flash.success(request, "Approved. The worker checks each recipient again as it sends.")
    return redirect("messaging:message-detail", pk=pk)


@login_required
@require_POST
def message_return(request, pk):
    by = _designated_person(request)
    message = access.message_get_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        flash.error(request, "Say why it is sent back, so the author can put it right.")
        return redirect("messaging:message-detail", pk=pk)
    try:
        services.message_return(message=message, by=by, reason=form.cleaned_data["reason"])
    except MessagingError as error:
        flash.error(request, str(error))
    else:
        flash.success(request, "Sent back to the author with your reason.")
    return redirect("messaging:message-detail", pk=pk)


@login_required
@require_POST
def delivery_retry(request, pk):
    delivery = access.delivery_get_for_user(request.user, pk)
    message = delivery.message
    person = person_for_user(request.user)
    from_list = request.POST.get("from") == "failed-deliveries"
    back = redirect("messaging:failed-deliveries") if from_list else redirect("messaging:message-detail", pk=message.pk)
    if from_list and request.POST.get("checked") != "yes":
        flash.error(request, "Tick that you have checked with the family first, so that nobody gets it twice.")
        return back
    try:
        sending.delivery_retry(delivery=delivery, by=person)
    except MessagingError as error:
        flash.error(request, str(error))
    else:
        flash.success(request, "Queued again. The worker checks every rule again before it sends.")
    return back


# Deliveries that did not arrive, across the club (MSG-9) ----------------------------------------

FAILURE_READERS = (Role.Kind.DESIGNATED_PERSON, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER)
FAILURE_REASONS = {
    "failed": "Refused or failed",
    "unknown": "Outcome unknown",
}


def _failed_delivery_reader(request):
    person = person_for_user(request.user)
    if person is None or not holds_role(request.user, *FAILURE_READERS):
        raise PermissionDenied("The list of messages that did not arrive is for the designated person and welfare.")
    return person


@login_required
@never_cache
def failed_deliveries(request):
    """Every dead delivery of the club, newest first, with why it died; a person checks with the
    family and sends it again from here."""
    _failed_delivery_reader(request)
    last_entry = DeliveryLogEntry.objects.filter(delivery=OuterRef("pk")).exclude(
        event__in=(alerts.QUEUED, alerts.SENT)
    )
    last_entry = last_entry.order_by("-at", "-pk")
    unknown = Q(status="unknown") | Q(last_event__in=alerts.OUTCOME_UNKNOWN_EVENTS)
    items = (
        Delivery.objects.filter(status__in=alerts.DEATH_STATUSES)
        .select_related("message__author", "to_person", "intended_for")
        .annotate(
            last_event=Subquery(last_entry.values("event")[:1]),
            last_detail=Subquery(last_entry.values("detail")[:1]),
            died_at=Subquery(last_entry.values("at")[:1]),
        )
        .annotate(
            reason=Case(When(unknown, then=Value("unknown")), default=Value("failed")),
            reason_label=Case(
                When(unknown, then=Value(FAILURE_REASONS["unknown"])), default=Value(FAILURE_REASONS["failed"])
            ),
        )
        .order_by("-died_at", "-pk")
    )
    reason = request.GET.get("reason", "")
    if reason in FAILURE_REASONS:
        items = items.filter(reason=reason)
    return render(
        request,
        "messaging/failed_deliveries.html",
        {"items": items, "reasons": FAILURE_REASONS, "reason": reason if reason in FAILURE_REASONS else ""},
    )


# Replies (MSG-8) --------------------------------------------------------------------------------


def _inbound_allowed(request):
    """The shared secret header, or Twilio's own signature of the request with the auth token."""
    secret = settings.INBOUND_SECRET
    given = request.headers.get("X-Sefton-Inbound-Secret", "")
    if secret and hmac.compare_digest(secret, given):
        return True
    return _twilio_signature_valid(request)


def _twilio_signature_valid(request):
    token = settings.SMS_TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not (token and signature):
        return False
    # Twilio signs the full URL followed by each POST parameter's name and value, sorted by name.
    payload = request.build_absolute_uri() + "".join(f"{key}{request.POST[key]}" for key in sorted(request.POST))
    expected = base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()
    return hmac.compare_digest(expected, signature)


@csrf_exempt
@require_POST
def inbound_sms(request):
    """The text provider posts each reply here (Twilio's field names: From, Body, MessageSid)."""
    if not _inbound_allowed(request):
        return HttpResponse(status=403)
    return _reply_receive(request, Message.Channel.SMS, ("From", "Body", "MessageSid"))


@csrf_exempt
@require_POST
def inbound_email(request):
    """The mail service posts each email sent to the club's reply address here (from, text,
    message_id, and the whole message in `email` where it sends that too). A delivery report that
    lands here is a bounce, never a reply: nobody wrote it, and its words are not a family's."""
    if not _inbound_allowed(request):
        return HttpResponse(status=403)
    raw = _whole_message(request)
    if raw and is_delivery_report(raw):
        delivery_report_receive(raw=raw)
        return HttpResponse(status=204)
    return _reply_receive(request, Message.Channel.EMAIL, ("from", "text", "message_id"))


@csrf_exempt
@require_POST
def inbound_bounce(request):
    """The relay, or the mail service behind the club's sending address, posts each delivery report
    (bounce) here: the whole message, as the body (message/rfc822) or in the form field `email`."""
    if not _inbound_allowed(request):
        return HttpResponse(status=403)
    raw = _whole_message(request)
    if not raw:
        return HttpResponse("Not recorded. No message in the post.", status=400, content_type="text/plain")
    if not is_delivery_report(raw):
        # Answered like a success: a mail service retries a refused post, and this one would never do.
        return HttpResponse("Nothing recorded: not a delivery report.", content_type="text/plain")
    found = delivery_report_receive(raw=raw)
    words = f"{len(found)} address{'es' if len(found) != 1 else ''} marked failing."
    return HttpResponse(words, content_type="text/plain")


def _whole_message(request):
    """The raw email a post carries: its body, or the `email` field or file of a form post."""
    if request.content_type == "message/rfc822":
        return request.body
    if "email" in request.FILES:
        return request.FILES["email"].read()
    return request.POST.get("email", "").encode()


def _reply_receive(request, channel, names):
    """`names`: the provider's field names for the sender, the words and its reference."""
    form = InboundReplyForm(
        dict(zip(("from_address", "body", "provider_reference"), (request.POST.get(n, "") for n in names), strict=True))
    )
    if not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(form.errors[field])}"
            for name, field in zip(names, ("from_address", "body", "provider_reference"), strict=True)
            if field in form.errors
        )
        return HttpResponse(f"Not recorded. {problems}", status=400, content_type="text/plain")
    replies.reply_receive(channel=channel, **form.cleaned_data)
    return HttpResponse(status=204)


def _welfare(request):
    person = person_for_user(request.user)
    if person is None or not holds_role(request.user, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER):
        raise PermissionDenied("Replies are read by the welfare officers.")
    return person


@login_required
@never_cache
def reply_list(request):
    _welfare(request)
    items = (
        Reply.objects.filter(goes_to=Reply.GoesTo.WELFARE_OFFICERS)
        .select_related("from_person", "message__author", "seen_by", "answer")
        .annotate(incident_reference=F("incident__reference"))
    )
    return render(request, "messaging/reply_list.html", {"items": items})


@login_required
@require_POST
def reply_seen(request, pk):
    by = _welfare(request)
    reply = access.reply_get_for_user(request.user, pk)
    replies.reply_mark_seen(reply=reply, by=by)
    return redirect("messaging:reply-list")
