"""The messaging rules of the policy as plain functions: what a club message may say (MSG-4, MSG-5).
When a message may go out (MSG-3) is in messaging/office_hours.py.

No ORM, no settings and no Celery here: text and context in, findings out. The worker calls the
same functions at send time as the draft form does when the volunteer writes (MSG-7).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import emoji
import phonenumbers

from sefton_safety.findings import Finding

CHANNELS = ("email", "sms")
AUDIENCES = ("child", "guardian", "team", "adult")


@dataclass(frozen=True)
class ContentContext:
    channel: str  # "email" or "sms"
    audience: str  # "child", "guardian" or "team" (the players and/or families of a team)
    school_names: tuple[str, ...] = ()  # the club's list and the schools in the children's records
    child_addresses: tuple[str, ...] = ()  # first lines of the children's home addresses

    def __post_init__(self):
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}: expected one of {', '.join(CHANNELS)}")
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}: expected one of {', '.join(AUDIENCES)}")


# The longest body each channel carries. An email longer than a few pages is not a club notice; a
# text longer than four joined parts (153 characters each) arrives in pieces, and the provider
# refuses one past 1,600.
MAX_LENGTH = {"email": 5000, "sms": 612}


def length_finding(text: str, channel: str) -> Finding | None:
    limit = MAX_LENGTH[channel]
    if len(text) <= limit:
        return None
    noun = "an email" if channel == "email" else "a text message"
    return Finding(
        "X-4",
        "too_long",
        f"Shorten the message to at most {limit:,} characters: {noun} can carry no more, and this one has "
        f"{len(text):,}.",
    )


def content_findings(text: str, context: ContentContext) -> list[Finding]:
    """MSG-4 for every message and MSG-5 for texts to young people: at most one finding per code,
    in the order the problems first occur in the text (whole-message problems last). A message too
    long for its channel gets that finding alone: it is refused anyway, and the other rules are not
    run over text of any length."""
    too_long = length_finding(text, context.channel)
    if too_long:
        return [too_long]
    located = [
        _emoji(text),
        _kisses(text),
        _phone_number(text),
        _postcode(text),
        _address(text, context.child_addresses),
        _school_name(text, context.school_names),
        _obscene(text),
    ]
    if context.channel == "email":
        located.append(_sign_off(text))
    if context.channel == "sms" and context.audience in ("child", "team"):
        located += [_conversational(text), _not_informational(text)]
    found = sorted((item for item in located if item), key=lambda item: item[0])
    return [finding for _, finding in found]


def _quoted(found: list[str], noun: str, plural: str) -> str:
    """'the emoji ("👍")' or 'the 3 emojis (first "👍")': says what to look for in the draft."""
    if len(found) == 1:
        return f'the {noun} ("{found[0]}")'
    return f'the {len(found)} {plural} (first "{found[0]}")'


# MSG-4: emojis. ©, ® and ™ count as emoji in Unicode but are ordinary typography in a footer.
TYPOGRAPHIC_SYMBOLS = {"©", "®", "™"}
EMOTICON = re.compile(
    r"(?<![\w:;=<])(?:[:;=]['’]?-?[)(DPpOo*|\]\[/\\]|<3|</3|\^_?\^|[xX]D)(?!\w)",
)
# Pieces of emoji that can turn up on their own when a sequence is pasted in part.
EMOJI_PIECES = re.compile("[\ufe0f\u20e3\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


# Every character outside ASCII that takes part in some emoji: a text without one has no emoji, and
# the library's tokenizer (the slow part of a check) is not run on it.
EMOJI_CHARACTERS = frozenset(c for symbol in emoji.EMOJI_DATA for c in symbol if not c.isascii())


def _emoji(text):
    found = []
    if not EMOJI_CHARACTERS.isdisjoint(text):
        found = [(hit["match_start"], hit["emoji"]) for hit in emoji.emoji_list(text)]
        found = [(start, symbol) for start, symbol in found if symbol not in TYPOGRAPHIC_SYMBOLS]
        if not found:
            found = [(match.start(), match.group()) for match in EMOJI_PIECES.finditer(text)]
    found += [(match.start(), match.group()) for match in EMOTICON.finditer(text)]
    if not found:
        return None
    found.sort()
    return found[0][0], Finding(
        "MSG-4",
        "emoji",
        f"Remove {_quoted([symbol for _, symbol in found], 'emoji', 'emojis')}: club messages are signed off "
        "professionally, without emojis, emoticons or symbols.",
    )


# MSG-4: "kisses". A kiss is a run of x's (or xo's) standing on its own at the end of a line of the
# sign-off; a lone x after a number ("6 x 4") or a label ("Gate X") is not one.
KISS_RUN = r"(?:x{1,4}|(?:xo){1,3}x?)(?:\s+(?:x{1,4}|(?:xo){1,3}x?))*"
KISS_AT_LINE_END = re.compile(rf"(?:^|(?<=[\s,.!?;:~(\-–—]))(?P<kiss>{KISS_RUN})$", re.IGNORECASE)
KISS_ANYWHERE = re.compile(r"(?<![\w'’-])(?:x{2,4}|(?:xo){1,3}x?)(?![\w'’-])")
NOT_A_KISS_BEFORE = re.compile(
    r"(?:\d[\d.,]*|\b(?:gate|room|pitch|court|field|block|stand|entrance|door|level|group|section|junction|exit|"
    r"platform|bay|zone|type|size|factor|malcolm|generation|gen))\W*$",
    re.IGNORECASE,
)
SIGN_OFF_LINES = 3


def _line_end(line: str) -> str:
    """The line without the trailing punctuation, spaces and emojis a kiss may hide behind (no emoji
    is a letter or a digit, and a keycap's digit is followed by its marks)."""
    end = len(line)
    while end and not line[end - 1].isalnum():
        end -= 1
    return line[:end]


def _lines_with_offsets(text):
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _kisses(text):
    found = []
    lines = [(offset, line) for offset, line in _lines_with_offsets(text) if line.strip()]
    for offset, line in lines[-SIGN_OFF_LINES:]:
        trimmed = _line_end(line)
        match = KISS_AT_LINE_END.search(trimmed)
        if match and not (len(match["kiss"]) == 1 and NOT_A_KISS_BEFORE.search(trimmed[: match.start()])):
            found.append((offset + match.start(), match["kiss"]))
    found += [(match.start(), match.group()) for match in KISS_ANYWHERE.finditer(text)]
    if not found:
        return None
    found.sort()
    return found[0][0], Finding(
        "MSG-4",
        "kisses",
        f'Remove the kisses ("{found[0][1]}"): club messages are signed off professionally, without "x" '
        "kisses, however friendly they are meant.",
    )


# MSG-4: telephone numbers. The library's loosest setting finds every written form; a match counts
# when it is a whole number (not a local fragment such as a score or a year) dialled the UK way,
# or written internationally.
PHONE_MIN_DIGITS = 9
DIGIT = re.compile(r"\d")


def _phone_number(text):
    if len(DIGIT.findall(text)) < PHONE_MIN_DIGITS:
        return None
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        number = match.number
        if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
            continue
        national = phonenumbers.national_significant_number(number)
        written_with_prefix = match.raw_string.lstrip("(").startswith(("0", "+"))
        uk_mobile_without_zero = len(national) == 10 and national.startswith("7")
        if number.country_code != 44 or (
            len(national) >= PHONE_MIN_DIGITS and (written_with_prefix or uk_mobile_without_zero)
        ):
            found.append((match.start, match.raw_string))
    if not found:
        return None
    return found[0][0], Finding(
        "MSG-4",
        "phone_number",
        f"Remove {_quoted([number for _, number in found], 'phone number', 'phone numbers')}: club messages "
        "carry no telephone numbers, so a child's number is never shared. Point people to the club's "
        "contact page instead.",
    )


# MSG-4: postcodes. Only real postcode areas, and the inward part never uses C, I, K, M, O or V, so
# "U11", "U9 5pm" and "M6 8am" are not postcodes.
AREAS_IN_USE = """
AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY
G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW
OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF
WN WR WS WV YO ZE
"""
POSTCODE_AREAS = frozenset(AREAS_IN_USE.split())
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?P<area>[A-Z]{1,2})[0-9][A-Z0-9]?\s*[0-9][ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9])GIR\s*0AA(?![A-Za-z0-9])",
    re.IGNORECASE,
)
ORDINAL = re.compile(r"(?:1st|2nd|3rd|[04-9]th)$")


