"""Reading a delivery status notification (RFC 3464): the report a mail server sends back, often
hours after the relay accepted a message, to say that it could not be delivered. Pure: raw bytes
in, the addresses that failed for good out, so it is tested without a database or a relay.

Only a permanent failure counts (X-3): `Action: failed` with a 5.x.x status. A delay, or a failure
with a 4.x.x status (the server gave up on a passing fault, such as a full mailbox), says nothing
about whether the address works, and a family is not listed as unreachable for it.
"""

import base64
import binascii
import email
import email.policy
import hashlib
import quopri
import re
from dataclasses import dataclass
from email.parser import BytesHeaderParser

REPORT_TYPES = ("delivery-status", "global-delivery-status")
STATUS_PARTS = ("message/delivery-status", "message/global-delivery-status")
# RFC 3463: class.subject.detail, where class 5 is a permanent failure.
PERMANENT_STATUS = re.compile(r"5\.\d{1,3}\.\d{1,3}")
UTF8 = email.policy.default.clone(utf8=True)
ADDRESS = re.compile(r"[^\s@<>]+@[^\s@<>]+")


@dataclass(frozen=True)
class HardBounce:
    """One recipient a delivery report says failed for good: the address the club sent to, in lower
    case, the status code (5.1.1) and the receiving server's own words."""

    address: str
    status: str
    diagnostic: str

    @property
    def reason(self):
        return self.diagnostic or f"Status {self.status}"


def is_delivery_report(raw):
    """Whether the message is a delivery status notification at all, failed or not."""
    return _status_part(_message(raw)) is not None


def hard_bounces(raw):
    """The recipients the delivery report `raw` (the whole message, as bytes) says failed for good,
    one per address. A message that is not a delivery report, or one too broken to read, gives
    none: the worst a stray message can do is nothing."""
    part = _status_part(_message(raw))
    if part is None:
        return []
    found = {}
    for fields in _recipient_blocks(part):
        bounce = _hard_bounce(fields)
        if bounce is not None:
            found.setdefault(bounce.address, bounce)
    return list(found.values())


def report_reference(raw):
    """What tells one report from another: its Message-ID, else a digest of its bytes."""
    message = _message(raw)
    message_id = " ".join(str(message.get("message-id", "")).split()) if message is not None else ""
    if message_id:
        return message_id[:255]
    return "sha256:" + hashlib.sha256(bytes(raw) if isinstance(raw, bytes | bytearray) else b"").hexdigest()


def _message(raw):
    if not isinstance(raw, bytes | bytearray):
        return None
    return email.message_from_bytes(bytes(raw), policy=email.policy.default)


def _status_part(message):
    if message is None or message.get_content_type() != "multipart/report":
        return None
    if (message.get_param("report-type") or "").lower() not in REPORT_TYPES:
        return None
    for part in message.iter_parts():
        if part.get_content_type() in STATUS_PARTS:
            return part
    return None


def _recipient_blocks(part):
    """The per-recipient groups of fields, each as a dict of lower-cased names: the first group of
    a report describes the message, the rest one recipient each."""
    encoding = part.get("content-transfer-encoding", "7bit").strip().lower()
    if part.get_content_type() == "message/delivery-status" and encoding in ("7bit", "8bit", "binary"):
        blocks = part.get_payload()
    else:
        # The standard library splits only a plain message/delivery-status into its groups: the
        # global (UTF-8) form, or a part sent encoded, comes back whole, to be decoded and split here.
        payload = part.get_payload()
        whole = b"".join(inner.as_bytes(policy=UTF8) for inner in payload if not isinstance(inner, str))
        body = {"base64": _base64, "quoted-printable": quopri.decodestring}.get(encoding, bytes)(whole)
        chunks = re.split(rb"\n[ \t]*\n", body.replace(b"\r\n", b"\n"))
        blocks = [BytesHeaderParser(policy=email.policy.default).parsebytes(chunk) for chunk in chunks]
    for block in blocks[1:]:
        yield {name.lower(): " ".join(str(value).split()) for name, value in block.items()}


def _base64(data):
    try:
        return base64.b64decode(b"".join(data.split()), validate=False)
    except binascii.Error:
        return b""


def _hard_bounce(fields):
    if fields.get("action", "").lower() != "failed":
        return None
    status = fields.get("status", "").split(" ")[0]
    if not PERMANENT_STATUS.fullmatch(status):
        return None
    # The original recipient is the address the club sent to, before any forwarding the receiving
    # side did: it is the one the register holds.
    address = _address(fields.get("original-recipient", "")) or _address(fields.get("final-recipient", ""))
    if address is None:
        return None
    diagnostic = fields.get("diagnostic-code", "")
    kind, _, words = diagnostic.partition(";")
    return HardBounce(address=address, status=status, diagnostic=(words if words else kind).strip())


def _address(field):
    """The address of an `rfc822; someone@example.org` field; None for any other address type."""
    kind, _, value = field.partition(";")
    if kind.strip().lower() not in ("rfc822", "utf-8"):
        return None
    match = ADDRESS.fullmatch(value.strip().strip("<>"))
    return match.group(0).lower() if match else None
