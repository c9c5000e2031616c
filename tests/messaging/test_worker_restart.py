"""MSG-9 with a real worker killed hard in the middle of a batch and a new one started: every message
is delivered exactly once or put in front of a person, never lost and never doubled."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import ChannelError

from messaging import sending, services
from messaging.models import Delivery, DeliveryLogEntry
from people.models import FamilyMember
from sefton_safety.celery import app as celery_app
from tests import factories
from tests.integration import CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

OPEN_ALL_DAY = {"OFFICE_HOURS_WEEKDAYS": "00:00-24:00", "OFFICE_HOURS_WEEKENDS": "00:00-24:00"}
FAMILIES = 200
KILL_AFTER = 20
BODY = (
    "Dear parents and guardians,\n\nThe junior presentation evening is on Friday in the clubhouse, starting "
    "at 6:30pm. Please tell your team manager by Monday whether your child can come.\n\n"
    "Many thanks,\nSam, Under 11s coach"
)
UNFINISHED = (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.HELD)


def add_families(team, count):
    for n in range(count):
        family = factories.FamilyFactory()
        child = factories.ChildFactory()
        guardian = factories.PersonFactory(email=f"guardian{n}@families.example.org")
        FamilyMember.objects.create(
            family=family, person=child, kind=FamilyMember.Kind.CHILD, parental_responsibility=False
        )
        FamilyMember.objects.create(family=family, person=guardian, kind=FamilyMember.Kind.GUARDIAN)
        factories.TeamPlayerFactory(team=team, person=child)


def delivered(smtp_server):
    """(idempotency key, address) of each message the worker handed to the SMTP server."""
    return [
        (m["message"]["X-Sefton-Delivery"], address)
        for m in list(smtp_server.handler.messages)
        if m["message"]["X-Sefton-Delivery"]
        for address in m["to"]
    ]


def wait_until(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def queued_tasks():
    with celery_app.connection_for_read() as connection:
        try:
            declared = connection.default_channel.queue_declare(settings.CELERY_TASK_DEFAULT_QUEUE, passive=True)
        except ChannelError:  # Redis keeps no empty list: a queue it does not find is empty
            return 0
        return declared.message_count


def test_msg9_a_worker_killed_mid_batch_and_restarted_delivers_every_message_exactly_once(club, smtp_server):
    add_families(club["team"], FAMILIES)
    message = services.message_create(
        author=club["coach"],
        channel="email",
        audience="guardian",
        kind="event_reminder",
        subject="Presentation evening",
        body=BODY,
        team=club["team"],
    )
    services.message_submit(message=message, by=club["coach"])
    deliveries = Delivery.objects.filter(message=message)
    expected = FAMILIES + 1  # and the club's own family

    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY) as first:
        wait_until(lambda: len(delivered(smtp_server)) >= KILL_AFTER, f"{KILL_AFTER} messages")
        first.process.kill()  # SIGKILL: no warm shutdown, the task in hand is neither finished nor acked
        first.process.wait()
    delivered_before_restart = len(delivered(smtp_server))
    assert deliveries.count() == expected
    assert delivered_before_restart < expected, "the worker finished the batch before it could be killed"

    # The scheduler's sweep, its clock past the stuck limit: the task lost with the worker is
    # queued again if its delivery never started, and one caught between 'sending' and the SMTP
    # reply goes to a person. It runs before the new worker starts, since a sweep ten minutes
    # ahead would take a send in progress for a stuck one.
    sending.deliveries_sweep(now=timezone.now() + sending.REQUEUE_AFTER + timedelta(minutes=1))
    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY):
        wait_until(lambda: not deliveries.filter(status__in=UNFINISHED).exists(), "every delivery to finish")
        # The sweep queued tasks again for deliveries whose first task was still queued: those run
        # too, and must find their delivery already sent.
        wait_until(lambda: queued_tasks() == 0, "the queue to empty")
        time.sleep(1)

    received = delivered(smtp_server)
    per_key = Counter(key for key, _ in received)
    per_address = Counter(address for _, address in received)
    statuses = dict(deliveries.values_list("idempotency_key", "status"))
    sent = {key for key, status in statuses.items() if status == Delivery.Status.SENT}
    dead = {key for key, status in statuses.items() if status == Delivery.Status.UNKNOWN}
    stuck = set(
        DeliveryLogEntry.objects.filter(delivery__message=message, event="stuck").values_list(
            "delivery__idempotency_key", flat=True
        )
    )
    assert [address for address, times in per_address.items() if times > 1] == [], "an address got it twice"
    assert sent | dead == set(statuses), "a delivery was neither sent nor put in front of a person"
    assert {key for key in sent if per_key[key] != 1} == set(), "a delivery marked sent did not arrive once"
    # A delivery killed after the SMTP server took it but before its reply was stored may have
    # arrived: it is dead, in front of a person, never out a second time.
    assert set(per_key) - sent <= dead
    assert len(per_address) == len(sent) + len(dead & set(per_key))
    assert dead == stuck
    assert len(sent) + len(dead) == expected


def per_message_and_address(smtp_server):
    return Counter(
        (key.split("-")[0], address)
        for key, address in delivered(smtp_server)  # the key starts with m<message id>
    )


def family_message(club, subject):
    message = services.message_create(
        author=club["coach"],
        channel="email",
        audience="guardian",
        kind="event_reminder",
        subject=subject,
        body=BODY,
        team=club["team"],
    )
    services.message_submit(message=message, by=club["coach"])
    return message


def test_msg9_a_worker_killed_before_or_after_handing_a_message_over_sends_it_once_or_marks_it_unknown(
    club, smtp_server
):
    """Issue test 2: SIGKILL while the mail server holds the conversation before DATA, and again
    after the message reached it but before its answer: neither delivery is sent twice; both are in
    front of a person as 'outcome unknown', and every other one arrives once."""
    add_families(club["team"], 5)
    server = smtp_server.handler
    sweep_later = timezone.now() + sending.REQUEUE_AFTER + timedelta(minutes=1)

    release = server.hold("guardian0@families.example.org")
    before = family_message(club, "Presentation evening")
    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY) as first:
        assert server.holding.wait(30), "the worker never reached the mail server"
        first.process.kill()
        first.process.wait()
    release.set()
    sending.deliveries_sweep(now=sweep_later)

    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY) as second:
        wait_until(lambda: not Delivery.objects.filter(message=before, status__in=UNFINISHED).exists(), "the first")
        server.answer("guardian1@families.example.org", ("late", 30))
        after = family_message(club, "Awards night")
        wait_until(
            lambda: (f"m{after.pk}", "guardian1@families.example.org") in per_message_and_address(smtp_server),
            "the message to reach the mail server",
        )
        second.process.kill()
        second.process.wait()
    sending.deliveries_sweep(now=sweep_later + timedelta(minutes=1))

    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY):
        wait_until(lambda: not Delivery.objects.filter(status__in=UNFINISHED).exists(), "every delivery to finish")
        wait_until(lambda: queued_tasks() == 0, "the queue to empty")
        time.sleep(1)

    received = per_message_and_address(smtp_server)
    statuses = {(f"m{d.message_id}", d.address): d.status for d in Delivery.objects.filter(message__in=[before, after])}
    unknown = {key for key, status in statuses.items() if status == Delivery.Status.UNKNOWN}
    assert [key for key, times in received.items() if times > 1] == [], "a message arrived twice"
    assert unknown == {
        (f"m{before.pk}", "guardian0@families.example.org"),
        (f"m{after.pk}", "guardian1@families.example.org"),
    }
    assert {key for key, status in statuses.items() if status == Delivery.Status.SENT} == set(statuses) - unknown
    assert set(received) == set(statuses) - {(f"m{before.pk}", "guardian0@families.example.org")}