def _postcode(text):
    # A lower-case "b2 2nd" is an ordinal in a sentence, not a postcode someone typed.
    found = [
        match
        for match in POSTCODE.finditer(text)
        if (match["area"] is None or match["area"].upper() in POSTCODE_AREAS) and not ORDINAL.search(match.group())
    ]
    if not found:
        return None
    return found[0].start(), Finding(
        "MSG-4",
        "postcode",
        f"Remove {_quoted([match.group() for match in found], 'postcode', 'postcodes')}: a postcode can locate "
        "a child's home. Name the ground or venue instead.",
    )


# MSG-4: home addresses, the children's own and any "number + street" address.
STREET_TYPES = {
    "road": "rd",
    "street": "st",
    "avenue": "ave",
    "lane": "ln",
    "drive": "dr",
    "close": "cl",
    "crescent": "cres",
    "way": "way",
    "grove": "gr",
    "terrace": "terr",
    "place": "pl",
    "gardens": "gdns",
    "court": "ct",
}
# A house number, one to three capitalised words, a street type: "12 Aigburth Road", "3a Elm Close".
GENERIC_ADDRESS = re.compile(
    r"(?<![\w/.:£$-])\d{1,4}[a-hA-H]?,?\s+(?:[A-Z][A-Za-z'’.-]*\s+){1,3}"
    r"(?i:road|rd|street|st|avenue|ave|lane|ln|drive|dr|close|crescent|way|grove|terrace|place|gardens|court)\b\.?"
)


