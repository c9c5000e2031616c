"""Whether a guardian's consent to contact a child on a channel holds, asked by PPL-4 before the
register keeps a child's own mobile number or email address.

The answers are the consents app's (CON-2), a floor above the register: it registers how to ask
when it loads (consents/apps.py), so the register asks without reading that app's tables. Until
an answer source is registered, no consent holds, and a child's own details are refused."""

_source = None


def source_register(given):
    """`given(person, channel)` answers True when the channel's consent holds for the person."""
    global _source
    _source = given


def consent_given(person, channel):
    return _source is not None and _source(person, channel)
