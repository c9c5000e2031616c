"""MSG-9 under faults outside the worker: Redis stopped mid-batch and PostgreSQL restarted under
load, with the web, the worker, the broker and the database each in their own process. Each test
ends by counting, for every recipient, what reached the loopback mail server."""

import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import psycopg
import pytest

from messaging import sending
from messaging.models import Delivery, Message
from people.models import Family, FamilyMember, Person, TeamPlayer
from tests import factories
from tests.faults import PostgresCluster, RedisServer, Visitor, WebServer, app_env, wait_until
from tests.integration import PROJECT_ROOT, CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

OPEN_ALL_DAY = {"OFFICE_HOURS_WEEKDAYS": "00:00-24:00", "OFFICE_HOURS_WEEKENDS": "00:00-24:00"}
BODY = (
    "Dear parents and guardians,\n\nThe junior presentation evening is on Friday in the clubhouse, starting "
    "at 6:30pm. Please tell your team manager by Monday whether your child can come.\n\n"
    "Many thanks,\nSam, Under 11s coach"
)


def add_families(team, count, prefix):
    """`count` families, each a child on `team` and a guardian with an address, made in bulk: the
    test is about the faults, not about building a club row by row."""
    families = Family.objects.bulk_create(factories.FamilyFactory.build() for _ in range(count))
    children = Person.objects.bulk_create(factories.ChildFactory.build() for _ in range(count))
    guardians = Person.objects.bulk_create(
        factories.PersonFactory.build(email=f"{prefix}{n}@families.example.org") for n in range(count)
    )
    FamilyMember.objects.bulk_create(
        member
        for family, child, guardian in zip(families, children, guardians, strict=True)
        for member in (
            FamilyMember(family=family, person=child, kind=FamilyMember.Kind.CHILD, parental_responsibility=False),
            FamilyMember(family=family, person=guardian, kind=FamilyMember.Kind.GUARDIAN),
        )
    )
    TeamPlayer.objects.bulk_create(TeamPlayer(team=team, person=child) for child in children)


class BatchWorker(CeleryWorker):
    """Two worker processes, as a small deployment runs them, so a batch of hundreds fits in the test."""

    pool_args = ("--pool", "prefork", "--concurrency", "2")


def wait_until_settled(count, quiet=5, timeout=60):
    """Until `count()` has not changed for `quiet` seconds: the worker has done what it can."""
    deadline = time.monotonic() + timeout
    last, since = count(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.5)
        now = count()
        if now != last:
            last, since = now, time.monotonic()


def compose(visitor, team, subject):
    return visitor.post(
        "/messages/new/",
        {
            "channel": "email",
            "audience": "guardian",
            "kind": "event_reminder",
            "subject": subject,
            "body": BODY,
            "team": team.pk,
        },
    )


def received_per_address(smtp_server):
    return Counter(address for m in list(smtp_server.handler.messages) for address in m["to"])


def assert_each_reached_once(smtp_server, expected_addresses):
    per_address = received_per_address(smtp_server)
    assert [a for a, n in per_address.items() if n > 1] == [], "an address got a message twice"
    assert sorted(set(expected_addresses) - set(per_address)) == [], "an allowed recipient got nothing"
    assert set(per_address) == set(expected_addresses)


