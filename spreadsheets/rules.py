"""What a register row must hold to be imported, as plain functions over plain values: the columns
a file's headings name, and the reasons a row is refused (PPL-2, PPL-3 and plain sense).

No ORM here: a row's values and the mapping in, a RowInput with its findings out.
"""

import functools
import re
from dataclasses import dataclass, field
from datetime import date

import phonenumbers

from people.rules import is_child

from .reading import cell_date


class Field:
    IGNORE = ""
    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    DATE_OF_BIRTH = "date_of_birth"
    TEAM = "team"
    EMAIL = "email"
    MOBILE = "mobile"


GUARDIAN_PARTS = ("name", "first_name", "last_name", "email", "phone", "relationship")
GUARDIAN_WORDS = {
    "name": "name",
    "first_name": "first name",
    "last_name": "last name",
    "email": "email",
    "phone": "phone",
    "relationship": "relationship",
}
MEMBER_FIELDS = [
    (Field.NAME, "Member: full name"),
    (Field.FIRST_NAME, "Member: first name"),
    (Field.LAST_NAME, "Member: last name"),
    (Field.DATE_OF_BIRTH, "Member: date of birth"),
    (Field.TEAM, "Team"),
    (Field.EMAIL, "Member: own email (adults)"),
    (Field.MOBILE, "Member: own mobile (adults)"),
]
FIELD_CHOICES = [
    (Field.IGNORE, "Not imported"),
    *MEMBER_FIELDS,
    *[
        (f"guardian{number}_{part}", f"Guardian {number}: {GUARDIAN_WORDS[part]}")
        for number in (1, 2)
        for part in GUARDIAN_PARTS
    ],
]
FIELD_LABELS = dict(FIELD_CHOICES)

# Headings as the common exports and hand-kept sheets write them, reduced by heading_key().
_MEMBER_SYNONYMS = {
    Field.NAME: ["name", "fullname", "membername", "playername", "player", "member", "childsname", "child"],
    Field.FIRST_NAME: ["firstname", "first", "forename", "forenames", "givenname", "memberfirstname"],
    Field.LAST_NAME: ["lastname", "last", "surname", "familyname", "memberlastname", "playerlastname", "membersurname"],
    Field.DATE_OF_BIRTH: ["dateofbirth", "dob", "birthdate", "birthday", "born", "memberdob", "playerdob"],
    Field.TEAM: ["team", "teams", "squad", "group", "subgroup", "agegroup", "teamname", "section"],
    Field.EMAIL: ["email", "emailaddress", "memberemail", "playeremail"],
    Field.MOBILE: ["mobile", "mobilephone", "phone", "phonenumber", "membermobile", "playermobile", "cellphone"],
}
_GUARDIAN_PREFIXES = ["parent", "guardian", "contact", "parentguardian", "emergencycontact", "carer"]
_GUARDIAN_PARTS_SYNONYMS = {
    "name": ["name", "fullname", ""],
    "first_name": ["firstname", "first", "forename"],
    "last_name": ["lastname", "last", "surname"],
    "email": ["email", "emailaddress"],
    "phone": ["phone", "mobile", "mobilephone", "phonenumber", "tel", "telephone", "cellphone"],
    "relationship": ["relationship", "relation", "relationtochild"],
}


def heading_key(heading):
    return re.sub(r"[^a-z0-9]", "", str(heading).lower())


def _synonyms():
    table = {}
    for name, words in _MEMBER_SYNONYMS.items():
        for word in words:
            table[word] = name
    for number in (1, 2):
        for prefix in _GUARDIAN_PREFIXES:
            numbered = [f"{prefix}{number}"] + ([prefix, f"{prefix}s"] if number == 1 else [f"second{prefix}"])
            for stem in numbered:
                for part, words in _GUARDIAN_PARTS_SYNONYMS.items():
                    for word in words:
                        table[f"{stem}{word}"] = f"guardian{number}_{part}"
    # Hand-kept sheets: "Mum/Dad", "Parent email".
    table.update({"mumdad": "guardian1_name", "parentsname": "guardian1_name", "parentsemail": "guardian1_email"})
    return table


