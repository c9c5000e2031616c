"""Evidence files as they are stored and handed out (INC-9, issue point 9): the download's name
follows the type read from the bytes, a PDF that would run something is refused, and an image is
drawn again from its pixels so nothing hidden after it is kept."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from incidents import export, services
from incidents.exceptions import EvidenceRefused
from incidents.models import Evidence
from tests.incidents.test_services import PNG

PAYLOAD = b"PK\x03\x04<script>alert(document.cookie)</script>"


@pytest.fixture(autouse=True)
def private_evidence(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def image_bytes(format_name, **options):
    out = io.BytesIO()
    Image.new("RGB", (6, 4), (20, 110, 60)).save(out, format=format_name, **options)
    return out.getvalue()


def pdf_bytes(change=None):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if change is not None:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stored_bytes(settings, evidence):
    return (settings.EVIDENCE_ROOT / evidence.file.name).read_bytes()


@pytest.mark.parametrize(
    ("content", "uploaded_as", "downloaded_as"),
    [
        (PNG, "chat.pdf", "chat.png"),
        (image_bytes("JPEG"), "chat.png", "chat.jpg"),
        (pdf_bytes(), "screenshot.jpg", "screenshot.pdf"),
        (image_bytes("GIF"), "no extension", "no extension.gif"),
    ],
)
def test_inc9_the_download_name_ends_in_the_type_read_from_the_bytes(
    case, welfare_officer, signed_in, content, uploaded_as, downloaded_as
):
    """Issue point 9 (and the desk's point 7): a PNG sent as `chat.pdf` downloads as `chat.png`."""
    evidence = services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload(uploaded_as, content))
    response = signed_in(welfare_officer).get(reverse("incidents:evidence-file", args=[case.reference, evidence.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{downloaded_as}"'
    assert response["Content-Type"] == evidence.content_type


@pytest.mark.parametrize(
    ("uploaded_as", "downloaded_as"),
    [
        # A right-to-left override shows `invoice\u202efdp.png` as `invoicegnp.pdf`: the name on
        # screen would end in another type than the file's.
        ("invoice\u202efdp.png", "invoicefdp.png"),
        ("chat\u200f.pdf", "chat.png"),
        ("chat\x00.pdf", "chat.png"),
        # Windows drops trailing dots and spaces, so `chat.pdf. ` is still a PDF's name there.
        ("chat.pdf. ", "chat.png"),
        ("chat.pdf..", "chat.png"),
        ("\u202e", "evidence.png"),
    ],
)
def test_inc9_a_name_that_would_show_another_type_downloads_under_the_type_read_from_the_bytes(
    case, welfare_officer, signed_in, uploaded_as, downloaded_as
):
    evidence = services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload(uploaded_as, PNG))
    response = signed_in(welfare_officer).get(reverse("incidents:evidence-file", args=[case.reference, evidence.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{downloaded_as}"'


def test_inc9_the_case_page_and_its_export_name_a_file_as_it_downloads_with_its_type_in_words(
    case, welfare_officer, signed_in
):
    """The officer reads `chat.png, PNG image` beside the link, not the sender's `chat.pdf` nor
    `image/png`, so what the page says is what the computer opens."""
    services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload("chat.pdf", PNG))
    client = signed_in(welfare_officer)
    page = client.get(reverse("incidents:case-detail", args=[case.reference])).content.decode()
    evidence_section = page[page.index('id="evidence"') :]
    assert "chat.png" in evidence_section and "PNG image" in evidence_section
    assert "chat.pdf" not in evidence_section and "image/png" not in evidence_section
    pdf = export.case_pdf(
        incident=case,
        entries=list(case.entries.all()),
        evidence=list(case.evidence.all()),
        subjects=[],
        exported_by=welfare_officer,
        redacted=False,
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "chat.png" in text and "PNG image" in text and "image/png" not in text


def _javascript(writer):
    """A document-level script, run by a reader as the file opens."""
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")})
    names = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(script)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})


def _launch_on_open(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _script_on_open(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")})
    writer._root_object[NameObject("/OpenAction")] = action


def _attached_file(writer):
    writer.add_attachment("invoice.exe", b"MZ\x90\x00")


@pytest.mark.parametrize("change", [_javascript, _launch_on_open, _script_on_open, _attached_file])
def test_inc9_a_pdf_that_runs_a_script_or_an_action_when_opened_is_refused_with_what_to_do(
    case, welfare_officer, change
):
    with pytest.raises(EvidenceRefused, match=r"script, an automatic action or an attached file.*Save as PDF"):
        services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload("chat.pdf", pdf_bytes(change)))
    assert not Evidence.objects.exists()


def test_inc9_a_plain_pdf_and_one_that_opens_at_its_first_page_are_kept_as_they_are(case, welfare_officer, settings):
    def open_at_first_page(writer):
        writer.open_destination = writer.pages[0]

    for content in (pdf_bytes(), pdf_bytes(open_at_first_page)):
        evidence = services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload("a.pdf", content))
        assert stored_bytes(settings, evidence) == content
        assert evidence.sha256 == hashlib.sha256(content).hexdigest()


def test_inc9_a_pdf_that_cannot_be_read_is_refused(case, welfare_officer):
    with pytest.raises(EvidenceRefused, match="could not be read"):
        services.evidence_add(
            incident=case, by=welfare_officer, uploaded_file=upload("a.pdf", b"%PDF-1.7\n" + b"\x00" * 200)
        )


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (PNG, "image/png"),
        (image_bytes("JPEG"), "image/jpeg"),
        (image_bytes("GIF"), "image/gif"),
        (image_bytes("WEBP"), "image/webp"),
    ],
)
def test_inc9_an_image_is_drawn_again_so_what_was_appended_is_gone_and_the_checksum_is_of_what_is_kept(
    case, welfare_officer, settings, content, content_type
):
    """Issue point 9: a picture with a zip or a script appended after its end is stored without it."""
    evidence = services.evidence_add(
        incident=case, by=welfare_officer, uploaded_file=upload("chat.png", content + PAYLOAD)
    )
    kept = stored_bytes(settings, evidence)
    assert PAYLOAD not in kept and b"<script>" not in kept
    assert Image.open(io.BytesIO(kept)).size == (6, 4)
    assert evidence.content_type == content_type and evidence.size == len(kept)
    assert evidence.sha256 == hashlib.sha256(kept).hexdigest()
    entry = case.entries.filter(kind="evidence").get()
    assert "re-encoded" in entry.text
    assert hashlib.sha256(content + PAYLOAD).hexdigest() in entry.text, "the uploaded file's checksum is recorded"
    assert evidence.sha256 in entry.text


def test_inc9_a_photo_loses_its_location_and_keeps_its_way_up(case, welfare_officer, settings):
    """A phone photo's EXIF can hold where it was taken (a child's home); the stored copy has none,
    turned as the phone meant it to be."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    exif[0x8825] = {2: (53.0, 24.0, 0.0)}  # GPS latitude
    content = image_bytes("JPEG", exif=exif)
    evidence = services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload("p.jpg", content))
    kept = Image.open(io.BytesIO(stored_bytes(settings, evidence)))
    assert not kept.getexif() and kept.size == (4, 6)


def test_inc9_a_heic_photo_is_kept_as_a_jpeg_anyone_can_open(case, welfare_officer, settings):
    content = image_bytes("HEIF")
    evidence = services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload("IMG_1.HEIC", content))
    assert evidence.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(stored_bytes(settings, evidence))).format == "JPEG"
    assert evidence.download_name == "IMG_1.jpg"
    assert "from HEIC to JPEG" in case.entries.filter(kind="evidence").get().text


def test_inc9_a_file_that_says_it_is_an_image_but_does_not_draw_is_refused(case, welfare_officer):
    with pytest.raises(EvidenceRefused, match="could not be read as a picture"):
        services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload("x.png", PNG[:40]))
    assert not Evidence.objects.exists()


def test_inc9_a_small_file_that_would_unpack_into_a_vast_picture_is_refused_before_it_is_drawn(case, welfare_officer):
    out = io.BytesIO()
    Image.new("1", (12_000, 9_000)).save(out, format="PNG")  # a few kilobytes, 108 million pixels
    with pytest.raises(EvidenceRefused, match="too large a picture"):
        services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload("x.png", out.getvalue()))


def test_inc9_a_name_or_description_too_long_to_keep_is_refused_in_words_never_cut(case, welfare_officer, settings):
    """Nothing silently cut: the record keeps the name and the description whole, or says why not."""
    long_name = "x" * 197 + ".png"
    with pytest.raises(EvidenceRefused, match="name is longer than 200"):
        services.evidence_add(
            incident=case, by=welfare_officer, uploaded_file=SimpleUploadedFile(long_name, PNG, "image/png")
        )
    with pytest.raises(EvidenceRefused, match="300 characters or fewer: this is 301"):
        services.evidence_add(
            incident=case,
            by=welfare_officer,
            uploaded_file=SimpleUploadedFile("chat.png", PNG, "image/png"),
            description="d" * 301,
        )
    assert not Evidence.objects.filter(incident=case).exists()
    kept = services.evidence_add(
        incident=case,
        by=welfare_officer,
        uploaded_file=SimpleUploadedFile("x" * 196 + ".png", PNG, "image/png"),
        description="d" * 300,
    )
    assert len(kept.original_name) == 200 and len(kept.description) == 300
