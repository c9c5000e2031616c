"""A case chronology as a PDF for a referral (INC-4), in full or with the names of staff removed.

The redacted version replaces each member of staff who appears in the case (authors, the holder,
whoever marked it seen, anyone given access, any volunteer named by their full name) with a label
such as "Welfare officer A", in the fields and in the words of the report and the entries, so an
agency can follow who did what without learning who they are. Children and the people the concern
is about keep their names: the agency needs them.
"""

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from guardian.shortcuts import get_users_with_perms

from people.models import STAFF_ROLE_KINDS, WELFARE_ROLE_KINDS, Person, Role
from sefton_safety.club import club
from sefton_safety.pdf import FONTS

from . import rules
from .models import CaseEntry


def _staff_labels(incident, entries, evidence, subjects):
    """{user pk: (name, label)} for every member of staff the case shows or names: who wrote,
    uploaded, holds or saw it, who reported it as staff, who was given it, and anyone who has held
    a staff role whose full name appears in its words. The people the case is about keep their names."""
    users = {entry.author for entry in entries if entry.author_id}
    users |= {item.uploaded_by for item in evidence if item.uploaded_by_id}
    users |= {user for user in (incident.assignee, incident.seen_by) if user is not None}
    users |= set(get_users_with_perms(incident, only_with_perms_in=["view_incident"], with_superusers=False))
    staff_ever = Person.objects.filter(roles__kind__in=STAFF_ROLE_KINDS, user__isnull=False).distinct()
    if incident.reporter is not None and staff_ever.filter(user=incident.reporter).exists():
        users.add(incident.reporter)
    words = " ".join([incident.what_happened, incident.people_involved] + [entry.text for entry in entries]).lower()
    users |= {person.user for person in staff_ever.select_related("user") if person.full_name.lower() in words}
    about = {link.person.user_id for link in subjects if link.person.user_id}
    users = {user for user in users if user.pk not in about}
    welfare = set(
        Role.objects.filter(person__user__in=users, kind__in=WELFARE_ROLE_KINDS).values_list("person__user", flat=True)
    )
    labels, counters = {}, {}
    for user in sorted(users, key=lambda u: u.pk):
        kind = "Welfare officer" if user.pk in welfare else "Club volunteer"
        counters[kind] = counters.get(kind, 0) + 1
        labels[user.pk] = (_name(user), f"{kind} {chr(ord('A') + counters[kind] - 1)}")
    return labels


def _name(user):
    person = getattr(user, "person", None)
    return person.full_name if person is not None else user.email


class _CasePDF(FPDF):
    def __init__(self, title):
        super().__init__(format="A4")
        self.case_title = title
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def header(self):
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"CONFIDENTIAL · {self.case_title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    def heading(self, text):
        self.ln(3)
        self.set_font("DejaVu", "B", 12)
        self.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 10)

    def field(self, label, value):
        self.set_font("DejaVu", "B", 10)
        self.multi_cell(0, 5.5, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 10)
        self.multi_cell(0, 5.5, value or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)


def case_pdf(*, incident, entries, evidence, subjects, exported_by, redacted):
    """The PDF's bytes. `entries`, `evidence` and `subjects` are the case page's own lists."""
    staff = _staff_labels(incident, entries, evidence, subjects) if redacted else {}
    labels = {pk: label for pk, (_, label) in staff.items()}
    replacements = {name: label for name, label in staff.values()}

    def who(user):
        if user is None:
            return "The reporter" if not redacted else "Reporter"
        return labels.get(user.pk) or _name(user)

    def words(text):
        return rules.redact_names(text, replacements) if redacted else text

    version = "staff names removed" if redacted else "full"
    pdf = _CasePDF(f"{club().name} · case {incident.reference} · {version}")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, f"Case {incident.reference}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)
    now = timezone.localtime()
    exporter = labels.get(exported_by.user_id, "Welfare officer") if redacted else exported_by.full_name
    pdf.multi_cell(
        0,
        5.5,
        f"{club().name}. Exported {now:%d %B %Y %H:%M} by {exporter}. Version: {version}.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )

    pdf.heading("The report")
    local_reported = timezone.localtime(incident.reported_at)
    pdf.field("Reported", f"{local_reported:%d %B %Y %H:%M} ({incident.get_source_display()})")
    pdf.field("What it is about", incident.get_category_display())
    pdf.field("Where it happened", incident.get_channel_display())
    pdf.field("When it happened", f"{incident.happened_on:%d %B %Y}")
    pdf.field("A child in danger now?", "Yes" if incident.immediate_risk else "No")
    pdf.field("What happened", words(incident.what_happened))
    pdf.field("Who was involved", words(incident.people_involved))
    reporter = ", ".join(
        part
        for part in (
            incident.get_reporter_relationship_display(),
            words(incident.reporter_name),
            words(incident.reporter_contact),
        )
        if part
    )
    if incident.reporter is not None and incident.reporter.pk in labels:
        reporter = labels[incident.reporter.pk]
    pdf.field("Reported by", reporter or "Anonymous")

    pdf.heading("The case")
    status = incident.get_status_display()
    if incident.outcome:
        status = f"{status}: {incident.get_outcome_display()}"
    pdf.field("Status", status)
    pdf.field("Priority", incident.get_priority_display())
    pdf.field("Held by", who(incident.assignee) if incident.assignee else "Nobody")
    if subjects:
        pdf.field(
            "People linked",
            "\n".join(f"{link.person.full_name} ({link.get_part_display().lower()})" for link in subjects),
        )

    pdf.heading("Chronology")
    for entry in entries:
        stamp = f"{timezone.localtime(entry.created_at):%d %b %Y %H:%M}"
        title = f"{stamp} · {entry.get_kind_display()} · {who(entry.author)}"
        if entry.kind == CaseEntry.Kind.REFERRAL:
            title += f" · to {entry.get_agency_display()}"
            if entry.agency_reference:
                title += f" (their reference {entry.agency_reference})"
        if entry.corrects_id:
            title += f" · corrects the entry of {timezone.localtime(entry.corrects.created_at):%d %b %Y %H:%M}"
        pdf.field(title, words(entry.text))

    if evidence:
        pdf.heading("Evidence held by the club")
        for item in evidence:
            shown = f"{item.download_name}, {item.type_in_words}, {item.size} bytes"
            if item.description:
                shown = f"{words(item.description)} · {shown}"
            pdf.field(
                f"{timezone.localtime(item.uploaded_at):%d %b %Y %H:%M} · {who(item.uploaded_by)}",
                f"{shown}\nSHA-256 {item.sha256}",
            )
    return bytes(pdf.output())
