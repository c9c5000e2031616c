"""`make bench`, messaging: how fast the content rules decide (MSG-4, MSG-5, MSG-7), and how long a
batch of 10,000 family emails takes to drain through a real Celery worker to a real SMTP server.

The worker runs as a deployment runs it (its own process, prefork pool, the base settings with
DEBUG off), reading the bench's throw-away test database.
"""

import re
import time
from contextlib import contextmanager

from django.db import connection

from tests.integration import CeleryWorker, SMTPServer

EMAIL = (
    "Dear parents and guardians,\n\n"
    "The junior presentation evening is on Friday 14 March in the clubhouse, starting at 6:30pm. Every "
    "player is welcome, with their family. Please tell your team manager by Monday whether your child "
    "can come, so that the food can be ordered.\n\n"
    "Players may wear club colours. Parking at the ground is limited, so please share lifts where you "
    "can, and use the entrance on the park side after dark.\n\n"
    "Many thanks,\n"
    "Sam Young\n"
    "Junior section coordinator\n"
    "Sefton Park Cricket Club"
)
TEXT = "Reminder: nets tonight start at 6pm at the club, finish 7:30pm. Bring your kit and a water bottle."

SCHOOLS = (
    "St Margaret's Primary School",
    "Dovedale Junior School",
    "Booker Avenue Junior School",
    "Springwood Heath Primary School",
    "Bishop Martin Primary School",
    "Garston Church of England Primary School",
    "St Charles Catholic Primary School",
    "Banks Road Primary School",
    "Calderstones School",
    "Archbishop Blanch School",
    "King David High School",
    "St Hilda's Church of England High School",
)
STREET_NAMES = (
    *("Aigburth", "Ullet", "Croxteth", "Lark", "Mossley", "Queens", "Menlove", "Allerton", "Elmswood"),
    *("Brodie", "Ibbotsons", "Cheltenham", "Dudlow", "Harthill", "Holmefield", "Kingsmead", "Lidderdale"),
    *("Moorcroft", "Newstead", "Parkfield", "Rosemont", "Southwood", "Tarbock", "Woolton", "Yew"),
)
STREET_TYPES = ("Road", "Avenue", "Drive", "Lane")
FAMILIES = 10_000
FIRST_FAMILIES = 1_000


