"""The season report as a PDF: the dashboard's figures in words and tables, for the annual meeting
and the county board. Counts only: no child is named, and no concern is described."""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from sefton_safety.club import club
from sefton_safety.pdf import FONTS


class _ReportPDF(FPDF):
    def __init__(self):
        super().__init__(format="A4")
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)

    def heading(self, text):
        self.ln(3)
        self.set_font("DejaVu", "B", 13)
        self.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 10)

    def line(self, text):
        self.multi_cell(0, 5.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def row(self, label, value, *, red=False):
        self.set_text_color(176, 42, 55) if red else self.set_text_color(0, 0, 0)
        self.cell(130, 6, label)
        self.cell(0, 6, str(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="R")
        self.set_text_color(0, 0, 0)


def season_pdf(*, figures, today, now):
    pdf = _ReportPDF()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, f"{club().name}: online safety report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)
    pdf.line(f"As at {today:%d %B %Y}. Figures from the club's portal; red figures need the committee's action.")

    pdf.heading("The policy")
    policy = figures["policy"]
    if policy is not None:
        pdf.line(f"{policy.title}, version {policy.version}, published {policy.published_on:%d %B %Y}.")
        pdf.row("Review due by", f"{policy.review_by:%d %B %Y}", red=figures["policy_review_state"] != "valid")
    pdf.row(
        "Volunteers and committee who have not acknowledged it",
        figures["unacknowledged"],
        red=figures["unacknowledged"] > 0,
    )
    pdf.row("Young members yet to agree to it", figures["children_unagreed"], red=figures["children_unagreed"] > 0)

    pdf.heading("Training and checks")
    pdf.row("People who work with children", figures["training_total"])
    pdf.row(
        "With training or a DBS check missing or expired",
        len(figures["training_gaps"]),
        red=bool(figures["training_gaps"]),
    )

    pdf.heading("The club's accounts")
    pdf.row("Accounts and email addresses", len(figures["accounts"]))
    pdf.row(
        "With fewer than three custodians",
        len(figures["accounts_below_three"]),
        red=bool(figures["accounts_below_three"]),
    )
    pdf.row("Password changes overdue", figures["rotations_overdue"], red=figures["rotations_overdue"] > 0)

    pdf.heading("Consents this season")
    pdf.row("Children without a consent answer", figures["children_unanswered"], red=figures["children_unanswered"] > 0)
    for team in figures["teams"]:
        pdf.row(f"   {team.name}", f"{team.unanswered} of {team.children}", red=team.unanswered > 0)

    pdf.heading("Messages stopped in the last seven days")
    pdf.row("Held until office hours", figures["stopped"]["held"])
    pdf.row("Blocked by the policy", figures["stopped"]["blocked"])
    for reason, count in figures["stopped"]["reasons"]:
        pdf.row(f"   {reason}", count)

    pdf.heading("Concerns")
    pdf.line("Counts only. The welfare officers hold the details.")
    pdf.row("Open concerns", figures["concerns_open"])
    for label, count in figures["concerns"]:
        pdf.row(f"   Waiting {label}", count, red=label == "over 4 weeks" and count > 0)

    pdf.heading(f"Concerns reported this season, since {figures['season_opened_on']:%-d %B %Y}")
    pdf.line("By category, each with how many are still open. Cyberbullying is counted on its own.")
    for row in figures["concerns_by_category"]:
        label = row["label"]
        if row["category"] == "cyberbullying":
            label = f"{label} (for the anti-bullying report)"
        pdf.row(f"   {label}", f"{row['reported']} ({row['open']} open)")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 8)
    pdf.line(f"Produced {now:%d %B %Y %H:%M}.")
    return bytes(pdf.output())
