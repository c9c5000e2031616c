"""The committee's rules as plain functions (VOL-1 to VOL-5, X-1): who needs which training and
check, when something is expiring, when a reminder is due, and which clause of the policy the
portal carries. No database, no settings."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

REMIND_AHEAD = timedelta(days=30)

# Who needs what (VOL-3). Role kinds are plain strings here, as people.models.Role.Kind stores them.
WORKS_WITH_CHILDREN = frozenset(
    {"volunteer", "welfare_officer", "deputy_welfare_officer", "designated_person", "designated_supervisor"}
)
NEEDS_CHECK = frozenset({"volunteer", "welfare_officer", "deputy_welfare_officer"})
NEEDS_ONLINE_SAFETY = frozenset({"designated_person"})


def state(expires_on: date | None, today: date) -> str:
    """ "missing", "expired", "expiring" (within 30 days) or "valid"."""
    if expires_on is None:
        return "missing"
    if expires_on <= today:
        return "expired"
    if expires_on - today <= REMIND_AHEAD:
        return "expiring"
    return "valid"


def reminder_due(expires_on: date, today: date) -> bool:
    """VOL-3, VOL-5: remind from 30 days before the date until it passes."""
    return expires_on - REMIND_AHEAD <= today < expires_on


# VOL-1, VOL-3: a person missing from a list is emailed about it at most once in this time.
MISSING_REMINDER_GAP = timedelta(days=7)


def missing_reminder_allowed(last_sent_at: datetime | None, now: datetime) -> bool:
    """Whether a person may be reminded of a list's missing item now, given their last reminder."""
    return last_sent_at is None or now - last_sent_at >= MISSING_REMINDER_GAP


def clauses(body: str) -> list[str]:
    """The policy's clauses: each line that starts with a bullet ("·", "-" or "*")."""
    found = []
    for line in body.splitlines():
        stripped = line.strip()
        if stripped[:1] in {"·", "-", "*"} and len(stripped) > 2:
            found.append(stripped[1:].strip())
    return found


@dataclass(frozen=True)
class ClauseRule:
    phrase: str  # lower-case words that identify the clause
    requirements: tuple[str, ...]
    how: str  # what the portal does, in a sentence


# Which clauses of the policy the portal carries, by words the clause contains.
CLAUSE_RULES = (
    ClauseRule(
        "at least 3 members", ("ACC-2", "ACC-3"), "Each account's custodians are counted; below three is refused."
    ),
    ClauseRule("monitored by a designated person", ("ACC-4",), "The committee's appointment is recorded per account."),
    ClauseRule("seek advice from our welfare officer", ("ACC-5",), "Questions and answers are kept with the account."),
    ClauseRule("remove inappropriate posts", ("ACC-6",), "Removals are recorded and everyone affected is told."),
    ClauseRule("identifying details", ("ACC-8", "MSG-4"), "Posts and messages are checked for them."),
    ClauseRule("who manages our social media", ("ACC-7",), "The public “Who runs our accounts” page."),
    ClauseRule("approval for us to communicate", ("CON-2", "CON-3"), "Parents' consents and per-occasion permissions."),
    ClauseRule("permission for photographs", ("CON-1", "ACC-9"), "Photo consent per destination, checked on posts."),
    ClauseRule("fit for purpose", ("ACC-1",), "Each account is reviewed every year."),
    ClauseRule("aware of this policy", ("VOL-1", "VOL-2"), "Volunteers acknowledge each version."),
    ClauseRule("to the designated person responsible", ("MSG-1",), "Messages to children wait for approval."),
    ClauseRule("not ‘friend’ or ‘follow’", ("VOL-2",), "Volunteers declare it with each acknowledgement."),
    ClauseRule(
        "personal accounts or private messages", ("VOL-2", "MSG-1"), "Declared, and messages go through the portal."
    ),
    ClauseRule(
        "more formal means of communication", ("MSG-1",), "Messages to parents go from the club, through the portal."
    ),
    ClauseRule("copied into any emails", ("MSG-2",), "The worker adds the copy or holds the email."),
    ClauseRule("outside of normal office hours", ("MSG-3",), "Messages wait for office hours."),
    ClauseRule("signed off in a professional manner", ("MSG-4",), "No emojis or kisses; a sign-off is required."),
    ClauseRule("same way as a face-to-face disclosure", ("INC-2",), "One report form and procedure for both."),
    ClauseRule("online bullying", ("INC-7",), "Cyberbullying is its own category, counted for the committee."),
    ClauseRule("disclosures that take place online", ("INC-1", "INC-2"), "Anyone can report, online or in person."),
    ClauseRule("sexting", ("INC-1", "MSG-4"), "A category of concern; obscene words are refused."),
    ClauseRule("agree to its terms", ("CON-5", "VOL-1"), "Young members agree to each policy version and the promise."),
    ClauseRule(
        "personal mobile numbers", ("PPL-4",), "A child's own number needs consent and goes when it is withdrawn."
    ),
    ClauseRule("parental permission on each occasion", ("CON-3",), "Per-occasion direct-contact permissions."),
    ClauseRule("method of accountability", ("MSG-2",), "Texts to children copy the welfare officer."),
    ClauseRule("separate phone", ("VOL-4",), "Calls and texts name a club phone the volunteer holds that day."),
    ClauseRule("not to engage in conversation", ("MSG-5",), "Texts carry information only."),
    ClauseRule("end the conversation", ("MSG-8",), "Replies end the thread with the policy's answer."),
    ClauseRule("contact details for the club", ("MSG-8",), "The answer names the welfare officer."),
    ClauseRule("discussing the subject further at the next practice", ("MSG-8",), "The answer says so, once."),
    ClauseRule(
        "who to contact if there is an emergency", ("MSG-11",), "Players are told whom to tell, or their families."
    ),
    ClauseRule("appropriate times they can contact", ("MSG-10",), "Parents get match-day contact times."),
    ClauseRule(
        "reachable should there be an emergency", ("MSG-10",), "The match-day email names the emergency contact."
    ),
    ClauseRule("provide training for the person", ("ACC-4", "VOL-3"), "Training is recorded with its expiry."),
    ClauseRule("regularly review", ("VOL-5",), "The policy's review date, with a reminder."),
)


def clause_rules(clause: str) -> list[ClauseRule]:
    text = clause.lower()
    return [rule for rule in CLAUSE_RULES if rule.phrase in text]
