"""The readable half of a family's subject access export: the values `subject_access.family_data`
gathered, laid out as a PDF a parent can read without help, in the project's DejaVu font so every
name prints as it is spelt."""

from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from sefton_safety.pdf import FONTS


def _when(value):
    if not value:
        return "—"
    return f"{datetime.fromisoformat(value):%d %b %Y %H:%M}"


def _day(value):
    if not value:
        return "—"
    return f"{datetime.fromisoformat(value):%d %b %Y}"


def _yes(value):
    return "yes" if value else "no"


class _ExportPDF(FPDF):
    def __init__(self, title):
        super().__init__(format="A4")
        self.export_title = title
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def header(self):
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"PERSONAL DATA · {self.export_title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    def big_title(self, text):
        self.set_font("DejaVu", "B", 16)
        self.multi_cell(0, 9, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 10)

    def heading(self, text, size=13):
        self.ln(3)
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, 7, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 10)

    def line(self, text):
        self.multi_cell(0, 5.5, text or "—", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def field(self, label, value):
        self.set_font("DejaVu", "B", 10)
        self.multi_cell(0, 5.5, label, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 10)
        self.line(value if value not in (None, "") else "—")
        self.ln(1)

    def items(self, label, lines, empty="None recorded."):
        self.heading(label, size=11)
        for text in lines or [empty]:
            self.line(text)
            self.ln(0.5)


def _member(pdf, member):
    pdf.add_page()
    pdf.heading(f"{member['name']} ({member['in_this_family']['as'].lower()})", size=14)
    link = member["in_this_family"]
    pdf.field("Date of birth", _day(member["date_of_birth"]))
    pdf.field("Email", member["email"])
    pdf.field("Mobile", member["mobile"])
    pdf.field("Home address", " ".join(part for part in (member["address"], member["postcode"]) if part))
    pdf.field("School", member["school"])
    pdf.field(
        "In this family",
        f"{link['as']}{', ' + link['relationship'] if link['relationship'] else ''}; "
        f"parental responsibility: {_yes(link['parental_responsibility'])}",
    )
    if member["other_family_records"]:
        pdf.field(
            "Other family records",
            f"Also in {member['other_family_records']} other family record(s), not part of this export: "
            "ask for that family's export.",
        )
    pdf.field("On the register since", _when(member["created_at"]))

    pdf.items(
        "Roles",
        [
            f"{role['role']}: from {_day(role['starts_on'])}"
            + (f" until {_day(role['ends_on'])}" if role["ends_on"] else "")
            + (f", granted by {role['granted_by']}" if role["granted_by"] else "")
            + (f", ended by {role['revoked_by']}" if role["revoked_by"] else "")
            for role in member["roles"]
        ],
    )
    pdf.items(
        "Teams",
        [f"Plays for {place['team']} since {_day(place['joined_on'])}" for place in member["teams"]]
        + [f"{post['post']} of {post['team']}" for post in member["team_posts"]],
    )
    pdf.items(
        "Consents, every answer in order",
        [
            f"{_when(c['recorded_at'])} · {c['question']}: {c['answer']} · answered by {c['answered_by']}, "
            f"{c['how'].lower()}, recorded by {c['recorded_by']} · against the {c['wording']['kind'].lower()} "
            f"version {c['wording']['version']} (“{c['wording']['title']}”) · season {c['season']}, "
            f"valid until {_day(c['valid_until'])}"
            for c in member["consents"]
        ],
    )
    pdf.items(
        "Requests to contact directly",
        [
            f"{_when(r['asked_at'])} · {r['asked_by']} asked to contact by {r['channel'].lower()} about "
            f"{r['purpose'].lower()} (“{r['details']}”), {_when(r['from'])} to {_when(r['until'])} · "
            f"{r['status']}"
            + (f" by {r['decided_by']} on {_when(r['decided_at'])}" if r["decided_by"] else "")
            + (f": {r['decision_note']}" if r["decision_note"] else "")
            for r in member["direct_contact_requests"]
        ],
    )
    pdf.items(
        "Acceptable use agreements",
        [
            f"{_when(a['agreed_at'])} · {a['wording']['title']}, version {a['wording']['version']} · "
            f"{a['how'].lower()}, recorded by {a['recorded_by']}"
            for a in member["acceptable_use_agreements"]
        ],
    )
    aside = member["contact_details_set_aside"]
    if aside:
        pdf.items(
            "Contact details set aside",
            [
                f"{aside['what']}, since {_when(aside['set_aside_at'])}; "
                f"removed {_when(aside['removed_at'])}. {aside['why']}"
            ],
        )
    notices = [
        f"{_when(r['sent_at'])} · consent renewal reminder, season {r['season']}" for r in member["consent_reminders"]
    ]
    notices += [f"{_when(n['sent_at'])} · match-day notice: {n['fixture']}" for n in member["match_day_notices"]]
    if notices:
        pdf.items("Reminders and notices emailed", notices)
    work = member["volunteering"]
    volunteering = [
        f"{t['course']} training, {_day(t['completed_on'])} to {_day(t['expires_on'])} {t['provider']}".strip()
        for t in work["training"]
    ]
    volunteering += [
        f"DBS check {_day(c['checked_on'])}, renew by {_day(c['renew_by'])} {c['certificate']}".strip()
        for c in work["criminal_records_checks"]
    ]
    volunteering += [
        f"Acknowledged {a['policy']} on {_when(a['acknowledged_at'])}" for a in work["policy_acknowledgements"]
    ]
    volunteering += [
        f"Holds the password of {a['account']} since {_day(a['from'])}" for a in work["club_accounts_held"]
    ]
    volunteering += [f"Appointed for {a['account']} on {_day(a['appointed_on'])}" for a in work["appointments"]]
    if volunteering:
        pdf.items("Volunteering", volunteering)

    sign_in = member["sign_in"]
    if sign_in is None:
        pdf.items("Sign-in", ["No sign-in account."])
    else:
        account = sign_in["account"]
        pdf.items(
            "Sign-in",
            [
                f"Account {account['email']}, {'active' if account['active'] else 'disabled'}, created "
                f"{_when(account['created_at'])}, last signed in {_when(account['last_sign_in'])}",
            ]
            + [
                f"Authenticator app “{d['name']}”, {'in use' if d['confirmed'] else 'never confirmed'}, added "
                f"{_when(d['added_at'])}, last used {_when(d['last_used_at'])}"
                for d in sign_in["authenticators"]
            ],
        )
        pdf.items(
            "Sign-ins",
            [
                f"{_when(s['at'])} from {s['address'] or 'an unknown address'} · {s['browser']}"
                for s in sign_in["sign_ins"]
            ],
        )
        pdf.items(
            "Failed sign-in attempts on this address",
            [
                f"{_when(a['at'])} from {a['address'] or 'an unknown address'} · {a['page']}"
                + (f" · {a['failures']} failure(s)" if "failures" in a else "")
                for a in sign_in["failed_attempts"]
            ],
        )
    pdf.items(
        "Changes to the record",
        [f"{_when(c['at'])} · {c['change']}" + (f" by {c['by']}" if c["by"] else "") for c in member["record_changes"]],
    )


def _messages(pdf, messages):
    pdf.add_page()
    pdf.heading("Messages sent to the family")
    pdf.line("Each message once, with only the copies sent to or for this family's members.")
    if not messages:
        pdf.line("None recorded.")
    for message in messages:
        pdf.heading(
            f"{_when(message['written_at'])} · {message['channel']} from {message['written_by']}: "
            f"{message['subject'] or message['about']}",
            size=11,
        )
        pdf.line(f"To: {message['to']}{' of ' + message['team'] if message['team'] else ''} · {message['status']}")
        pdf.ln(1)
        pdf.line(message["body"])
        for delivery in message["deliveries"]:
            pdf.ln(1)
            pdf.set_font("DejaVu", "B", 10)
            pdf.line(
                f"{delivery['as']} to {delivery['to']} ({delivery['address'] or 'no address'}) for {delivery['for']}: "
                f"{delivery['status'].lower()}"
                + (f", sent {_when(delivery['sent_at'])}" if delivery["sent_at"] else "")
            )
            pdf.set_font("DejaVu", "", 10)
            for reason in delivery["reasons"]:
                pdf.line(f"   Reason: {reason}")
            for entry in delivery["log"]:
                pdf.line(
                    f"   {_when(entry['at'])} · {entry['event']}" + (f": {entry['detail']}" if entry["detail"] else "")
                )


def family_pdf(data):
    export = data["export"]
    family = export["family"]
    pdf = _ExportPDF(f"{export['club']} · {family['name']}")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.big_title(f"What {export['club']} holds about {family['name']}")
    pdf.line(
        f"{export['kind']}. Produced {_when(export['produced_at'])} by {export['produced_by']}. The same "
        "records are in the JSON file beside this one, for a computer to read."
    )
    pdf.heading("The family")
    pdf.field("Name", family["name"])
    pdf.field("Home address", " ".join(part for part in (family["address"], family["postcode"]) if part))
    pdf.field("Home phone", family["home_phone"])
    pdf.field("Members", "\n".join(f"{m['name']} ({m['in_this_family']['as'].lower()})" for m in data["members"]))
    pdf.heading("What is not in this export")
    pdf.line(export["not_included"])

    for member in data["members"]:
        _member(pdf, member)
    _messages(pdf, data["messages"])
    pdf.heading("Replies sent to the club")
    for reply in data["replies"] or [None]:
        if reply is None:
            pdf.line("None recorded.")
            continue
        pdf.field(
            f"{_when(reply['received_at'])} · {reply['channel']} from {reply['from']} ({reply['from_address']})"
            + (f", in answer to “{reply['in_answer_to']}”" if reply["in_answer_to"] else ""),
            reply["body"],
        )
    if data["removed_posts"]:
        pdf.heading("Posts removed from the club's accounts")
        for post in data["removed_posts"]:
            people = ", ".join(filter(None, [post["posted_by"], *post["affecting"], *post["children_involved"]]))
            pdf.field(
                f"{_when(post['removed_at'])} · {post['account']} · concerning {people}",
                " ".join(part for part in (post["removed_content"], post["reason"]) if part) or "—",
            )
    return bytes(pdf.output())