def _words_pattern(words: list[str]) -> str:
    """Words as a pattern tolerant of case, spacing, commas, apostrophes and short street types."""
    parts = []
    for word in words:
        key = word.lower().rstrip(".")
        long_form = next((full for full, short in STREET_TYPES.items() if key in (full, short)), None)
        if key in ("st", "saint"):  # "St Mary's" is a saint, "Church St" a street
            parts.append(r"(?:st\.?|saint|street)")
        elif long_form:
            parts.append(rf"(?:{long_form}|{STREET_TYPES[long_form]}\.?)")
        elif key in ("&", "and"):
            parts.append(r"(?:&|and)")
        else:
            parts.append(re.sub(r"['’]", "['’]?", re.escape(key)).replace(r"\.", r"\.?"))
    return r",?\s+".join(parts)


@lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...], optional_school: bool) -> re.Pattern | None:
    alternatives = []
    for name in names:
        words = name.split()
        if not words or len(name.strip()) < 3:
            continue
        if optional_school and len(words) > 2 and words[-1].lower() == "school":
            # "Greenbank Primary" names the school; "Greenbank" alone may be the ground or the park.
            alternatives.append(_words_pattern(words[:-1]) + r"(?:\s+school)?")
        else:
            alternatives.append(_words_pattern(words))
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


