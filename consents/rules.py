"""The consent rules of the policy as plain functions over plain values (CON-1 to CON-6, PPL-2).

The question every other part of the portal asks is `decide()`: may the club do this with this
child, through this channel or destination, now? No record means no; the newest answer wins; an
answer lapses at the end of its season; direct contact also needs a per-occasion permission that
covers the purpose and the moment.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from people.rules import is_child
from sefton_safety.findings import Finding

PHOTO_TOPICS = {
    "photo_website": "Photos and videos on the club website",
    "photo_social": "Photos and videos on the club's social media",
    "photo_press": "Photos and videos in print and the local press",
    "name_published": "Name published with photos or match reports",
}
CONTACT_TOPICS = {
    "contact_email": "Email",
    "contact_text": "Text message",
    "contact_phone": "Phone call",
    "contact_social": "Social media",
    "contact_messaging": "Instant messaging",
}
TOPICS = {**PHOTO_TOPICS, **CONTACT_TOPICS}

# Plain words shown beside each question on the form.
TOPIC_HELP = {
    "photo_website": "Team photos and match pictures on the club's own website.",
    "photo_social": "Pictures and short videos on the club's Facebook, Instagram and X accounts.",
    "photo_press": "The club's printed newsletter, programmes and the local newspaper.",
    "name_published": "First name and surname beside a photo or in a match report. Without it, photos carry no name.",
    "contact_email": "The club may email your child directly, always copying another volunteer.",
    "contact_text": "The club may text your child, with a copy to the welfare officer or to you.",
    "contact_phone": "A coach may phone your child, only from a club phone.",
    "contact_social": "The club may message your child through the club's social media accounts.",
    "contact_messaging": "The club may message your child on apps such as WhatsApp, from a club account.",
}

# The same help, addressed to a young member of 18 or over who answers for themselves (PPL-2).
TOPIC_HELP_FOR_THEMSELVES = {
    "photo_website": "Team photos and match pictures of you on the club's own website.",
    "photo_social": "Pictures and short videos of you on the club's Facebook, Instagram and X accounts.",
    "photo_press": "The club's printed newsletter, programmes and the local newspaper.",
    "name_published": "Your name beside a photo or in a match report. Without it, photos carry no name.",
    "contact_email": "The club may email you directly, always copying another volunteer.",
    "contact_text": "The club may text you, with a copy to the welfare officer.",
    "contact_phone": "A coach may phone you, only from a club phone.",
    "contact_social": "The club may message you through the club's social media accounts.",
    "contact_messaging": "The club may message you on apps such as WhatsApp, from a club account.",
}

CHANNEL_TOPIC = {
    "email": "contact_email",
    "text": "contact_text",
    "phone": "contact_phone",
    "social": "contact_social",
    "messaging": "contact_messaging",
}


@dataclass(frozen=True)
class Answer:
    """One recorded answer to one consent question (the newest for its topic is the current one)."""

    topic: str
    given: bool
    recorded_at: datetime
    valid_until: date


# VOL-4: contact by phone call or text uses a club phone, never a volunteer's own.
CLUB_PHONE_CHANNELS = frozenset({"phone", "text"})


@dataclass(frozen=True)
class Permission:
    """A per-occasion permission for direct contact (CON-3), as a guardian answered it, and for a
    call or a text whether the volunteer holds the club phone it names on the day asked about (VOL-4)."""

    purpose: str
    channel: str
    starts_at: datetime
    ends_at: datetime
    approved: bool
    club_phone_held: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    findings: list[Finding] = field(default_factory=list)

    def __bool__(self):
        return self.allowed

    @property
    def reason(self):
        return " ".join(f.message for f in self.findings)


def current_answer(answers, topic):
    """The newest answer for a topic, or None: consent history is never edited, only added to."""
    matching = [a for a in answers if a.topic == topic]
    return max(matching, key=lambda a: a.recorded_at) if matching else None


def consent_finding(answers, topic, *, name, on):
    """CON-1/CON-2/CON-4/CON-6 for one topic: None when consent holds on the day, else why not."""
    rule = "CON-1" if topic in PHOTO_TOPICS else "CON-2"
    label = TOPICS[topic].lower()
    answer = current_answer(answers, topic)
    if answer is None:
        return Finding(rule, "no_consent", f"No consent is recorded for {name}: {label}. No record means no consent.")
    if not answer.given:
        return Finding(
            rule, "consent_withdrawn", f"{name}'s guardian has not given consent for {label}, or has withdrawn it."
        )
    if answer.valid_until < on:
        return Finding(
            "CON-6",
            "consent_lapsed",
            f"{name}'s consent for {label} lapsed on {answer.valid_until:%d %B %Y} and has not been renewed.",
        )
    return None


def decide_photo(*, answers, destination, name, at):
    """May the club publish a photo or video of this person to this destination (CON-1)?"""
    if destination not in PHOTO_TOPICS:
        raise ValueError(f"unknown destination {destination!r}")
    finding = consent_finding(answers, destination, name=name, on=at.date())
    return Decision(finding is None, [finding] if finding else [])


def decide_contact(*, answers, permissions, channel, purpose, name, date_of_birth, at):
    """May the club contact this person directly through a channel for a purpose, at a moment?

    A child needs both the channel's consent (CON-2) and an approved, unexpired permission for
    this purpose on this channel (CON-3). From their 18th birthday the child rules stop (PPL-2)
    and only their own channel consent counts.
    """
    topic = CHANNEL_TOPIC.get(channel)
    if topic is None:
        raise ValueError(f"unknown channel {channel!r}")
    findings = []
    finding = consent_finding(answers, topic, name=name, on=at.date())
    if finding:
        findings.append(finding)
    if is_child(date_of_birth, at.date()):
        permission_problem = permission_finding(permissions, channel=channel, purpose=purpose, name=name, at=at)
        if permission_problem:
            findings.append(permission_problem)
    return Decision(not findings, findings)


def permission_finding(permissions, *, channel, purpose, name, at):
    """CON-3: some approved permission must name this purpose and channel and cover this moment."""
    approved = [p for p in permissions if p.approved and p.channel == channel and p.purpose == purpose]
    covering = [p for p in approved if p.starts_at <= at < p.ends_at]
    channel_label = CONTACT_TOPICS[CHANNEL_TOPIC[channel]].lower()
    if covering and channel in CLUB_PHONE_CHANNELS and not any(p.club_phone_held for p in covering):
        return Finding(
            "VOL-4",
            "club_phone_not_held",
            f"The volunteer does not hold the club phone named for contacting {name} by {channel_label} today: "
            "calls and texts to a young member go only from a club phone the volunteer holds that day.",
        )
    if covering:
        return None
    if any(p.ends_at <= at for p in approved):
        return Finding(
            "CON-3",
            "permission_expired",
            f"The guardian's permission to contact {name} by {channel_label} for this purpose has expired.",
        )
    if any(p.starts_at > at for p in approved):
        return Finding(
            "CON-3",
            "permission_not_started",
            f"The guardian's permission to contact {name} by {channel_label} for this purpose has not started yet.",
        )
    return Finding(
        "CON-3",
        "no_permission",
        f"No guardian has approved contacting {name} directly by {channel_label} for this purpose. "
        "Ask for permission, or write to the guardians instead.",
    )


def answering_finding(*, answerer_is_guardian_with_responsibility, answerer_is_the_person, date_of_birth, on):
    """PPL-2/PPL-3: who may answer for a person. A guardian with parental responsibility answers
    for a child; from the 18th birthday the young person answers for themselves, and only them."""
    if is_child(date_of_birth, on):
        if answerer_is_guardian_with_responsibility:
            return None
        return Finding(
            "PPL-3",
            "not_a_guardian",
            "Only a parent or guardian with parental responsibility for this child can answer for them.",
        )
    if answerer_is_the_person:
        return None
    return Finding(
        "PPL-2", "adult_answers_for_themselves", "This young person is 18 or over and answers for themselves."
    )


# The cricket season runs April to September. Answers given from 1 March are for the summer about
# to start; every season's answers lapse on 31 March after it, and guardians renew them (CON-6).
SEASON_OPENS_MONTH = 3


def season_for(day: date) -> int:
    """The season (named by its summer) that an answer given on `day` is for."""
    return day.year if day.month >= SEASON_OPENS_MONTH else day.year - 1


# From October the committee prepares next summer's round, so the round form offers that season.
ROUND_FOR_NEXT_SEASON_FROM_MONTH = 10


def round_season_default(day: date) -> int:
    """CON-6: the season a round started on `day` is most likely for: the summer coming, which from
    October is next year's; in January and February it is this year's, about to open."""
    return day.year + 1 if day.month >= ROUND_FOR_NEXT_SEASON_FROM_MONTH else day.year


def season_lapses_on(season: int) -> date:
    """The last day a season's answers hold."""
    return date(season + 1, 3, 31)


def season_lapsing_next(day: date) -> int:
    """The season whose answers are the next to lapse: until 31 March, last summer's."""
    return day.year - 1 if day <= date(day.year, 3, 31) else day.year


def club_phone_finding(*, channel, phone_named, in_service, held_on_first_day):
    """VOL-4: a permission to call or text names a club phone in service that the volunteer holds
    on the window's first day. None when it does, or for other channels."""
    if channel not in CLUB_PHONE_CHANNELS:
        return None
    if not phone_named:
        return Finding(
            "VOL-4",
            "no_club_phone",
            "Name the club phone you will use: calls and texts to a young member go only from a club phone.",
        )
    if not in_service:
        return Finding("VOL-4", "club_phone_out_of_service", "That club phone is out of service: choose another.")
    if not held_on_first_day:
        return Finding(
            "VOL-4",
            "club_phone_not_held",
            "You do not hold that club phone on the first day asked for: ask the committee to record that "
            "you hold it, or choose the one you hold.",
        )
    return None
