"""The messaging rules (MSG-3, MSG-4, MSG-5) as plain functions: no database, no Celery."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from messaging.office_hours import OfficeHours, in_office_hours, next_window_start, office_hours_finding
from messaging.rules import ContentContext, content_findings

LONDON = ZoneInfo("Europe/London")
SCHOOLS = ("Greenbank Primary School", "Calderstones School", "St Mary's C of E Primary")
HOMES = ("12 Aigburth Road", "7 Ullet Road")
EMAIL_TO_GUARDIANS = ContentContext("email", "guardian", school_names=SCHOOLS, child_addresses=HOMES)
EMAIL_TO_CHILD = ContentContext("email", "child", school_names=SCHOOLS, child_addresses=HOMES)
TEXT_TO_CHILD = ContentContext("sms", "child", school_names=SCHOOLS, child_addresses=HOMES)
TEXT_TO_TEAM = ContentContext("sms", "team")
TEXT_TO_GUARDIAN = ContentContext("sms", "guardian")
SIGN_OFF = "\n\nKind regards,\nSam Young\nUnder 11s coach"
CLEAN_EMAIL = (
    "Hello all,\n\nTraining is on Thursday at 6pm at the club. Please bring whites and a water bottle." + SIGN_OFF
)
CLEAN_TEXT = "Reminder: training Thursday 6pm at the club, bring whites. Sefton Park CC"


def codes(text, context=EMAIL_TO_GUARDIANS):
    return [finding.code for finding in content_findings(text, context)]


def email(body):
    return body + SIGN_OFF


def finding(text, code, context=EMAIL_TO_GUARDIANS):
    return next(f for f in content_findings(text, context) if f.code == code)


# A clean message, then the same message broken one way: the rule fails for the reason named.


def test_msg4_clean_email_has_no_findings_and_one_emoji_makes_one_finding():
    assert content_findings(CLEAN_EMAIL, EMAIL_TO_GUARDIANS) == []
    broken = CLEAN_EMAIL.replace("water bottle.", "water bottle 👍🏽")
    assert codes(broken) == ["emoji"]


def test_msg4_msg5_clean_text_to_child_has_no_findings_and_a_question_makes_it_conversational():
    assert content_findings(CLEAN_TEXT, TEXT_TO_CHILD) == []
    assert codes(CLEAN_TEXT + " How are you?", TEXT_TO_CHILD) == ["conversational"]


def test_msg4_findings_carry_the_rule_and_a_plain_message_without_the_rule_id():
    findings = content_findings("Call 07700 900123 😀", EMAIL_TO_GUARDIANS)
    assert {f.rule for f in findings} == {"MSG-4"}
    for f in findings:
        assert "MSG-" not in f.message
        assert f.message.endswith(".")


def test_msg4_findings_come_in_the_order_they_occur_with_whole_message_ones_last():
    text = "Text 07700 900123 from Greenbank Primary School 😀"
    assert codes(text) == ["phone_number", "school_name", "emoji", "sign_off"]


def test_msg4_at_most_one_finding_per_code_naming_the_count_and_the_first():
    message = finding(email("Well done 👍 great game 🏏 and 🎉"), "emoji").message
    assert 'the 3 emojis (first "👍")' in message
    assert codes(email("Well done 👍 great game 🏏")).count("emoji") == 1


def test_msg4_context_refuses_an_unknown_channel_or_audience():
    with pytest.raises(ValueError, match="channel"):
        ContentContext("whatsapp", "child")
    with pytest.raises(ValueError, match="audience"):
        ContentContext("sms", "coach")


# MSG-4: emojis, however they are built, and text emoticons.

EMOJIS = {
    "plain": "🏏",
    "skin_tone_modifier": "👍🏽",
    "zwj_family": "👨\u200d👩\u200d👧",
    "heart_with_variation_selector": "❤️",
    "heart_text_style": "❤",
    "flag": "🇬🇧",
    "subdivision_flag": "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "keycap": "1️⃣",
    "victory_hand_text_style": "✌",
    "victory_hand_emoji_style": "✌️",
    "lone_skin_tone": "🏽",
    "lone_regional_indicator": "🇬",
    "stray_variation_selector": "well\ufe0f",
}
EMOTICONS = [":)", ":-)", ";)", ";-)", "<3", ":D", ":-D", "xD", "XD", ":(", ":P", ":p", ":*", "^_^", "=)"]


@pytest.mark.parametrize("symbol", EMOJIS.values(), ids=EMOJIS.keys())
def test_msg4_emoji_in_any_form_is_found(symbol):
    assert codes(email(f"Well done today {symbol} see you Thursday.")) == ["emoji"]


@pytest.mark.parametrize("emoticon", EMOTICONS)
def test_msg4_text_emoticon_is_found(emoticon):
    assert codes(email(f"Well done today {emoticon} See you Thursday.")) == ["emoji"]


@pytest.mark.parametrize(
    "text",
    [
        "Nets 10:30-12:00 (meet at 10:15).",
        "Kit: whites, cap (club colours).",
        "Subs are £5; the fixture list is at https://seftonparkcc.example/fixtures.",
        "Score: 120/4 (20 overs), won by 6 wickets :",
        "© Sefton Park CC 2026. Registered charity®.",
        "Training 6–8pm → then the club AGM.",
        "Ratio 3:2 and then (see below): nothing else.",
    ],
)
def test_msg4_ordinary_punctuation_and_typography_are_not_emoji(text):
    assert codes(email(text)) == []


# MSG-4: kisses in the sign-off, and never the letter x inside ordinary writing.


@pytest.mark.parametrize(
    "ending",
    [
        "Thanks, Sam x",
        "Thanks, Sam xx",
        "Thanks, Sam xxx",
        "Thanks, Sam X",
        "Thanks, Sam XX",
        "Thanks, Sam xox",
        "Thanks, Sam xo",
        "Thanks, Sam xoxo",
        "Thanks, Sam x x",
        "Thanks, Sam x!",
        "Thanks, Sam x.  ",
        "Thanks, Sam x 😊",
        "Thanks,\nSam\nx",
        "Thanks,\nSam\nxxx\n",
        "Thanks x\nSam Young",
    ],
)
def test_msg4_kisses_at_the_end_are_found(ending):
    assert "kisses" in codes(f"Training is on Thursday at 6pm.\n{ending}")
    assert "kisses" in codes(f"Training Thursday 6pm, bring whites. {ending}", TEXT_TO_CHILD)


def test_msg4_a_kiss_after_a_proper_sign_off_is_only_a_kiss():
    assert codes("Training is on Thursday at 6pm.\n\nThanks, Sam x") == ["kisses"]
    assert codes("Training is on Thursday at 6pm.\n\nThanks, Sam") == []


def test_msg4_double_kisses_mid_text_are_found():
    assert "kisses" in codes("Well done today xx see you Thursday at training", TEXT_TO_CHILD)


@pytest.mark.parametrize(
    "line",
    [
        "The nets are 6 x 4",
        "The kit is in the Box",
        "Lifts from Max",
        "Lifts from Alex",
        "Bring your x-ray letter",
        "Fancy dress: the X-Men",
        "We do 2x training",
        "We meet at Gate X",
        "Pitch size 22 x",
        "Boxing Day and the Xmas social, with Xavier",
        "Scores: 3x 50s and an extra",
    ],
)
def test_msg4_the_letter_x_in_ordinary_writing_is_not_a_kiss(line):
    assert "kisses" not in codes(f"Training Thursday 6pm.\n{line}\nThanks, Sam Young")
    assert "kisses" not in codes(f"Training Thursday 6pm. {line}", TEXT_TO_CHILD)


# MSG-4: telephone numbers in every written form, and never times, scores or dates.

PHONE_NUMBERS = [
    "07700 900123",
    "07700900123",
    "+44 7700 900123",
    "+447700900123",
    "(0151) 496 0123",
    "0151-496-0123",
    "0044 7700 900 123",
    "01514960123",
    "0151 496 0123",
    "07700.900.123",
    "020 7946 0018",
    "+44 (0)7700 900123",
    "7700 900123",
]


@pytest.mark.parametrize("number", PHONE_NUMBERS)
def test_msg4_uk_phone_number_in_any_written_form_is_found(number):
    assert codes(email(f"If you are late, call {number} before the match.")) == ["phone_number"]
    assert f'("{number}")' in finding(email(f"Call {number} please."), "phone_number").message


@pytest.mark.parametrize(
    "text",
    [
        "Under 11s and Under 13s",
        "The 2026 season starts in April.",
        "Nets at 10:30, 11.45 or 18:00.",
        "The nets are 6 x 4 metres.",
        "We made 120/4 and they made 118/9.",
        "Presentation evening on 12/06/2026 and 2026-06-19.",
        "Scores: 145/6, 146/3 and 99 all out in 19.4 overs.",
        "Match ref 2026061210, 42 runs, 3 wickets.",
        "Ages 9 to 11, 2025 to 2026, 11 players.",
    ],
)
def test_msg4_times_scores_dates_and_team_names_are_not_phone_numbers(text):
    assert codes(email(text)) == []


# MSG-4: postcodes in any case and spacing, and never age groups.

POSTCODES = ["L17 8XX", "l178xx", "l17 8xx", "L17  8XX", "SW1A 1AA", "sw1a1aa", "M1 1AE", "B33 8TH", "CR2 6XH"]
POSTCODES += ["DN55 1PT", "EC1A 1BB", "W1A 0AX"]


@pytest.mark.parametrize("postcode", POSTCODES)
def test_msg4_postcode_in_any_case_and_spacing_is_found(postcode):
    assert codes(email(f"The ground is near {postcode}.")) == ["postcode"]


@pytest.mark.parametrize(
    "text",
    [
        "U11 and U9 play on Saturday.",
        "U11 5pm start, U13 6pm, U9 8am.",
        "Take the M6 8am to beat the traffic.",
        "Our 1st XI and 2nd XI both won.",
        "Under 11s meet at 10.",
    ],
)
def test_msg4_age_groups_and_times_are_not_postcodes(text):
    assert codes(email(text)) == []


# MSG-4: the children's home addresses and any street address.


@pytest.mark.parametrize(
    "address",
    ["12 Aigburth Road", "12 aigburth road", "12  Aigburth   Rd", "12, Aigburth Road", "12 AIGBURTH RD.", "7 ullet rd"],
)
def test_msg4_childs_home_address_in_any_case_and_spacing_is_found(address):
    assert codes(email(f"Lift from {address} at 9.")) == ["address"]


@pytest.mark.parametrize("address", ["3a Elm Close", "45 Queens Drive", "7 Church St", "101 Smithdown Lane"])
def test_msg4_any_house_number_and_street_is_an_address(address):
    assert codes(email(f"Lift from {address} at 9."), EMAIL_TO_CHILD) == ["address"]
    assert codes(email(f"Lift from {address} at 9."), ContentContext("email", "team")) == ["address"]


@pytest.mark.parametrize(
    "text",
    [
        "Under 11s meet at 10 at the ground.",
        "We won by 12 runs on the road at Formby.",
        "Aigburth Road is closed, allow 10 minutes extra.",
        "Finished 3rd Place in the league.",
        "Meet at 10:30 Sharp, by the Lane End.",
    ],
)
def test_msg4_numbers_near_street_words_are_not_addresses(text):
    assert codes(email(text)) == []


# MSG-4: school names from the club's list and the children's records.


@pytest.mark.parametrize(
    "mention",
    [
        "Greenbank Primary School",
        "greenbank primary school",
        "GREENBANK  PRIMARY",
        "Greenbank Primary",
        "Calderstones School",
        "calderstones school",
        "St Marys C of E Primary",
        "Saint Mary's C of E primary",
        "St. Mary’s C of E Primary",
    ],
)
def test_msg4_school_name_in_other_case_and_without_school_is_found(mention):
    assert codes(email(f"Pick-up from {mention} at 3.30.")) == ["school_name"]


@pytest.mark.parametrize(
    "text",
    [
        "Nets at Calderstones Park.",
        "Greenbank Primaryschools cup.",
        "The Greenbank Sports Academy pitch.",
        "Any primary school can enter.",
    ],
)
def test_msg4_school_names_match_whole_words_only(text):
    assert codes(email(text)) == []


def test_msg4_school_names_come_from_the_context():
    text = email("Pick-up from Quarry Bank at 3.30.")
    assert codes(text, ContentContext("email", "guardian")) == []
    assert codes(text, ContentContext("email", "guardian", school_names=("Quarry Bank",))) == ["school_name"]


@pytest.mark.parametrize(
    "mention",
    [
        "Blue Coat School",
        "King David High School",
        "Belvedere Academy",
        "Liverpool College",
        "Dovedale Primary School",
        "Dovedale Primary",
        "St. Margaret's Church of England Academy",
        "Notre Dame Catholic College",
    ],
)
def test_msg4_a_school_the_club_has_not_listed_is_found_by_the_shape_of_its_name(mention):
    """MSG-4: a school outside the club's list and the children's records is still a school name."""
    context = ContentContext("email", "guardian")
    result = finding(email(f"Pick-up from {mention} at 3.30."), "school_name", context)
    assert mention in result.message


@pytest.mark.parametrize(
    "text",
    [
        "No training after school on Friday.",
        "After school nets start at 4pm.",
        "After School Club players can come at 5pm.",
        "Nets carry on through the school holidays.",
        "School holidays: nets on Tuesdays.",
        "We are through to the final of the Schools Cup.",
        "The Merseyside Schools Cup final is on Sunday.",
        "The Greenbank Sports Academy pitch.",
        "Sefton Park Cricket Club Academy players meet at 9.",
        "Under 11s Academy squad meet at 9.",
        "Any primary school can enter.",
        "Secondary School pupils welcome.",
        "Summer School nets are full.",
        "Bring your whites. School shoes are not allowed on the square.",
    ],
)
def test_msg4_words_about_school_that_name_no_school_are_not_school_names(text):
    assert codes(email(text), ContentContext("email", "guardian")) == []


def test_msg4_a_listed_school_and_a_school_shaped_name_report_the_first_in_the_text():
    text = email("Pick-up from Blue Coat School, then Greenbank Primary.")
    assert '"Blue Coat School"' in finding(text, "school_name").message


# MSG-4: obscene or menacing language, including simple letter swaps.


@pytest.mark.parametrize(
    "text",
    [
        "That was shit.",
        "That was SH1T.",
        "That was $hit.",
        "What the f**k.",
        "Fucking brilliant.",
        "Don't be a b@stard.",
        "Stop being a wanker.",
        "I will hurt you.",
        "I'll hurt you.",
        "You will regret this.",
        "You'll regret it.",
        "Watch your back.",
        "I'll kill you.",
        "I know where you live.",
        "That was f***ing rubbish.",
        "Oh f***.",
        "Don't be a d1ck.",
        "You are a dick.",
        "Stop being a d!ck about it.",
        "What a sh*t throw.",
        "F.U.C.K that.",
        "Shiiiit, rain again.",
        "You absolute tosser.",
        "Total knobhead.",
        "Bellend.",
        "Stop acting the prat.",
        "You prick.",
        "What a pillock.",
        "You muppet.",
        "Don't be a twat.",
        "Piss off.",
        "Sod off, ref.",
        "He is a scumbag.",
    ],
)
def test_msg4_obscene_or_menacing_language_is_found_without_repeating_it(text):
    result = finding(email(text), "obscene")
    assert result.rule == "MSG-4"
    assert "obscene or menacing" in result.message
    for word in ("shit", "fuck", "bastard", "wanker", "hurt", "kill", "regret"):
        assert word not in result.message.lower()


@pytest.mark.parametrize(
    "text",
    [
        "Away at Scunthorpe.",
        "Shiitake and cocktail sausages at the BBQ.",
        "Pass the ball, assess the pitch, bass guitar at the class party.",
        "Dick Smith is umpiring.",
        "I will get you a lift.",
        "Watch the ball, back foot.",
        "These drills will build the skills you need.",
        "Kit: whites, cap and pads. Scunthorpe away, then a cocktail sausage at the tea interval.",
        "We will assess the pitch at 9 and pass on the news.",
        "Dick Lane nets are closed; The Muppets film night is at 6pm.",
        "Cockburn and Hancock bat first.",
        "An A* effort from everyone, and a 5* review of the tea.",
        "**Important**: bring a water bottle.",
        "Grass cuttings: please do not spit on the square.",
        "Class of 2026, Sussex, Essex, Middlesex and Shitterton all play.",
        "Titchfield, Penistone and Cockermouth away days.",
        "The first aider will prick the blister, not you.",
    ],
)
def test_msg4_innocent_words_are_not_obscene(text):
    assert codes(email(text)) == []


# MSG-4: emails end with a professional sign-off; texts need none.


@pytest.mark.parametrize(
    "ending",
    [
        "Kind regards,\nSam Young\nUnder 11s coach",
        "Many thanks,\nSam",
        "Best wishes\nSam Young\nUnder 11s coach\nSefton Park CC",
        "Regards\n\nSam",
        "Thanks, Sam",
        "See you at training,\nSam",
        "Sam Young, Under 11s coach",
        "Sam Young\nUnder 11s coach",
        "thanks\nsam",
    ],
)
def test_msg4_email_with_a_professional_sign_off_passes(ending):
    assert codes(f"Training is on Thursday at 6pm.\n\n{ending}") == []


@pytest.mark.parametrize(
    ("ending", "advice"),
    [
        ("See you Thursday", 'after "See you Thursday"'),
        ("Kind regards", 'after "Kind regards"'),
        ("Bring whites.", "End the email with a professional sign-off"),
        ("Love,\nSam", 'casual sign-off "Love"'),
        ("Luv Sam", 'casual sign-off "Luv"'),
        ("Hugs\nSam", 'casual sign-off "Hugs"'),
        ("cya", 'casual sign-off "cya"'),
        ("ttyl, Sam", 'casual sign-off "ttyl"'),
    ],
)
def test_msg4_email_without_a_professional_sign_off_says_what_to_add(ending, advice):
    result = finding(f"Training is on Thursday at 6pm.\n\n{ending}", "sign_off")
    assert result.rule == "MSG-4"
    assert advice in result.message


def test_msg4_sign_off_is_required_for_email_and_not_for_texts():
    text = "Training is on Thursday at 6pm, bring whites."
    assert codes(text, EMAIL_TO_CHILD) == ["sign_off"]
    assert codes(text, TEXT_TO_CHILD) == []
    assert codes(text, TEXT_TO_GUARDIAN) == []


# MSG-5: texts to young people carry information, not conversation.


@pytest.mark.parametrize(
    "text",
    [
        "Reminder: training Thursday 6pm, bring whites.",
        "Match cancelled tonight due to rain.",
        "Fixture change: Saturday's game now starts at 10:30.",
        "Can you bring your whites on Saturday?",
        "What time is pick up after the match?",
        "Nets 5.30pm at the club.",
        "Kit for the tour: whites, cap, water.",
        "Postponed: the festival moves to 14 June.",
    ],
)
def test_msg5_informational_text_to_a_child_passes(text):
    assert codes(text, TEXT_TO_CHILD) == []
    assert codes(text, TEXT_TO_TEAM) == []


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("How are you? Training Thursday 6pm.", "How are you"),
        ("What did you think of the match?", "What did you think"),
        ("How was school today? Nets at 6pm.", "How was school"),
        ("Are you ok after Saturday's match", "Are you ok"),
        ("What are you up to after training", "What are you up to"),
        ("Fancy a game of FIFA after training", "Fancy a"),
        ("Let me know how you feel about the match", "Let me know how you feel"),
        ("Hey!! Training at 6pm", "Hey!!"),
        ("Hiya, nets at 6pm", "Hiya"),
        ("lol training at 6pm", "lol"),
        ("haha great game at the match", "haha"),
        ("Miss you at training", "Miss you"),
        ("Training at 6pm. Did you enjoy it?", "Did you enjoy it?"),
    ],
)
def test_msg5_conversation_in_a_text_to_a_child_is_found(text, quoted):
    result = finding(text, "conversational", TEXT_TO_CHILD)
    assert result.rule == "MSG-5"
    assert f'("{quoted}' in result.message
    assert "conversational" in codes(text, TEXT_TO_TEAM)


@pytest.mark.parametrize("text", ["Well done today, great effort.", "Proud of you all.", "Happy birthday Jo."])
def test_msg5_text_to_a_child_with_no_information_says_what_texts_are_for(text):
    result = finding(text, "not_informational", TEXT_TO_CHILD)
    assert result.rule == "MSG-5"
    assert "event reminder" in result.message
    assert "cancellation" in result.message


def test_msg5_applies_to_texts_to_children_and_teams_only():
    text = "How are you? Hope you had a nice weekend."
    assert codes(text, TEXT_TO_CHILD) == ["conversational", "not_informational"]
    assert codes(text, TEXT_TO_TEAM) == ["conversational", "not_informational"]
    assert codes(text, TEXT_TO_GUARDIAN) == []
    assert codes(email(text), EMAIL_TO_CHILD) == []


@pytest.mark.parametrize(
    "text",
    [
        "Are you available for Saturday's match?",
        "Can everyone reply by Friday? Nets 6pm.",
        "Who needs a lift to the fixture?",
        "Is everyone coming to nets at 6pm?",
        "Just checking: are you still ok for tonight at 6pm?",
    ],
)
def test_msg5_a_logistics_question_is_not_conversation(text):
    assert codes(text, TEXT_TO_CHILD) == []


def test_msg4_content_rules_apply_to_texts_to_guardians_too():
    assert codes("Call 07700 900123 about Thursday 😀", TEXT_TO_GUARDIAN) == ["phone_number", "emoji"]


def test_msg5_a_question_mark_in_a_link_is_not_a_question():
    assert codes("Fixtures: https://seftonparkcc.example/fixtures?team=u11 see you at 6pm", TEXT_TO_CHILD) == []


# MSG-3: office hours, club local time, correct across the clock changes.

DEFAULT = OfficeHours.default()
# Monday 15 June 2026 and Saturday 20 June 2026 are in summer time (UTC+1).
MONDAY = datetime(2026, 6, 15, tzinfo=LONDON)
SATURDAY = datetime(2026, 6, 20, tzinfo=LONDON)


def local(day, hour, minute=0, second=0):
    return day.replace(hour=hour, minute=minute, second=second)


@pytest.mark.parametrize(
    ("at", "open_"),
    [
        (local(MONDAY, 8, 59, 59), False),
        (local(MONDAY, 9), True),
        (local(MONDAY, 19, 59), True),
        (local(MONDAY, 19, 59, 59), True),
        (local(MONDAY, 20), False),
        (local(SATURDAY, 8, 59, 59), False),
        (local(SATURDAY, 9), True),
        (local(SATURDAY, 17, 59), True),
        (local(SATURDAY, 18), False),
        (local(SATURDAY, 19), False),
    ],
)
def test_msg3_office_hours_edges_on_weekdays_and_weekends(at, open_):
    assert in_office_hours(at, DEFAULT) is open_
    assert (office_hours_finding(at, DEFAULT) is None) is open_


def test_msg3_hours_are_compared_in_club_local_time_not_utc():
    # 08:30 UTC is 09:30 in London in June: open, although 08:30 on the clock would be closed.
    assert in_office_hours(datetime(2026, 6, 15, 8, 30, tzinfo=UTC), DEFAULT)
    assert not in_office_hours(datetime(2026, 6, 15, 19, 0, tzinfo=UTC), DEFAULT)


def test_msg3_in_hours_the_message_goes_now_and_after_hours_it_waits_for_morning():
    assert next_window_start(local(MONDAY, 12), DEFAULT) == local(MONDAY, 12)
    assert next_window_start(local(MONDAY, 20), DEFAULT) == local(MONDAY + timedelta(days=1), 9)
    assert next_window_start(local(MONDAY, 7), DEFAULT) == local(MONDAY, 9)


def test_msg3_text_to_child_after_hours_is_held_until_morning_and_says_when():
    result = office_hours_finding(local(MONDAY, 21, 30), DEFAULT)
    assert result.rule == "MSG-3"
    assert result.code == "outside_office_hours"
    assert "held" in result.message
    assert "Tuesday 09:00" in result.message


def test_msg3_closed_days_are_skipped():
    hours = OfficeHours.from_setting(
        {"mon": "09:00-20:00", "tue": None, "wed": "", "thu": "closed", "fri": "10:00-12:00", "sat": None, "sun": None}
    )
    nxt = next_window_start(local(MONDAY, 20), hours)
    assert nxt == datetime(2026, 6, 19, 10, tzinfo=LONDON)
    assert nxt.tzinfo == LONDON
    assert not in_office_hours(local(MONDAY + timedelta(days=1), 12), hours)
    # Friday's window has closed: the next opening is a week on Monday.
    assert next_window_start(datetime(2026, 6, 19, 12, tzinfo=LONDON), hours) == datetime(2026, 6, 22, 9, tzinfo=LONDON)


def test_msg3_no_open_day_is_an_error():
    closed = OfficeHours({day: None for day in range(7)})
    with pytest.raises(ValueError, match="no day"):
        next_window_start(local(MONDAY, 12), closed)


def test_msg3_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        in_office_hours(datetime(2026, 6, 15, 12), DEFAULT)


@pytest.mark.parametrize(
    ("at_utc", "opens_utc"),
    [
        # Spring forward, Sunday 29 March 2026: 01:00 GMT becomes 02:00 BST.
        (datetime(2026, 3, 28, 22, 0), datetime(2026, 3, 29, 8, 0)),  # Sat 22:00 GMT -> Sun 09:00 BST
        (datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 8, 0)),  # 00:59 GMT, just before the change
        (datetime(2026, 3, 29, 1, 0), datetime(2026, 3, 29, 8, 0)),  # 02:00 BST, just after it
        (datetime(2026, 3, 29, 17, 0), datetime(2026, 3, 30, 8, 0)),  # Sun 18:00 BST -> Mon 09:00 BST
        (datetime(2026, 3, 27, 20, 0), datetime(2026, 3, 28, 9, 0)),  # Fri 20:00 GMT -> Sat 09:00 GMT
        # Fall back, Sunday 25 October 2026: 02:00 BST becomes 01:00 GMT, 01:00-02:00 happens twice.
        (datetime(2026, 10, 24, 21, 0), datetime(2026, 10, 25, 9, 0)),  # Sat 22:00 BST -> Sun 09:00 GMT
        (datetime(2026, 10, 25, 0, 30), datetime(2026, 10, 25, 9, 0)),  # first 01:30 (BST)
        (datetime(2026, 10, 25, 1, 30), datetime(2026, 10, 25, 9, 0)),  # second 01:30 (GMT)
        (datetime(2026, 10, 25, 18, 0), datetime(2026, 10, 26, 9, 0)),  # Sun 18:00 GMT -> Mon 09:00 GMT
        (datetime(2026, 10, 23, 19, 0), datetime(2026, 10, 24, 8, 0)),  # Fri 20:00 BST -> Sat 09:00 BST
    ],
)
def test_msg3_held_message_opens_at_local_nine_across_the_clock_changes(at_utc, opens_utc):
    opens = next_window_start(at_utc.replace(tzinfo=UTC), DEFAULT)
    assert opens.astimezone(UTC) == opens_utc.replace(tzinfo=UTC)
    assert opens.astimezone(LONDON).time() == time(9)
    assert opens.tzinfo == LONDON


def test_msg3_on_the_clock_change_days_the_window_edges_are_local():
    # 08:30 UTC on 29 March is 09:30 BST (open); a week earlier it was 08:30 GMT (closed).
    assert in_office_hours(datetime(2026, 3, 29, 8, 30, tzinfo=UTC), DEFAULT)
    assert not in_office_hours(datetime(2026, 3, 22, 8, 30, tzinfo=UTC), DEFAULT)
    # 17:30 UTC on 25 October is 17:30 GMT (open, Sunday till 18:00); a day earlier it was 18:30 BST (closed).
    assert in_office_hours(datetime(2026, 10, 25, 17, 30, tzinfo=UTC), DEFAULT)
    assert not in_office_hours(datetime(2026, 10, 24, 17, 30, tzinfo=UTC), DEFAULT)


def test_msg3_an_opening_time_inside_the_spring_gap_moves_to_the_first_real_moment():
    hours = OfficeHours({day: (time(1, 30), time(18)) for day in range(7)})
    opens = next_window_start(datetime(2026, 3, 29, 0, 10, tzinfo=UTC), hours)
    # 01:30 does not exist in London that night: the window opens as the clocks reach 02:00 BST + 30.
    assert opens.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert in_office_hours(opens, hours)


def test_msg3_an_opening_time_inside_the_autumn_repeat_takes_the_first_one():
    hours = OfficeHours({day: (time(1, 30), time(18)) for day in range(7)})
    opens = next_window_start(datetime(2026, 10, 25, 0, 10, tzinfo=UTC), hours)
    assert opens.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_msg3_default_hours_are_weekdays_nine_to_eight_and_weekends_nine_to_six():
    assert DEFAULT.windows == {day: (time(9), time(20) if day < 5 else time(18)) for day in range(7)}
    assert DEFAULT.timezone == "Europe/London"


def test_msg3_hours_from_the_setting():
    hours = OfficeHours.from_setting(
        {
            "mon": "09:00-20:00",
            "tue": "9:30 - 17:00",
            "wed": "09:00-20:00",
            "thu": "09:00-20:00",
            "fri": "09:00-20:00",
            "sat": "09:00-18:00",
            "sun": None,
        }
    )
    assert hours.windows[1] == (time(9, 30), time(17))
    assert hours.windows[6] is None
    assert hours.timezone == "Europe/London"


WEEK = {"mon": "09:00-20:00", "tue": "09:00-20:00", "wed": "09:00-20:00", "thu": "09:00-20:00"}
WEEK |= {"fri": "09:00-20:00", "sat": "09:00-18:00", "sun": None}


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ({**WEEK, "mon": "9-5"}, "'mon' has '9-5'"),
        ({**WEEK, "tue": "25:00-26:00"}, "'tue' has '25:00-26:00'"),
        ({**WEEK, "wed": "20:00-09:00"}, "ends before it starts"),
        ({**WEEK, "thu": 9}, "'thu' has 9"),
        ({**WEEK, "monday": "09:00-20:00"}, "unknown key 'monday'"),
        ({key: value for key, value in WEEK.items() if key != "sun"}, "'sun' is missing"),
        ({**WEEK, "timezone": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus'"),
        (["09:00-20:00"], "must be a mapping"),
    ],
)
def test_msg3_a_bad_setting_is_refused_naming_the_key_and_value(setting, named):
    with pytest.raises(ValueError) as error:
        OfficeHours.from_setting(setting)
    assert named in str(error.value)


def test_msg3_a_window_ending_at_24_00_keeps_the_last_minute_of_the_day_open():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from messaging.office_hours import OfficeHours, in_office_hours

    hours = OfficeHours.from_setting({day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    late = datetime(2026, 11, 24, 23, 59, 59, tzinfo=ZoneInfo("Europe/London"))
    assert in_office_hours(late, hours)


# A body has a maximum length for its channel.


@pytest.mark.parametrize(("context", "limit"), [(EMAIL_TO_GUARDIANS, 5000), (TEXT_TO_GUARDIAN, 612)])
def test_x4_a_message_longer_than_its_channel_carries_is_refused_with_the_limit_and_its_length(context, limit):
    """A body has a sane maximum length: 5,000 characters for an email, 612 for a text; a 2 MB
    body gets that one finding, not a run of every rule over it."""
    ending = SIGN_OFF if context.channel == "email" else ""
    at_limit = "Bring whites. ".ljust(limit - len(ending), ".") + ending
    assert len(at_limit) == limit and "too_long" not in codes(at_limit, context)
    for over in (at_limit + ".", "A" * 2_000_000):
        findings = content_findings(over, context)
        assert [(f.rule, f.code) for f in findings] == [("X-4", "too_long")]
        assert f"at most {limit:,} characters" in findings[0].message and f"{len(over):,}" in findings[0].message