HOUSE_NUMBER = re.compile(r"(?<!\w)\d{1,4}[a-z]?(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=16)
def _addresses_by_number(addresses: tuple[str, ...]) -> tuple[dict[str, re.Pattern], re.Pattern | None]:
    """The homes that start with a house number, as one pattern per number, and one pattern for the
    rest. A pattern of 10,000 homes tried at every position of a long message is what made the check
    slow; tried only where the text has that house number, it costs almost nothing."""
    by_number, others = {}, []
    for address in addresses:
        words = address.split()
        if words and HOUSE_NUMBER.fullmatch(words[0].rstrip(",")):
            by_number.setdefault(words[0].rstrip(",").lower(), []).append(address)
        else:
            others.append(address)
    patterns = {number: _names_pattern(tuple(homes), False) for number, homes in by_number.items()}
    return {number: pattern for number, pattern in patterns.items() if pattern}, _names_pattern(tuple(others), False)


def _address(text, child_addresses):
    found = []
    by_number, others = _addresses_by_number(tuple(child_addresses))
    for number in HOUSE_NUMBER.finditer(text):
        pattern = by_number.get(number.group().lower())
        match = pattern.match(text, number.start()) if pattern else None
        if match:
            found.append((match.start(), match.group()))
    if others:
        found += [(match.start(), match.group()) for match in others.finditer(text)]
    found += [(match.start(), match.group()) for match in GENERIC_ADDRESS.finditer(text)]
    if not found:
        return None
    found.sort()
    return found[0][0], Finding(
        "MSG-4",
        "address",
        f'Remove the home address ("{found[0][1]}"): club messages never give where a child lives. Name the '
        "ground or venue instead.",
    )


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# MSG-4: a school the club has not listed is still found by the shape of its name: capitalised
# words before "School", "Academy", "College" or "Primary" ("Blue Coat School", "Dovedale Primary").
SCHOOL_TYPE = re.compile(r"(?<![\w'’-])(?:Primary(?: School)?|School|Academy|College)(?![\w-])")
# Words that make "X School" a kind of school or a club's activity, not one school's name.
NOT_A_SCHOOL_NAME = _word_set(
    """
    after before primary secondary high junior junior's juniors infant infants grammar sixth form nursery
    catholic c e rc ce free independent state private boarding special local your our their the this
    that every any each no new old next last summer sunday saturday holiday holidays half-term night
    evening driving sports sport cricket football rugby tennis hockey netball dance coaching performance
    swimming soccer club club's academy college school youth winter easter spring
    """
)
# Words in front of a name that are part of the sentence, not of the name ("Meet at The Blue Coat").
LEADING_WORDS = _word_set("the at from to in on near outside behind by for and of a an meet pick-up")
NAME_CONNECTORS = frozenset({"of", "and", "&", "the", "de", "la", "le"})
NAME_WORD = re.compile(r"(?:[A-Z][\w'’.-]*|&)$")
SCHOOL_NAME_WORDS = 6


def _school_shape(text):
    """The first school-shaped name, as (start, name), or None."""
    for match in SCHOOL_TYPE.finditer(text):
        words = text[max(0, match.start() - 120) : match.start()].split(" ")
        if not words or words[-1] != "":
            continue  # the type word is not preceded by a plain space ("Greenbank.School")
        words = words[:-1]
        name = []
        while words and len(name) < SCHOOL_NAME_WORDS:
            word = words[-1]
            sentence_end = word[-1:] in ".,;:!?" and word.rstrip(".").lower() != "st"
            if not word or sentence_end or not (NAME_WORD.match(word) or word in NAME_CONNECTORS):
                break
            name.insert(0, words.pop())
        while name and (name[0].lower() in LEADING_WORDS or name[0] in NAME_CONNECTORS):
            name.pop(0)
        naming = [word for word in name if word not in NAME_CONNECTORS]
        if not naming or naming[-1].lower() in NOT_A_SCHOOL_NAME and len(naming) == 1:
            continue
        if all(word.lower().strip("'’") in NOT_A_SCHOOL_NAME for word in naming):
            continue
        if naming[-1].lower() in NOT_A_SCHOOL_NAME - {"primary", "high", "junior", "infant", "grammar", "catholic"}:
            continue  # "Greenbank Sports Academy", "Sefton Park Cricket Club Academy"
        start = match.start() - sum(len(word) + 1 for word in name)
        return start, text[start : match.end()]
    return None


def _school_name(text, school_names):
    found = []
    pattern = _names_pattern(tuple(school_names), True)
    match = pattern.search(text) if pattern else None
    if match:
        found.append((match.start(), match.group()))
    shaped = _school_shape(text)
    if shaped:
        found.append(shaped)
    if not found:
        return None
    start, name = min(found)
    return start, Finding(
        "MSG-4",
        "school_name",
        f'Remove the school name ("{name}"): a school can identify and locate a child. Leave it out of club messages.',
    )


# MSG-4: obscene, insulting or menacing language. Each word of the text is compared, as a whole word,
# with the list below after undoing the usual disguises: letter swaps (sh1t, b@stard, d!ck), masked
# inner letters (f***ing, b*tch), dots or dashes between letters (f.u.c.k) and stretched letters
# (shiiit). Being whole-word, "Scunthorpe", "assess" and "cocktail" are never matched.
OBSCENE_WORDS = _word_set(
    """
    fuck fucks fucked fucker fuckers fucking fuckin fuckwit fuckwits motherfucker motherfuckers motherfucking
    fck fcking fking fuk fuks fukin fukking feck fecking cunt cunts shit shits shitty shite shithead shitheads
    bullshit bitch bitches bitchy bastard bastards bollocks twat twats twatty dickhead dickheads arsehole
    arseholes asshole assholes whore whores wank wanks wanked wanker wankers wanking tosser tossers knobhead
    knobheads bellend bellends slag slags slapper slappers minger mingers nonce nonces spastic
    spastics spaz spazzy retard retards retarded pillock pillocks plonker plonkers prat prats numpty numpties
    scrote scrotes scumbag scumbags pisshead pissheads
    """
)
# Words that are also names or ordinary words when capitalised ("Dick Smith", "The Muppets"): they
# count only written in lower case or disguised.
OBSCENE_UNLESS_CAPITALISED = _word_set("dick dicks knob knobs cock cocks muppet muppets")
OBSCENE_STEMS = ("fuck", "cunt", "wanker")
LEET = str.maketrans({"@": "a", "4": "a", "1": "i", "!": "i", "|": "i", "0": "o", "3": "e", "$": "s", "5": "s"})
WORD_TOKEN = re.compile(r"[^\s,;:?()\[\]{}<>\"/]+")
SPACED_LETTERS = re.compile(r"^(?:[a-z*][.\-]){2,}[a-z*]$")
STRETCHED = re.compile(r"(.)\1{2,}")
MENACING = re.compile(
    r"(?<![\w*])(?:"
    r"i\s*(?:will|['’]?ll|am\s+going\s+to|['’]?m\s+going\s+to|am\s+gonna|['’]?m\s+gonna)\s+hurt\s+you"
    r"|kill\s+you|you\s*(?:will|['’]?ll)\s+regret|watch\s+your\s+back|i\s+know\s+where\s+you\s+live"
    r"|(?:you|a|such\s+a|what\s+a|total|absolute|little)\s+pricks?"
    r"|beat\s+you\s+up|break\s+your\s+legs|(?:piss|sod|bugger|naff|eff|f)\s+off"
    r")(?![\w*])"
)


def _masked(word: str) -> re.Pattern | None:
    """'f***ing' as a pattern, each run of * standing for the hidden letters; None when the word is
    not a masked one ("**Note**" is emphasis, "A*" a grade)."""
    if "*" not in word or word.startswith("*") or len(word) < 3:
        return None
    if not re.fullmatch(r"[a-z*']+", word):
        return None
    return re.compile(
        "".join("[a-z]{1,4}" if part.startswith("*") else re.escape(part) for part in re.findall(r"\*+|[^*]+", word))
    )


def _obscene_word(raw: str) -> bool:
    token = raw.strip(".,!?'’\"-_~")
    if len(token) < 3:
        return False
    lowered = token.lower().replace("’", "'")
    if lowered.endswith("'s"):
        lowered = lowered[:-2]
    if lowered.isalpha() and not STRETCHED.search(lowered):
        # Most words: plain letters, nothing disguised.
        return (
            lowered in OBSCENE_WORDS
            or lowered.startswith(OBSCENE_STEMS)
            or (lowered in OBSCENE_UNLESS_CAPITALISED and token[0].islower())
        )
    disguised = lowered.translate(LEET)
    was_disguised = disguised != lowered or "*" in lowered
    candidates = {disguised, disguised.replace("'", "")}
    if SPACED_LETTERS.match(disguised):
        candidates.add(re.sub(r"[.\-]", "", disguised))
        was_disguised = True
    candidates |= {part for candidate in list(candidates) for part in candidate.split("-") if part}
    candidates |= {STRETCHED.sub(r"\1", candidate) for candidate in list(candidates)}
    for candidate in candidates:
        masked = _masked(candidate)
        vocabulary = OBSCENE_WORDS | OBSCENE_UNLESS_CAPITALISED
        if masked and any(masked.fullmatch(word) for word in vocabulary):
            return True
        if candidate in OBSCENE_WORDS or any(candidate.startswith(stem) for stem in OBSCENE_STEMS):
            return True
        if candidate in OBSCENE_UNLESS_CAPITALISED and (was_disguised or token[0].islower()):
            return True
    return False


def _obscene(text):
    found = [match.start() for match in WORD_TOKEN.finditer(text) if _obscene_word(match.group())]
    menacing = MENACING.search(text.lower().translate(LEET))
    if menacing:
        found.append(menacing.start())
    if not found:
        return None
    # The word is not repeated back: the finding is stored and read by others.
    return min(found), Finding(
        "MSG-4",
        "obscene",
        "Rewrite the message: it contains language that is obscene or menacing, or an insult, which club "
        "messages never use.",
    )


# MSG-4: a professional sign-off on every email.
CLOSINGS = re.compile(
    r"^(?:many\s+thanks|thanks\s+again|thanks|thank\s+you|with\s+thanks|best\s+wishes|all\s+the\s+best|"
    r"(?:kind|best|warm|warmest)\s+regards|regards|yours\s+(?:sincerely|faithfully)|best|cheers|"
    r"see\s+you\b[^,]*)\b",
    re.IGNORECASE,
)
CASUAL_CLOSINGS = re.compile(
    r"^(?:lots\s+of\s+love|love\s+you|love|luv|big\s+hugs|hugs|cya|see\s+ya|ttyl|laters|xoxo)\b",
    re.IGNORECASE,
)
ROLE_LINE = re.compile(
    r"\b(?:coach|captain|manager|secretary|welfare\s+officer|chair\w*|treasurer|volunteer|organi[sz]er|president|"
    r"officer|scorer|umpire|coordinator|co-ordinator|lead|committee)\b",
    re.IGNORECASE,
)
NAME = re.compile(r"^[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}$")
SIGN_OFF_ADVICE = 'a closing line such as "Kind regards" or "Many thanks", then your name and role'
MAX_SIGN_OFF_LINE = 60
# The closing, the name, the role and the club's name: "Kind regards / Sam / U11s coach / Sefton Park CC".
SIGNATURE_LINES = 4
TRAILING_KISSES = re.compile(rf"(?:^|(?<=\s)){KISS_RUN}$", re.IGNORECASE)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


def _name_after_closing(rest: str) -> bool:
    rest = rest.strip()
    if rest[:1] in (",", "-", "–", "—", ":"):
        return any(character.isalpha() for character in rest)
    tail = rest.rsplit(",", 1)[-1].strip(" .!")
    return bool(NAME.match(tail))


def _name_and_role(lines: list[str]) -> bool:
    """A signature without a closing: "Sam Young, Under 11s coach", or the name above the role."""
    role = lines[-1] if lines else ""
    if len(role) > MAX_SIGN_OFF_LINE or not ROLE_LINE.search(role):
        return False
    name = re.split(r"\s*[,–—-]\s*", role, maxsplit=1)[0]
    return bool(NAME.match(name) and not ROLE_LINE.search(name)) or (len(lines) > 1 and bool(NAME.match(lines[-2])))


def _sign_off(text):
    # A text-style email signs off at the end of its last sentence: "... bring kit. Thanks, Sam".
    segments = [_line_end(segment).strip() for line in text.split("\n") for segment in SENTENCE_BREAK.split(line)]
    segments = [_line_end(TRAILING_KISSES.sub("", segment)) for segment in segments]
    last = [segment for segment in segments if segment][-SIGNATURE_LINES:]
    for line in last:
        casual = CASUAL_CLOSINGS.match(line)
        if casual and len(line) <= MAX_SIGN_OFF_LINE // 2:
            return len(text), Finding(
                "MSG-4",
                "sign_off",
                f'Replace the casual sign-off "{casual.group()}" with {SIGN_OFF_ADVICE}.',
            )
    for index, line in enumerate(last):
        closing = CLOSINGS.match(line)
        if closing and len(line) <= MAX_SIGN_OFF_LINE:
            if index < len(last) - 1 or _name_after_closing(line[closing.end() :]):
                return None
            return len(text), Finding(
                "MSG-4",
                "sign_off",
                f'Add your name and role after "{closing.group()}" (for example "Sam Young, Under 11s coach"), '
                "so the family knows who wrote.",
            )
    if _name_and_role(last):
        return None
    return len(text), Finding("MSG-4", "sign_off", f"End the email with a professional sign-off: {SIGN_OFF_ADVICE}.")


# MSG-5: texts to young people carry information, not conversation.
ALLOWED_TEXTS = "an event reminder, kit to bring, practice timings, a fixture change or a cancellation"
CHATTY = re.compile(
    r"\b(?:how\s+are\s+(?:you|u|things)|how\s+r\s+u|how['’]?re\s+you|what\s+did\s+you\s+think|how\s+was\s+"
    r"(?:school|your\s+day|your\s+weekend)|are\s+you\s+ok(?:ay)?|r\s+u\s+ok|what\s+are\s+you\s+up\s+to|"
    r"what\s+you\s+up\s+to|fancy\s+a|let\s+me\s+know\s+how\s+you\s+feel|how\s+do\s+you\s+feel|what['’]?s\s+up|"
    r"wassup|hiya|heya|heyy+|lol|lmao|haha\w*|hehe\w*|omg|miss\s+(?:you|u|ya))\b|\bhey+\s*!{2,}",
    re.IGNORECASE,
)
LOGISTICS = re.compile(
    r"\b(?:time|times|kit|bring|pick[\s-]?up|lifts?|match(?:es)?|training|practi[cs]e|session|venue|cancel\w*|"
    r"start\w*|finish\w*|fixture\w*|meet\w*|nets|available|availability|reply|confirm|attend\w*|coming|playing)\b"
    r"|\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b",
    re.IGNORECASE,
)
# A question ends at its "?"; a "?" inside a link (".../page?id=3") is no question.
SENTENCE = re.compile(r"(?:^|(?<=[.!?\n]))[^.!?\n]*\?+(?![^\s\"')\]])")
INFORMATIONAL = re.compile(
    r"\b(?:event|remind|kit|bring|practi[cs]e|train|session|match|fixture|game|time|start|cancel|postpone|venue|"
    r"meet|pick[\s-]?up|nets|tournament|festival|whites)\w*|\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b",
    re.IGNORECASE,
)


def _shortened(sentence: str, limit: int = 60) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _conversational(text):
    found = [(match.start(), match.group()) for match in CHATTY.finditer(text)]
    found += [
        (match.start(), _shortened(match.group().strip()))
        for match in SENTENCE.finditer(text)
        if not LOGISTICS.search(match.group())
    ]
    if not found:
        return None
    found.sort()
    return found[0][0], Finding(
        "MSG-5",
        "conversational",
        f'Take out the conversation ("{found[0][1]}"): texts to young people carry information only, such as '
        f"{ALLOWED_TEXTS}. Anything else can wait for the next practice or event.",
    )


def _not_informational(text):
    if INFORMATIONAL.search(text):
        return None
    return len(text), Finding(
        "MSG-5",
        "not_informational",
        f"Say what the text is for: texts to young people carry information only, such as {ALLOWED_TEXTS}.",
    )