def run_sweep(env, *, ahead):
    """The scheduler's sweep in a process of its own, as beat runs it, its clock `ahead` of now."""
    code = (
        "from datetime import timedelta; from django.utils import timezone; from messaging import sending; "
        f"sending.deliveries_sweep(now=timezone.now() + timedelta(seconds={ahead.total_seconds()}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def second_team(club):
    team = factories.TeamFactory(name="Under 13s")
    factories.TeamStaffFactory(team=team, person=club["coach"])
    add_families(team, 3, "u13-guardian")
    return team


def test_msg9_redis_stopped_mid_batch_loses_no_message_and_sends_none_twice(club, second_team, smtp_server):
    """Issue test 1: Redis stopped in the middle of a batch of several hundred and started again,
    and a message posted from the web while it is down: every allowed message is delivered once,
    none is lost, and the person posting sees a clear page, not an error."""
    families = 300
    add_families(club["team"], families, "guardian")
    guardians = list(
        FamilyMember.objects.filter(kind=FamilyMember.Kind.GUARDIAN).values_list("person__email", flat=True)
    )
    with RedisServer() as broker:
        env = app_env(broker_url=broker.url, smtp_port=smtp_server.port, extra=OPEN_ALL_DAY)
        with WebServer(env) as web, BatchWorker(smtp_port=smtp_server.port, extra_env=env):
            coach = Visitor(web)
            coach.sign_in(club["coach"].user)
            assert coach.get("/messages/new/")[0] == 200
            status, _ = compose(coach, club["team"], "Presentation evening")
            assert status == 302
            wait_until(lambda: len(smtp_server.handler.messages) >= 40, "the batch to be under way")
            broker.stop()
            during_outage, page = compose(coach, second_team, "Nets on Tuesday")
            assert during_outage == 302, f"posting while Redis was down answered {during_outage}: {page[:300]}"
            after_outage_post = coach.get("/messages/")
            time.sleep(2)
            broker.start()
            # The worker reconnects by itself and goes on with whatever reached the queue.
            wait_until_settled(lambda: Delivery.objects.filter(status=Delivery.Status.SENT).count())
            time.sleep(3)

        # A task the worker held when Redis went away is still unacknowledged there, the routing task
        # may have been cut short while queueing, and the message posted during the outage never
        # reached the queue: the sweep, as beat runs it, finds them all.
        run_sweep(env, ahead=sending.REQUEUE_AFTER + timedelta(minutes=1))
        with BatchWorker(smtp_port=smtp_server.port, extra_env={**env, "SWEEP_REQUEUE_AFTER_SECONDS": "900"}):
            wait_until(
                lambda: (
                    Message.objects.filter(status=Message.Status.APPROVED, routed_at__isnull=True).count() == 0
                    and not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
                ),
                "every delivery to be sent",
                timeout=60,
            )
            time.sleep(2)

    assert after_outage_post[0] == 200
    assert "Nets on Tuesday" in after_outage_post[1]
    assert Message.objects.filter(status=Message.Status.APPROVED).count() == 2
    first = Message.objects.get(subject="Presentation evening")
    assert Delivery.objects.filter(message=first).count() == families + 1
    assert Delivery.objects.count() == len(guardians)
    assert_each_reached_once(smtp_server, guardians)


def _cluster_rows(cluster, sql):
    with psycopg.connect(cluster.url.replace("postgres://", "postgresql://")) as connection:
        return connection.execute(sql).fetchall()


def test_msg9_postgresql_restarted_under_load_shows_a_clear_page_recovers_and_sends_each_once(
    club, second_team, smtp_server
):
    """Issue test 6: PostgreSQL (a cluster of the test's own) is stopped hard while the worker sends
    a batch and the web is in use. Meanwhile the web answers its 'back in a moment' page; once the
    database is back, web and worker recover by themselves, every message is routed and delivered
    once, and no row is left half written."""
    families = 200
    add_families(club["team"], families, "guardian")
    guardians = list(
        FamilyMember.objects.filter(kind=FamilyMember.Kind.GUARDIAN).values_list("person__email", flat=True)
    )
    with PostgresCluster() as cluster:
        env = app_env(database_url=cluster.url, smtp_port=smtp_server.port, extra=OPEN_ALL_DAY)
        web = WebServer(env)
        coach = Visitor(web)
        coach.sign_in(club["coach"].user)
        cluster.copy_from_test_database()
        with web, BatchWorker(smtp_port=smtp_server.port, extra_env=env):
            assert coach.get("/messages/new/")[0] == 200
            assert compose(coach, club["team"], "Presentation evening")[0] == 302
            wait_until(lambda: len(smtp_server.handler.messages) >= 30, "the batch to be under way")
            cluster.stop("immediate")
            outage_pages = [coach.get("/messages/"), compose(coach, second_team, "Nets on Tuesday")]
            outage_pages.append(Visitor(web).get("/"))
            time.sleep(6)
            cluster.start()
            for status, body in outage_pages:
                assert status == 503, f"the web answered {status} while PostgreSQL was down: {body[:300]}"
                assert "Back in a moment" in body and "999" in body and "07700 900123" in body
            # The web recovers by itself: no restart of the web process.
            wait_until(lambda: coach.get("/messages/")[0] == 200, "the web to recover", timeout=30)
            assert compose(coach, second_team, "Nets on Tuesday")[0] == 302
            wait_until(
                lambda: (
                    _cluster_rows(
                        cluster,
                        "SELECT count(*) FROM messaging_delivery WHERE status = 'sent'",
                    )[0][0]
                    == len(guardians)
                ),
                "every delivery to be sent",
                timeout=60,
                state=lambda: _cluster_rows(
                    cluster,
                    "SELECT m.subject, m.routed_at IS NOT NULL, d.status, count(d.id) FROM messaging_message m "
                    "LEFT JOIN messaging_delivery d ON d.message_id = m.id GROUP BY 1, 2, 3 ORDER BY 1, 3",
                ),
            )
            time.sleep(2)
        messages = _cluster_rows(cluster, "SELECT subject, status, routed_at IS NOT NULL FROM messaging_message")
        deliveries = _cluster_rows(
            cluster,
            "SELECT m.subject, d.status, d.address, d.sent_at IS NOT NULL, d.provider_reference <> '', "
            "(SELECT count(*) FROM messaging_deliverylogentry l WHERE l.delivery_id = d.id AND l.event = 'sent') "
            "FROM messaging_delivery d JOIN messaging_message m ON m.id = d.message_id",
        )

    assert sorted(messages) == [("Nets on Tuesday", "approved", True), ("Presentation evening", "approved", True)]
    per_message = Counter(subject for subject, *_ in deliveries)
    assert per_message == {"Presentation evening": families + 1, "Nets on Tuesday": 3}
    # No half-written rows: each delivery sent has its time, its reference and one 'sent' log entry.
    assert {(status, sent_at, reference, logged) for _, status, _, sent_at, reference, logged in deliveries} == {
        ("sent", True, True, 1)
    }
    assert_each_reached_once(smtp_server, guardians)
