"""The case rules as plain functions: what a closing needs, how old a case reads, and how staff
names come out of an export (INC-3, INC-4). No database, no settings."""

import re
from datetime import datetime

from sefton_safety.findings import Finding


def closing_findings(*, outcome, summary):
    """INC-3: a case closes only with an outcome and a few words on why."""
    findings = []
    if not outcome:
        findings.append(Finding("INC-3", "no-outcome", "Choose the outcome before closing the case."))
    if not (summary or "").strip():
        findings.append(Finding("INC-3", "no-summary", "Say in a few words why the case can close."))
    return findings


def referral_findings(*, agency, text):
    """INC-4: a referral names the outside agency and says what was passed on."""
    findings = []
    if not agency:
        findings.append(Finding("INC-4", "no-agency", "Choose the agency the case was referred to."))
    if not (text or "").strip():
        findings.append(Finding("INC-4", "no-text", "Say what was referred, to whom, and what they said."))
    return findings


def age_words(since: datetime, now: datetime):
    """How long a case has waited, the way a person says it: "40 minutes", "5 hours", "3 days"."""
    seconds = max(0, int((now - since).total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if days >= 14:
        return f"{days // 7} weeks"
    if days >= 1:
        return "1 day" if days == 1 else f"{days} days"
    if hours >= 1:
        return "1 hour" if hours == 1 else f"{hours} hours"
    if minutes < 1:
        return "less than a minute"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def redact_names(text, replacements):
    """Replaces each staff name in `text` with its label ("Welfare officer"), longest names first
    so "Sam Jones" is replaced whole before "Sam" alone. Case-insensitive, whole words only."""
    for name in sorted(replacements, key=len, reverse=True):
        if name.strip():
            pattern = re.compile(rf"(?<!\w){re.escape(name.strip())}(?!\w)", re.IGNORECASE)
            text = pattern.sub(replacements[name], text)
    return text


EARLIEST_DAY_YEAR = 1900
CONFIRM_OLDER_THAN_YEARS = 10


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def happened_on_findings(*, happened_on, today, born_on=None):
    """INC-2: a date that is plainly a slip (year 0001, a date in the future) is refused; one that
    is only surprising (before the child was born, more than ten years ago) is asked about, so a
    mistyped year is caught and an old disclosure is still taken. Codes: "refused" or "confirm"."""
    if happened_on.year < EARLIEST_DAY_YEAR:
        return [Finding("INC-2", "refused", f"Check the year: {happened_on.year:04d} cannot be right.")]
    if happened_on > today:
        return [Finding("INC-2", "refused", "The date cannot be in the future.")]
    findings = []
    before_birth = before_birth_finding(happened_on=happened_on, born_on=born_on)
    if before_birth is not None:
        findings.append(before_birth)
    elif happened_on < _years_before(today, CONFIRM_OLDER_THAN_YEARS):
        findings.append(
            Finding("INC-2", "confirm", f"That is more than {CONFIRM_OLDER_THAN_YEARS} years ago. Check the year.")
        )
    return findings


def before_birth_finding(*, happened_on, born_on, name="the child"):
    """INC-2, INC-6: a concern about a child dated before they were born is most often a slip of
    the year, in the report or in the register; it is asked about, never taken silently."""
    if born_on is None or happened_on >= born_on:
        return None
    return Finding("INC-2", "confirm", f"That is before {name} was born ({born_on:%-d %B %Y}). Check the year.")


def over_limit_message(label, text, limit):
    """INC-2, INC-4: long words are refused with the numbers, never cut. Counted as the browser's
    counter counts them: characters, a line break as one."""
    used = len(text.replace("\r\n", "\n"))
    return (
        f"{label} is {used:,} characters long; the most it can hold is {limit:,}. Shorten it by "
        f"{used - limit:,} characters. Nothing you typed has been lost."
    )
