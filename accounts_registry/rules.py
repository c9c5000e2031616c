"""The social-accounts rules as plain functions (ACC-1 to ACC-3, ACC-8, ACC-9): the three-custodian
rule, when a password change is overdue, when a review is due, and what a post draft may not do.
No database, no settings."""

from dataclasses import dataclass
from datetime import date, timedelta

from sefton_safety.findings import Finding

MIN_CUSTODIANS = 3
ROTATION_GRACE = timedelta(days=14)
REVIEW_EVERY = timedelta(days=365)


def custodian_change_finding(*, before: int, after: int):
    """ACC-2: a change may not leave an account with fewer than three custodians, unless it leaves
    it no worse than it was (adding one to an account that has one is welcome)."""
    if after >= MIN_CUSTODIANS or after >= before:
        return None
    return Finding(
        "ACC-2",
        "below-three",
        f"This would leave the account with {after} custodian{'s' if after != 1 else ''}. At least "
        f"{MIN_CUSTODIANS} people must hold each account's password: name a replacement in the same change.",
    )


def is_compliant(custodians: int) -> bool:
    return custodians >= MIN_CUSTODIANS


def rotation_overdue(*, due_since: date, done_on: date | None, today: date) -> bool:
    """ACC-3: a password change that falls due is done within two weeks."""
    return done_on is None and today > due_since + ROTATION_GRACE


def review_due(*, last_reviewed_on: date | None, today: date) -> bool:
    """ACC-1: each account is reviewed as appropriate and fit for purpose at least once a year."""
    return last_reviewed_on is None or today >= last_reviewed_on + REVIEW_EVERY


@dataclass(frozen=True)
class AccountState:
    """ACC-1 to ACC-4: the one answer to "is this account in order?", with what is wrong in words.
    The home page, the register and the dashboard all show this, never a verdict of their own."""

    code: str  # "needs_action", "review_due" or "ok"
    label: str
    problems: tuple[str, ...]


def account_state(*, custodians: int, rotations_overdue: int, has_designated: bool, review_due: bool) -> AccountState:
    action = []
    if not is_compliant(custodians):
        action.append(f"{custodians} of {MIN_CUSTODIANS} custodians")
    if rotations_overdue:
        action.append("Password change overdue")
    if not has_designated:
        action.append("No designated person")
    if action:
        return AccountState("needs_action", "Needs action", tuple(action) + (("Review due",) if review_due else ()))
    if review_due:
        return AccountState("review_due", "Review due", ("Review due",))
    return AccountState("ok", "OK", ())


@dataclass(frozen=True)
class TaggedChild:
    name: str
    photo_allowed: bool
    reasons: tuple[str, ...] = ()
    name_allowed: bool = True
    name_reasons: tuple[str, ...] = ()


def _because(reasons):
    return f" ({'; '.join(reasons)})" if reasons else ""


def photo_findings(*, with_photo: bool, tagged: list[TaggedChild]):
    """ACC-9: a post that names or tags a child needs that child's consent to their name being
    published, photo or not; a photo or video also needs their consent to photos on the club's
    social media (CON-1). Each finding names the child."""
    findings = []
    for child in tagged:
        if with_photo and not child.photo_allowed:
            findings.append(
                Finding(
                    "ACC-9",
                    "no-photo-consent",
                    f"{child.name}: no consent to photos and videos on the club's social media"
                    f"{_because(child.reasons)}. Remove the photo or video, or the tag.",
                )
            )
        if not child.name_allowed:
            findings.append(
                Finding(
                    "ACC-9",
                    "no-name-consent",
                    f"{child.name}: no consent to being named in the club's posts{_because(child.name_reasons)}. "
                    "Take their name and tag out of the post.",
                )
            )
    return findings
