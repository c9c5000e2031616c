"""What an evidence file is, read from its own bytes, and the copy of it the club keeps (INC-9).

A file sent with a concern is opened later by a welfare officer, on a laptop at home or a club
computer, and may be passed to the police or children's social care. So the club keeps only what
it can vouch for: a picture drawn again from its pixels (whatever was hidden after its end, or in
its metadata, such as where a phone photo was taken, is left behind), and a PDF that runs nothing
when it is opened. The type comes from the bytes, never the name the sender gave.
"""

import io
import re
from dataclasses import dataclass

import filetype
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .exceptions import EvidenceRefused

# HEIC photos (iPhones) open in Pillow through libheif; they are kept as JPEG, which every
# computer a welfare officer or an agency uses can show.
pillow_heif.register_heif_opener()

EVIDENCE_TYPES = {
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "image/heic": "HEIC photo",
    "application/pdf": "PDF document",
}
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}
# For each type uploaded: Pillow's name for it, and the type the kept copy is written as.
_IMAGE_READERS = {
    "image/png": ("PNG", "image/png"),
    "image/jpeg": ("JPEG", "image/jpeg"),
    "image/gif": ("GIF", "image/gif"),
    "image/webp": ("WEBP", "image/webp"),
    "image/heic": ("HEIF", "image/jpeg"),
}
# How each kept type is written: lossless where the format allows, JPEG at a quality that keeps
# the words of a screenshot sharp.
_IMAGE_WRITERS = {
    "image/png": ("PNG", {}),
    "image/jpeg": ("JPEG", {"quality": 95}),
    "image/gif": ("GIF", {}),
    "image/webp": ("WEBP", {"lossless": True}),
}
# A 48-megapixel phone photo fits; a few kilobytes that would unpack into gigabytes do not.
MAX_PIXELS = 100_000_000
_TOO_LARGE_PICTURE = "That is too large a picture to keep. Send a screenshot, or the photo at a smaller size."
_UNREADABLE_PICTURE = "The picture could not be read as a picture. Take a new screenshot and send that instead."
_ACTIVE_PDF = (
    "This PDF contains a script, an automatic action or an attached file, so it cannot be kept: it could run "
    "something on the computer of whoever opens it. Open it, print it with “Save as PDF” (or "
    "“Microsoft Print to PDF”) and send the new file, or send screenshots of its pages."
)
# Keys that make a PDF do something by itself, or carry another file inside it.
_ACTIVE_KEYS = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
_HARMLESS_ACTIONS = {"/GoTo"}
# The same names in the raw bytes, `#xx` escapes included, catch objects no reference reaches
# (a reader repairing a broken file may still run them).
_RAW_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Control characters, and the Unicode marks and overrides of the direction text runs in.
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class KeptFile:
    content: bytes
    content_type: str
    reencoded_from: str = ""  # the type uploaded, when the kept copy was drawn again


def sniffed_type(head):
    kind = filetype.guess(head)
    return kind.mime if kind is not None else ""


def shown_name(name):
    """A sent file's name without the characters that change how it reads but never show: control
    characters (PostgreSQL cannot keep a NUL at all) and the marks that set the direction of text:
    `invoice`, a right-to-left override and `fdp.png` read as `invoicegnp.pdf`."""
    return _UNSHOWN.sub("", name or "")


def download_name(original_name, content_type):
    """The sender's file name, its own extension replaced by the one of the type actually kept."""
    # Windows drops trailing dots and spaces from a name, so `chat.pdf. ` is a PDF's name there.
    stem = re.split(r"[\\/]", shown_name(original_name))[-1].strip().rstrip(". ") or "evidence"
    base, dot, extension = stem.rpartition(".")
    if dot and base and 1 <= len(extension) <= 5 and extension.isalnum():
        stem = base
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"


def kept_copy(content, content_type):
    """The bytes the club keeps for an upload of `content_type`, or EvidenceRefused saying why."""
    if content_type == "application/pdf":
        _refuse_active_pdf(content)
        return KeptFile(content=content, content_type=content_type)
    return _redrawn_image(content, content_type)


def _redrawn_image(content, content_type):
    pillow_name, kept_type = _IMAGE_READERS[content_type]
    writer, options = _IMAGE_WRITERS[kept_type]
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != pillow_name:
                raise EvidenceRefused(_UNREADABLE_PICTURE)
            # Checked from the header, before a single pixel is unpacked.
            if image.width * image.height > MAX_PIXELS:
                raise EvidenceRefused(_TOO_LARGE_PICTURE)
            image.load()
            out = io.BytesIO()
            if getattr(image, "is_animated", False) and kept_type == "image/gif":
                image.save(out, format="GIF", save_all=True)
            else:
                # The orientation the phone recorded is applied, since its EXIF note is not kept.
                upright = ImageOps.exif_transpose(image)
                if kept_type == "image/jpeg" and upright.mode not in {"RGB", "L", "CMYK"}:
                    upright = upright.convert("RGB")
                upright.info.pop("exif", None)
                upright.save(out, format=writer, **options)
    except EvidenceRefused:
        raise
    except Image.DecompressionBombError as error:
        raise EvidenceRefused(_TOO_LARGE_PICTURE) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise EvidenceRefused(_UNREADABLE_PICTURE) from error
    return KeptFile(content=out.getvalue(), content_type=kept_type, reencoded_from=content_type)


def _refuse_active_pdf(content):
    unescaped = _NAME_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), content)
    if _RAW_ACTIVE.search(unescaped):
        raise EvidenceRefused(_ACTIVE_PDF)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EvidenceRefused(
                "The PDF is protected by a password, so it cannot be checked. Save a copy without the password, "
                "or send screenshots of its pages."
            )
        if _has_active_content(reader.trailer):
            raise EvidenceRefused(_ACTIVE_PDF)
        if len(reader.pages) == 0:
            raise PdfReadError("no pages")
    except EvidenceRefused:
        raise
    except Exception as error:  # noqa: BLE001 (pypdf raises many kinds on a damaged file)
        raise EvidenceRefused(
            "The PDF could not be read. Open it and save it again as a PDF, or send screenshots of its pages."
        ) from error


def _has_active_content(root):
    """Walks every object reachable from the trailer (compressed object streams included, which the
    raw scan cannot see) for a script, a launch, an attachment, or an automatic action other than
    going to a page."""
    seen, stack = set(), [root]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if _ACTIVE_KEYS & set(item.keys()):
                return True
            for automatic in ("/OpenAction", "/AA"):
                if automatic in item and _runs_something(item[automatic], automatic):
                    return True
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


def _runs_something(value, automatic):
    value = value.get_object()
    if automatic == "/OpenAction" and isinstance(value, ArrayObject):
        return False  # a destination: the page and zoom the file opens at
    if automatic == "/AA":
        return True  # actions on opening, closing, printing or a field's change: nothing a screenshot needs
    return not (isinstance(value, DictionaryObject) and value.get("/S") in _HARMLESS_ACTIONS and "/Next" not in value)
