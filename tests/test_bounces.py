"""X-3 (email that arrives): reading the delivery reports mail servers send back after the relay
accepted a message. Plain pytest, no database."""

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from sefton_safety.bounces import HardBounce, hard_bounces, is_delivery_report
from tests.dsn_samples import A_REPLY, DELAYED, GMAIL, MICROSOFT, POSTFIX, TWO_RECIPIENTS


def test_x3_a_postfix_report_names_the_address_the_club_sent_to_with_the_servers_words():
    assert hard_bounces(POSTFIX) == [
        HardBounce(
            address="grace.okafor@example.org",
            status="5.1.1",
            diagnostic=(
                "550 5.1.1 <grace.okafor@example.org>: Recipient address rejected: User unknown in virtual "
                "mailbox table"
            ),
        )
    ]


def test_x3_a_gmail_report_unfolds_the_servers_words_into_one_line():
    (bounce,) = hard_bounces(GMAIL)
    assert (bounce.address, bounce.status) == ("old.dad.address@gmail.com", "5.1.1")
    assert bounce.reason.startswith("550-5.1.1 The email account that you tried to reach does not exist.")
    assert "\n" not in bounce.reason and "NoSuchUser" in bounce.reason


def test_x3_a_microsoft_report_with_a_three_digit_detail_is_a_hard_bounce_in_lower_case():
    (bounce,) = hard_bounces(MICROSOFT)
    assert (bounce.address, bounce.status) == ("j.mensah@hotmail.co.uk", "5.1.10")
    assert bounce.reason == "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"


def test_x3_a_delay_or_a_failure_on_a_passing_fault_is_a_report_but_no_hard_bounce():
    assert is_delivery_report(DELAYED)
    assert hard_bounces(DELAYED) == []
    # The same report, with the gave-up recipient's status permanent, shows the difference is the status.
    permanent = DELAYED.replace(b"Status: 4.4.7", b"Status: 5.4.7")
    assert [b.address for b in hard_bounces(permanent)] == ["gave.up.waiting@example.org"]


def test_x3_of_two_recipients_only_the_one_that_failed_is_returned():
    assert [(b.address, b.status) for b in hard_bounces(TWO_RECIPIENTS)] == [("dad@example.org", "5.2.1")]


def test_x3_a_reply_that_quotes_report_fields_is_not_a_delivery_report():
    assert not is_delivery_report(A_REPLY)
    assert hard_bounces(A_REPLY) == []
    assert hard_bounces(b"") == [] and hard_bounces("not bytes") == []


def test_x3_a_broken_report_gives_nothing_and_never_raises():
    no_status_part = POSTFIX.replace(b"message/delivery-status", b"text/plain")
    wrong_report_type = POSTFIX.replace(b"report-type=delivery-status", b"report-type=disposition-notification")
    no_blocks = POSTFIX.split(b"Reporting-MTA")[0] + b"--4B2C1A0.1741633331/relay.example.net--\r\n"
    not_an_address = POSTFIX.replace(b"rfc822; grace.okafor@example.org", b"x-local; grace").replace(
        b"rfc822;Grace.Okafor@example.org", b"rfc822;nobody"
    )
    no_status = POSTFIX.replace(b"Status: 5.1.1\r\n", b"")
    cut_short = POSTFIX[: POSTFIX.index(b"Action: failed")]
    garbage = bytes(range(256)) * 8
    for broken in (no_status_part, wrong_report_type, no_blocks, not_an_address, no_status, cut_short, garbage):
        assert hard_bounces(broken) == []
    assert hard_bounces(POSTFIX) != []


def test_x3_a_global_report_in_base64_for_an_address_with_accents_is_still_read():
    """RFC 6533: a report about an internationalised address comes as message/global-delivery-status,
    which may be encoded; the standard library leaves that part whole."""
    head, rest = POSTFIX.split(b"Content-Type: message/delivery-status\r\n\r\n")
    status, tail = rest.split(b"\r\n--4B2C1A0", 1)
    status = status.replace(b"rfc822;Grace.Okafor@example.org", "utf-8;Zoë.Okafor@example.org".encode())
    report = (
        head.replace(b"report-type=delivery-status", b"report-type=global-delivery-status")
        + b"Content-Type: message/global-delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(status).replace(b"\n", b"\r\n")
        + b"\r\n--4B2C1A0"
        + tail
    )
    (bounce,) = hard_bounces(report)
    assert (bounce.address, bounce.status) == ("zoë.okafor@example.org", "5.1.1")
    assert bounce.reason == hard_bounces(POSTFIX)[0].reason


@settings(max_examples=300, deadline=None)
@given(
    sample=st.sampled_from([POSTFIX, GMAIL, MICROSOFT, DELAYED, TWO_RECIPIENTS]),
    cut=st.integers(min_value=0, max_value=4000),
    noise=st.binary(max_size=200),
)
def test_x3_a_mangled_report_never_raises_and_marks_only_addresses(sample, cut, noise):
    """A relay forwards whatever it received: a report cut short or with noise spliced in is read as
    far as it goes, and anything it returns is an address with a permanent status."""
    for raw in (sample[:cut] + noise + sample[cut:], sample[:cut], noise):
        for bounce in hard_bounces(raw):
            assert "@" in bounce.address and bounce.status.startswith("5.") and bounce.address == bounce.address.lower()