def family_address(n):
    """A distinct first line for each of up to 10,000 homes: 100 streets of 100 houses."""
    street = STREET_NAMES[n % len(STREET_NAMES)] + " " + STREET_TYPES[(n // len(STREET_NAMES)) % len(STREET_TYPES)]
    return f"{n // 100 + 1} {street}\nLiverpool"


def rate(fn, n, repeat=3):
    """Calls a second: the best of `repeat` runs of `n` calls (the others are warm-up and noise)."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return n / best


def bench_content_rules():
    """The rules alone, given the lists: a club's few hundred homes, and the 10,000 of the worker
    bench below (every home's first line becomes one alternative of one pattern)."""
    from messaging import rules

    for homes, calls in ((300, 2_000), (FAMILIES, 200)):
        addresses = tuple(family_address(n).splitlines()[0] for n in range(homes))
        cases = {
            "email to families": (EMAIL, rules.ContentContext("email", "guardian", SCHOOLS, addresses)),
            "text to a team": (TEXT, rules.ContentContext("sms", "team", SCHOOLS, addresses)),
        }
        for name, (text, context) in cases.items():
            assert rules.content_findings(text, context) == [], f"the bench's {name} should be clean"
            checks = rate(lambda text=text, context=context: rules.content_findings(text, context), calls)
            print(f"messaging.rules.content_findings, {name:17} ({homes:,} homes): {checks:8,.1f} checks a second")


def bench_long_messages():
    """The live check at each channel's longest body, and a 2 MB paste, which is refused on its
    length alone: the volunteer types on while the check runs at every pause."""
    from messaging import rules

    addresses = tuple(family_address(n).splitlines()[0] for n in range(FAMILIES))
    body, ending = EMAIL.split("Many thanks,")
    closing = "\n\nMany thanks," + ending
    paragraph = body.split("\n\n", 1)[1]
    longest_email = (body + paragraph * 40)[: rules.MAX_LENGTH["email"] - len(closing)] + closing
    longest_text = (TEXT + " ") * (rules.MAX_LENGTH["sms"] // (len(TEXT) + 1))
    cases = {
        "longest email": (longest_email, rules.ContentContext("email", "guardian", SCHOOLS, addresses)),
        "longest text": (longest_text.strip(), rules.ContentContext("sms", "team", SCHOOLS, addresses)),
        "2 MB paste": ("A" * 2_000_000, rules.ContentContext("email", "guardian", SCHOOLS, addresses)),
    }
    for name, (text, context) in cases.items():
        assert len(text) <= rules.MAX_LENGTH[context.channel] or name == "2 MB paste"
        findings = rules.content_findings(text, context)
        checks = rate(lambda text=text, context=context: rules.content_findings(text, context), 20)
        print(
            f"messaging.rules.content_findings, {name:13} ({len(text):,} characters, {FAMILIES:,} homes): "
            f"{1000 / checks:7.1f} ms each, findings {[f.code for f in findings]}"
        )


def bench_content_check(families):
    from messaging import services

    for name, text, channel, audience in (
        ("email to families", EMAIL, "email", "guardian"),
        ("text to a team", TEXT, "sms", "team"),
    ):
        check = lambda text=text, channel=channel, audience=audience: services.content_check(  # noqa: E731
            text=text, channel=channel, audience=audience
        )
        assert check() == [], f"the bench's {name} should be clean"
        checks = rate(check, 20)
        print(
            f"messaging.services.content_check, {name:17} ({families:,} homes): {checks:8,.1f} checks a second "
            f"({1000 / checks:.1f} ms each, loading school names and addresses from the database)"
        )


def add_families(team, start, stop):
    """Families `start`..`stop`: a child on `team` and a guardian with an email, in bulk (the
    services are not what is measured here, and they would take minutes)."""
    from people.models import Family, FamilyMember, Person, Role, TeamPlayer
    from tests.factories import years_ago

    numbers = range(start, stop)
    families = Family.objects.bulk_create(
        Family(name=f"The Bench family {n}", address=family_address(n), postcode="L17 7AA") for n in numbers
    )
    children = Person.objects.bulk_create(
        Person(
            first_name=f"Player{n}",
            last_name=f"Bench{n}",
            date_of_birth=years_ago(8 + n % 9, days=n % 365),
            school=SCHOOLS[n % len(SCHOOLS)],
        )
        for n in numbers
    )
    guardians = Person.objects.bulk_create(
        Person(
            first_name=f"Parent{n}",
            last_name=f"Bench{n}",
            date_of_birth=years_ago(40),
            email=f"guardian{n}@families.example.org",
        )
        for n in numbers
    )
    started = years_ago(1)
    Role.objects.bulk_create(
        [Role(person=p, kind=Role.Kind.CHILD, starts_on=started) for p in children]
        + [Role(person=p, kind=Role.Kind.GUARDIAN, starts_on=started) for p in guardians]
    )
    FamilyMember.objects.bulk_create(
        [
            FamilyMember(family=f, person=c, kind=FamilyMember.Kind.CHILD, parental_responsibility=False)
            for f, c in zip(families, children, strict=True)
        ]
        + [
            FamilyMember(family=f, person=g, kind=FamilyMember.Kind.GUARDIAN, relationship="Parent")
            for f, g in zip(families, guardians, strict=True)
        ]
    )
    TeamPlayer.objects.bulk_create(TeamPlayer(team=team, person=c) for c in children)


class PreforkWorker(CeleryWorker):
    """The integration tests' worker with the deployment's prefork pool instead of the solo one."""

    name = "bench"

    def __init__(self, *, concurrency=2, **kwargs):
        super().__init__(**kwargs)
        self.pool_args = ("--pool", "prefork", "--concurrency", str(concurrency))


# Production-like: DEBUG off, so the worker keeps no query log in memory.
WORKER_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "localhost",
    "OFFICE_HOURS_WEEKDAYS": "00:00-24:00",
    "OFFICE_HOURS_WEEKENDS": "00:00-24:00",
}
CONCURRENCY = 2
# One send_message task routes the whole batch and then queues a task per delivery; with 10,000
# families it outlives the settings' 60 s soft limit (CELERY_TASK_SOFT_TIME_LIMIT) and is stopped
# part-way, so the bench lifts its limits to measure the drain, and says where the deployed limit
# would have cut.
DEPLOYED_SOFT_LIMIT = 60
BENCH_TIME_LIMITS = (900, 960)
DRAIN_LIMIT = 25 * 60  # seconds: give up, and say so, rather than run for ever
ROUTING_TASK_DONE = re.compile(r"messaging\.tasks\.send_message\[[^\]]+\] succeeded in ([\d.]+)s")


@contextmanager
def lifted_time_limits(task, *, soft, hard):
    """The limits travel in each task message, taken from the sending process's task object (which
    caches them in `_exec_options`): a worker's own --soft-time-limit or a remote-control change
    does not override them, so they are lifted here, where the bench sends from."""
    saved = task.soft_time_limit, task.time_limit
    task.soft_time_limit, task.time_limit, task._exec_options = soft, hard, None
    try:
        yield
    finally:
        (task.soft_time_limit, task.time_limit), task._exec_options = saved, None


def drain(message, smtp, count):
    """Polls until every delivery is sent and the SMTP server holds them all. Returns the phases in
    seconds from dispatch, the deliveries routed when the deployed soft limit would have struck,
    and the last count by status."""
    from django.db.models import Count

    from messaging.models import Delivery

    deliveries = Delivery.objects.filter(message=message).values_list("status").annotate(n=Count("pk")).order_by()
    start = last_report = time.perf_counter()
    phases, routed_at_limit, statuses = {}, None, {}
    while (elapsed := time.perf_counter() - start) < DRAIN_LIMIT:
        statuses = dict(deliveries.all())  # a fresh query each time, not the first result cached
        routed, sent, received = sum(statuses.values()), statuses.get("sent", 0), len(smtp.handler.messages)
        if routed_at_limit is None and elapsed >= DEPLOYED_SOFT_LIMIT:
            routed_at_limit = routed
        if routed >= count:
            phases.setdefault("routed", elapsed)
        if sent:
            phases.setdefault("first sent", elapsed)
        if sent >= count and received >= count:
            phases["all sent"] = elapsed
            break
        if time.perf_counter() - last_report >= 60:
            last_report = time.perf_counter()
            print(f"  ... {elapsed:4.0f} s: {routed:,} routed, {sent:,} sent, {received:,} at the SMTP server")
        time.sleep(0.5)
    return phases, routed_at_limit, statuses


def bench_worker(*, families=FAMILIES, first=FIRST_FAMILIES, concurrencies=(1, 2)):
    """Content checks against the database as the club grows, then the real worker draining one
    email to the families of every player of a team of `families` players."""
    from messaging import services
    from messaging.tasks import send_message
    from people.models import Role
    from tests import factories
    from tests.conftest import make_person_with_role

    coach = make_person_with_role(Role.Kind.VOLUNTEER, email="bench.messaging.coach@example.org")
    team = factories.TeamFactory(name="Bench juniors")
    factories.TeamStaffFactory(team=team, person=coach)
    add_families(team, 0, first)
    bench_content_check(first)
    add_families(team, first, families)
    bench_content_check(families)

    results = {}
    for concurrency in concurrencies:
        label = f"worker, {families:,} family emails, prefork x{concurrency}"
        print(f"{label}: draining (a few minutes)...", flush=True)
        with (
            SMTPServer() as smtp,
            PreforkWorker(smtp_port=smtp.port, concurrency=concurrency, extra_env=WORKER_ENV) as worker,
        ):
            message = services.message_create(
                author=coach,
                channel="email",
                audience="guardian",
                kind="event_reminder",
                body=EMAIL,
                subject="Junior presentation evening",
                team=team,
            )
            # Outside any atomic block the connection is in autocommit, so message_submit's own
            # transaction commits on return and its on_commit hook queues the task there and then.
            assert connection.get_autocommit() and not connection.in_atomic_block
            soft, hard = BENCH_TIME_LIMITS
            with lifted_time_limits(send_message, soft=soft, hard=hard):
                services.message_submit(message=message, by=coach)
            phases, routed_at_limit, statuses = drain(message, smtp, families)
            output = list(worker.output)
        failures = [line.strip() for line in output if "Error" in line or "Exceeded" in line]
        routing_task = [float(m[1]) for line in output if (m := ROUTING_TASK_DONE.search(line))]

        for line in failures[:5]:
            print(f"  worker said: {line[:300]}")
        if "all sent" not in phases:
            print(f"{label}: NOT drained after {DRAIN_LIMIT // 60} minutes, deliveries by status: {statuses}")
            continue
        total, routed = phases["all sent"], phases["routed"]
        task_time = f"{routing_task[0]:.1f} s" if routing_task else "an unknown time"
        print(
            f"{label}: {total:6.1f} s from dispatch to all sent and received, "
            f"{families / total:5.1f} deliveries a second"
        )
        print(
            f"{label}: all routed after {routed:.1f} s, first sent after {phases['first sent']:.1f} s; the routing "
            f"task, which also queues a task per delivery, ran {task_time}"
        )
        print(f"{label}: after routing, {families / (total - routed):5.1f} deliveries a second")
        if routing_task and routing_task[0] > DEPLOYED_SOFT_LIMIT:
            print(
                f"{label}: WARNING the routing task outlives the deployed {DEPLOYED_SOFT_LIMIT} s soft time limit "
                f"(lifted to {BENCH_TIME_LIMITS[0]} s here): deployed, it stops part-way, with {routed_at_limit:,} of "
                f"{families:,} deliveries routed at {DEPLOYED_SOFT_LIMIT} s here and only part of them queued"
            )
        results[concurrency] = (total, families / total)
    return results
