"""The people rules of the policy as plain functions: who is a child, which roles need what.

No ORM and no settings here: every function takes plain values and is tested without a database.
"""

from datetime import date

from sefton_safety.findings import Finding

ADULT_AGE = 18


def birthday_in_year(date_of_birth: date, year: int) -> date:
    """The birthday in a given year; someone born on 29 February has it on 1 March in other years,
    which is when English law counts the year as complete."""
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def age_on(date_of_birth: date, day: date) -> int:
    age = day.year - date_of_birth.year
    if day < birthday_in_year(date_of_birth, day.year):
        age -= 1
    return age


def is_child(date_of_birth: date | None, day: date) -> bool:
    """PPL-2: a child is anyone under 18 on the day of the check. An unknown date of birth is an
    adult's: children are always registered with one, which the register enforces."""
    if date_of_birth is None:
        return False
    return age_on(date_of_birth, day) < ADULT_AGE


def latest_birth_date_of_adult(day: date) -> date:
    """The latest date of birth of someone who is 18 or over on `day`: anyone born after it is a
    child. Lets the database filter with the same answer as is_child()."""
    try:
        return day.replace(year=day.year - ADULT_AGE)
    except ValueError:
        # `day` is 29 February and that year was common: someone born on 1 March is still 17.
        return date(day.year - ADULT_AGE, 2, 28)


def child_contact_details_findings(
    *, is_child: bool, holds_mobile: bool, holds_email: bool, mobile_consent: bool, email_consent: bool
) -> list[Finding]:
    """PPL-4: a child's own mobile number is held only with a guardian's consent to contact by text
    or phone, and their own email address only with consent to email. Empty when they may be held."""
    if not is_child:
        return []
    findings = []
    if holds_mobile and not mobile_consent:
        findings.append(
            Finding(
                "PPL-4",
                "child_mobile_without_consent",
                "A child's own mobile number is not held without a guardian's consent to texts or calls: "
                "contact the child through a parent or guardian instead.",
            )
        )
    if holds_email and not email_consent:
        findings.append(
            Finding(
                "PPL-4",
                "child_email_without_consent",
                "A child's personal email address is not held without a guardian's consent to email: "
                "contact the child through a parent or guardian instead.",
            )
        )
    return findings


def role_decision_problem(
    *,
    is_pending: bool,
    decider_id: int | None,
    asked_by_id: int | None,
    subject_user_id: int | None,
    decider_is_officer: bool,
) -> str | None:
    """Four eyes (the policy's safeguarding lead is never appointed by one person): who may confirm
    or refuse a committee or welfare grant that waits, in words, or None when this person may."""
    if not is_pending:
        return "This grant is not waiting for a confirmation."
    if decider_id is None:
        return "A grant is confirmed by a person, signed in."
    if decider_id == asked_by_id:
        return "Nobody confirms their own request: a second committee member or welfare officer must."
    if decider_id == subject_user_id:
        return "Nobody confirms a grant for themselves: another committee member or welfare officer must."
    if not decider_is_officer:
        return "Only a committee member or a welfare officer confirms a grant of a committee or welfare role."
    return None
