"""The tokens of emailed links: django-sesame's v2 tokens for sign-in links, Django's for password
links, each of which also dies once a newer link has been made for the account.

A v2 token is signed over the account's revocation key (its password hash, address and last
sign-in); this module adds the time the newest link was made, so a forwarded or leaked older link
stops working as soon as the guardian asks for another. SESAME_TOKENS names this module alone, so
the weaker v1 tokens are never accepted.
"""

import base64
import datetime
import hmac

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from sesame import packers, tokens_v2
from sesame import settings as sesame_settings

detect_token = tokens_v2.detect_token


def _revocation_key(user):
    newest = user.link_made_at.isoformat() if user.link_made_at else ""
    return tokens_v2.get_revocation_key(user) + b"|newest:" + newest.encode()


def _sign(data, key):
    return tokens_v2.sign(data, key, sesame_settings.SIGNATURE_SIZE)


def create_token(user, scope=""):
    primary_key = packers.packer.pack_pk(getattr(user, sesame_settings.PRIMARY_KEY_FIELD))
    timestamp = tokens_v2.pack_timestamp()
    signature = _sign(primary_key + timestamp + _revocation_key(user) + scope.encode(), sesame_settings.SIGNING_KEY)
    return base64.urlsafe_b64encode(primary_key + timestamp + signature).rstrip(b"=").decode()


def parse_token(token, get_user, scope="", max_age=None):
    """The account a token opens, or None; each refusal is the same None, whatever its reason."""
    raw = token.encode()
    try:
        data = base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
        user_pk, rest = packers.packer.unpack_pk(data)
        age, signature = tokens_v2.unpack_timestamp(rest)
    except Exception:  # noqa: BLE001 (any malformed token is simply not a token)
        return None
    if len(signature) != sesame_settings.SIGNATURE_SIZE:
        return None
    if max_age is None:
        max_age = sesame_settings.MAX_AGE
    elif isinstance(max_age, datetime.timedelta):
        max_age = max_age.total_seconds()
    if age is None or max_age is None or age >= max_age:
        return None
    user = get_user(user_pk)
    if user is None:
        return None
    signed = data[: -sesame_settings.SIGNATURE_SIZE] + _revocation_key(user) + scope.encode()
    for key in sesame_settings.VERIFICATION_KEYS:
        if hmac.compare_digest(signature, _sign(signed, key)):
            return user
    return None


class PasswordLinkTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token (spent when the password changes or the account signs in),
    signed also over the time of the account's newest emailed link."""

    def _make_hash_value(self, user, timestamp):
        newest = user.link_made_at.isoformat() if user.link_made_at else ""
        return f"{super()._make_hash_value(user, timestamp)}|newest:{newest}"


password_link_tokens = PasswordLinkTokenGenerator()