SYNONYMS = _synonyms()


def mapping_guess(headers, remembered):
    """A field for each column: what the committee chose for this heading before, else what the
    heading says, else nothing. A field is taken by its first column only."""
    mapping, taken = [], set()
    for heading in headers:
        key = heading_key(heading)
        guess = remembered.get(key, SYNONYMS.get(key, Field.IGNORE))
        if guess in taken:
            guess = Field.IGNORE
        if guess:
            taken.add(guess)
        mapping.append(guess)
    return mapping


def mapping_problems(mapping):
    """Why a mapping cannot be used, in words (an empty list when it can)."""
    chosen = [name for name in mapping if name]
    twice = sorted(name for name in set(chosen) if chosen.count(name) > 1)
    problems = [f"“{FIELD_LABELS[name]}” is chosen for more than one column." for name in twice]
    has_name = Field.NAME in chosen or {Field.FIRST_NAME, Field.LAST_NAME} <= set(chosen)
    if not has_name:
        problems.append("Choose the column with the member's full name, or both their first and last name.")
    return problems


@dataclass
class PersonInput:
    first_name: str
    last_name: str
    email: str = ""
    mobile: str = ""
    relationship: str = ""

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class RowInput:
    number: int
    member: PersonInput | None = None
    date_of_birth: date | None = None
    team: str = ""
    guardians: list[PersonInput] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    @property
    def is_child(self):
        return self.date_of_birth is not None


def _split_name(full):
    parts = full.split()
    if len(parts) == 1:
        return parts[0], ""
    if "," in full:
        # "Okafor, Ada": the surname first, as registers sorted by hand often are.
        last, first = (part.strip() for part in full.split(",", 1))
        return first, last
    return " ".join(parts[:-1]), parts[-1]


def _name(values, full_key, first_key, last_key):
    full = str(values.get(full_key, "") or "").strip()
    first = str(values.get(first_key, "") or "").strip()
    last = str(values.get(last_key, "") or "").strip()
    if not (first or last) and full:
        first, last = _split_name(full)
    return " ".join(first.split()), " ".join(last.split())


