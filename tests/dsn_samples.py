"""Delivery reports and one reply, written after what Postfix, Gmail and Microsoft 365 send, as the
bytes a relay would post."""


def crlf(text):
    return text.replace("\n", "\r\n").encode()


POSTFIX = crlf("""\
Return-Path: <>
Date: Tue, 10 Mar 2026 19:02:11 +0000 (GMT)
From: MAILER-DAEMON@relay.example.net (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: safety@example.org
Message-Id: <20260310190211.4B2C1A0@relay.example.net>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4B2C1A0.1741633331/relay.example.net"

This is a MIME-encapsulated message.

--4B2C1A0.1741633331/relay.example.net
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host relay.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<grace.okafor@example.org>: host mx.example.org[192.0.2.25] said: 550 5.1.1
    <grace.okafor@example.org>: Recipient address rejected: User unknown in
    virtual mailbox table (in reply to RCPT TO command)

--4B2C1A0.1741633331/relay.example.net
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.net
X-Postfix-Queue-ID: 4B2C1A0
X-Postfix-Sender: rfc822; safety@example.org
Arrival-Date: Tue, 10 Mar 2026 19:02:10 +0000 (GMT)

Final-Recipient: rfc822; grace.okafor@example.org
Original-Recipient: rfc822;Grace.Okafor@example.org
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550 5.1.1 <grace.okafor@example.org>: Recipient address
    rejected: User unknown in virtual mailbox table

--4B2C1A0.1741633331/relay.example.net
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Aintree Juniors FC <safety@example.org>
To: grace.okafor@example.org
Subject: Aintree Juniors FC: consent for the new season

--4B2C1A0.1741633331/relay.example.net--
""")

GMAIL = crlf("""\
Delivered-To: safety@example.org
Return-Path: <>
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: safety@example.org
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
Message-ID: <65f0c1d2.050a0220.1b2c3.9a8bSMTPIN_ADDED_MISSING@mx.google.com>
Date: Tue, 10 Mar 2026 12:04:33 -0700 (PDT)
MIME-Version: 1.0
Content-Type: multipart/report; boundary="000000000000f1e2d3c4b5a69788"; report-type=delivery-status

--000000000000f1e2d3c4b5a69788
Content-Type: multipart/related; boundary="000000000000f1e9a8b7c6d5e4f3"

--000000000000f1e9a8b7c6d5e4f3
Content-Type: text/plain; charset="UTF-8"

** Address not found **

Your message wasn't delivered to old.dad.address@gmail.com because the address couldn't be found,
or is unable to receive mail.

--000000000000f1e9a8b7c6d5e4f3--

--000000000000f1e2d3c4b5a69788
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; safety@example.org
Arrival-Date: Tue, 10 Mar 2026 12:04:32 -0700 (PDT)
X-Original-Message-ID: <177159.20260310.1@example.org>

Final-Recipient: rfc822; old.dad.address@gmail.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; gmail-smtp-in.l.google.com. (2a00:1450:400c:c0b::1b, the server
 for the domain gmail.com.)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try
 550-5.1.1 double-checking the recipient's email address for typos or
 550-5.1.1 unnecessary spaces. For more information, go to
 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si2345678wrb.12 - gsmtp
Last-Attempt-Date: Tue, 10 Mar 2026 12:04:33 -0700 (PDT)

--000000000000f1e2d3c4b5a69788
Content-Type: message/rfc822

From: Aintree Juniors FC <safety@example.org>
To: old.dad.address@gmail.com
Subject: Aintree Juniors FC: match-day information

Kick-off is at ten.

--000000000000f1e2d3c4b5a69788--
""")

MICROSOFT = crlf("""\
From: postmaster@outlook.com
To: safety@example.org
Date: Tue, 10 Mar 2026 19:10:02 +0000
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="0a1b2c3d-4e5f-6789-abcd-ef0123456789"
Content-Language: en-GB
Message-ID: <0a1b2c3d-aaaa-bbbb-cccc-0123456789ab@AM0PR01MB1234.eurprd01.prod.outlook.com>
In-Reply-To: <177159.20260310.2@example.org>
Subject: Undeliverable: Aintree Juniors FC: consent for the new season
Auto-Submitted: auto-replied
MIME-Version: 1.0

--0a1b2c3d-4e5f-6789-abcd-ef0123456789
Content-Type: multipart/alternative; differences=Content-Type;
\tboundary="11112222-3333-4444-5555-666677778888"

--11112222-3333-4444-5555-666677778888
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Your message to j.mensah@hotmail.co.uk couldn't be delivered.
j.mensah wasn't found at hotmail.co.uk.

--11112222-3333-4444-5555-666677778888
Content-Type: text/html; charset="us-ascii"

<html><body><p>Your message couldn't be delivered.</p></body></html>

--11112222-3333-4444-5555-666677778888--

--0a1b2c3d-4e5f-6789-abcd-ef0123456789
Content-Type: message/delivery-status

Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.outlook.com
Received-From-MTA: dns;relay.example.net
Arrival-Date: Tue, 10 Mar 2026 19:10:01 +0000

Final-Recipient: rfc822;J.Mensah@hotmail.co.uk
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup
X-Display-Name: Joseph Mensah

--0a1b2c3d-4e5f-6789-abcd-ef0123456789
Content-Type: text/rfc822-headers

From: Aintree Juniors FC <safety@example.org>
To: <j.mensah@hotmail.co.uk>
Subject: Aintree Juniors FC: consent for the new season

--0a1b2c3d-4e5f-6789-abcd-ef0123456789--
""")

DELAYED = crlf("""\
From: MAILER-DAEMON@relay.example.net (Mail Delivery System)
To: safety@example.org
Subject: Delayed Mail (still being retried)
Message-Id: <20260310230211.9C1D2E0@relay.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="9C1D2E0.delay"

--9C1D2E0.delay
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered for more than 4 hour(s). It will be retried until it is 5
day(s) old.

--9C1D2E0.delay
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.net

Final-Recipient: rfc822; full.mailbox@example.org
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full
Will-Retry-Until: Sun, 15 Mar 2026 19:02:10 +0000 (GMT)

Final-Recipient: rfc822; gave.up.waiting@example.org
Action: failed
Status: 4.4.7
Diagnostic-Code: X-Postfix; delivery temporarily suspended: connect to mx.example.org timed out

--9C1D2E0.delay--
""")

TWO_RECIPIENTS = crlf("""\
From: MAILER-DAEMON@relay.example.net (Mail Delivery System)
To: safety@example.org
Subject: Undelivered Mail Returned to Sender
Message-Id: <20260310191500.7F3A2B1@relay.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="7F3A2B1.two"

--7F3A2B1.two
Content-Type: text/plain; charset=us-ascii

One of the recipients could not be reached.

--7F3A2B1.two
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.net

Final-Recipient: rfc822; mum@example.org
Action: delivered
Status: 2.0.0
Diagnostic-Code: smtp; 250 2.0.0 OK

Final-Recipient: rfc822; dad@example.org
Action: failed
Status: 5.2.1
Diagnostic-Code: smtp; 550 5.2.1 The email account that you tried to reach is disabled

--7F3A2B1.two--
""")

A_REPLY = crlf("""\
From: Grace Okafor <grace.okafor@example.org>
To: welfare@example.org
Subject: Re: consent for the new season
Message-ID: <CAF=reply.1@mail.example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="r"

--r
Content-Type: text/plain

Action: failed
Status: 5.1.1
Final-Recipient: rfc822; someone.else@example.org

Thanks, signed and sent back.

--r--
""")
