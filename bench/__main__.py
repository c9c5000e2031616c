"""`make bench`: every key page of a county-scale portal served by gunicorn against a bare view
(bench/serve.py), the rules, a 5,000-row register import, and the real worker draining 10,000
family emails with one worker process and with two (bench/messaging.py). Prints the table and
writes it to bench/results.md.

Numbers are for reading and comparing between runs on one machine, not for asserting; the query
counts are pinned by the tests.
"""

import os
import statistics
import time
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_safety.settings.test")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench import messaging, serve, spreadsheets  # noqa: E402


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_rules():
    from people import rules

    births = [date(2000, 1, 1) + timedelta(days=i) for i in range(20_000)]
    day = date(2026, 11, 23)
    seconds = timed(lambda: [rules.is_child(b, day) for b in births], 5)
    print(f"rules.is_child: {len(births) / seconds:,.0f} checks a second")


def bench_consent_rules():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from consents import rules

    at = datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/London"))
    answers = [rules.Answer(t, True, at, date(2027, 3, 31)) for t in rules.TOPICS] * 3
    permission = rules.Permission("kit", "text", at, at.replace(day=30), True)
    n = 20_000

    def run():
        for _ in range(n):
            rules.decide_contact(
                answers=answers,
                permissions=[permission],
                channel="text",
                purpose="kit",
                name="Ada",
                date_of_birth=date(2014, 5, 1),
                at=at,
            )

    print(f"consents.rules.decide_contact: {n / timed(run, 3):,.0f} decisions a second")


def main():
    started = time.perf_counter()
    table = serve.bench_county()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        bench_rules()
        bench_consent_rules()
        spreadsheets.bench_register_import()
        messaging.bench_content_rules()
        messaging.bench_long_messages()
        drains = messaging.bench_worker()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    serve.write_results(table, drains, minutes=(time.perf_counter() - started) / 60)


if __name__ == "__main__":
    main()