@functools.lru_cache(maxsize=4096)
def phone_clean(text):
    """A UK or international number in its usual written form, or ValueError in words."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    text = str(text).strip()
    # Excel drops a mobile's leading 0 when the column is a number: 7700900123 is 07700 900123.
    if text.isdigit() and len(text) == 10 and text.startswith("7"):
        text = "0" + text
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"“{text}” is not a phone number.") from error
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"“{text}” is not a phone number.")
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# Django's EmailValidator, for a whole register of addresses, is most of an import's time; this
# pattern refuses what it refuses in practice (no @, spaces, no dot in the domain, over 254).
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[a-z0-9-]{2,}$")


def email_clean(text):
    text = str(text).strip().lower()
    if len(text) > 254 or not _EMAIL.match(text) or ".." in text:
        raise ValueError(f"“{text}” is not an email address.")
    return text


def _limit(row, what, text, maximum):
    if len(text) > maximum:
        row.refusals.append(f"{what} is longer than {maximum} characters, the most the register keeps.")


def _guardian(row, values, number):
    prefix = f"guardian{number}_"
    first, last = _name(values, f"{prefix}name", f"{prefix}first_name", f"{prefix}last_name")
    raw_email = str(values.get(f"{prefix}email", "") or "").strip()
    raw_phone = values.get(f"{prefix}phone", "")
    raw_phone = "" if raw_phone in (None, "") else raw_phone
    if not (first or last or raw_email or raw_phone):
        return None
    who = f"Guardian {number}" + (f" ({first} {last})".rstrip(" ()") + ")" if first or last else "")
    if not (first or last):
        row.refusals.append(f"Guardian {number} has contact details but no name.")
    email = mobile = ""
    if raw_email:
        try:
            email = email_clean(raw_email)
        except ValueError as error:
            row.refusals.append(f"{who}: {error}")
    if raw_phone != "":
        try:
            mobile = phone_clean(raw_phone)
        except ValueError as error:
            row.refusals.append(f"{who}: {error}")
    if not raw_email and raw_phone == "":
        row.refusals.append(f"{who} has no email address or phone number: the club could not reach them.")
    if not last and row.member is not None:
        last = row.member.last_name
    _limit(row, f"{who}'s name", first, 100)
    _limit(row, f"{who}'s name", last, 100)
    relationship = str(values.get(f"{prefix}relationship", "") or "").strip()
    _limit(row, f"{who}'s relationship", relationship, 50)
    return PersonInput(first_name=first, last_name=last, email=email, mobile=mobile, relationship=relationship)


def row_read(*, number, values, mapping, today, month_first=False):
    """One row of the file as the register would take it, with every reason it cannot be."""
    named = {}
    for name, value in zip(mapping, values, strict=False):
        if name:
            named[name] = value
    row = RowInput(number=number)
    first, last = _name(named, Field.NAME, Field.FIRST_NAME, Field.LAST_NAME)
    if not first or not last:
        row.refusals.append("The member's first and last name are both needed.")
    _limit(row, "The member's name", first, 100)
    _limit(row, "The member's name", last, 100)
    row.member = PersonInput(first_name=first, last_name=last)
    raw_date = named.get(Field.DATE_OF_BIRTH, "")
    try:
        row.date_of_birth = cell_date(raw_date, month_first=month_first) if raw_date not in (None, "") else None
    except ValueError as error:
        row.refusals.append(f"Date of birth: {error}")
    if row.date_of_birth is not None:
        if row.date_of_birth > today:
            row.refusals.append(f"The date of birth {row.date_of_birth:%d/%m/%Y} is in the future.")
        elif row.date_of_birth.year < today.year - 110:
            row.refusals.append(f"The date of birth {row.date_of_birth:%d/%m/%Y} is more than 110 years ago.")
    row.team = " ".join(str(named.get(Field.TEAM, "") or "").split())
    _limit(row, "The team's name", row.team, 100)
    row.guardians = [g for g in (_guardian(row, named, 1), _guardian(row, named, 2)) if g is not None]
    child = row.date_of_birth is not None and row.date_of_birth <= today and is_child(row.date_of_birth, today)
    if row.guardians and raw_date in (None, "") and not row.refusals:
        row.refusals.append("A child needs a date of birth: it decides which child rules apply (PPL-2).")
    if row.guardians and row.date_of_birth is not None and not child and row.date_of_birth <= today:
        row.refusals.append(
            f"{row.member.full_name} is 18 or over: an adult member manages their own record and has no guardians "
            "in the register (PPL-2). Leave the guardian columns empty on this row."
        )
    for name, label in ((Field.EMAIL, "email"), (Field.MOBILE, "mobile")):
        raw = named.get(name, "")
        if raw in (None, ""):
            continue
        if child:
            row.refusals.append(
                f"A child's own {label} is kept only with a guardian's consent (PPL-4): set that column to "
                "“Not imported”, or leave the cell empty for children."
            )
            continue
        try:
            cleaned = email_clean(raw) if name == Field.EMAIL else phone_clean(raw)
        except ValueError as error:
            row.refusals.append(f"The member's {label}: {error}")
            continue
        setattr(row.member, name, cleaned)
    return row


def team_age_group(name):
    """The age group a team's name says ("Under 11s", "U11 Girls"), "adult" for a senior side, or
    None when the name does not say."""
    key = name.lower()
    match = re.search(r"\b(?:u|under|under-)\s?(\d{1,2})", key)
    if match:
        age = int(match.group(1))
        for limit in (9, 11, 13, 15, 17, 19):
            if age <= limit:
                return f"U{limit}"
        return None
    if re.search(r"\b(1st|2nd|3rd|4th|first|second|senior|seniors|adult|adults|men|women|ladies|vets|veterans)\b", key):
        return "adult"
    return None
