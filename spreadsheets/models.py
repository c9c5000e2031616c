"""The register's spreadsheets: each uploaded file waiting for its preview to be confirmed, the
column choices the committee made (remembered for the next file), and the log of every export."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .rules import FIELD_CHOICES


class RegisterImport(models.Model):
    """One uploaded register file. Its bytes are kept only until it is imported or abandoned; the
    row stays, with the file's name and digest, as the record of who imported what."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        IMPORTED = "imported", "Imported"

    file_name = models.CharField(max_length=200)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the file, to recognise the same file again.")
    content = models.BinaryField(editable=False)
    sheet = models.JSONField(default=dict, editable=False, help_text="The file's header and rows, as read.")
    mapping = models.JSONField(default=list, help_text="The field chosen for each column, in order.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEW)
    imported_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=200, blank=True, help_text="What the import wrote, in words.")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "register import"

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display().lower()})"


class RememberedHeading(models.Model):
    """The field the committee chose for a column heading, offered again for the next file."""

    heading = models.CharField(max_length=200, unique=True, help_text="The heading, lower case, letters and digits.")
    field = models.CharField(max_length=40, choices=FIELD_CHOICES, blank=True)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["heading"]

    def __str__(self):
        return f"{self.heading} → {self.get_field_display()}"


class ExportLogEntry(models.Model):
    """One attempt to export the register, a team's consents or the acknowledgements, allowed or
    refused. Rows are only added: the club can always show who carried its data away, and when."""

    class What(models.TextChoices):
        REGISTER = "register", "The register"
        CONSENTS = "consents", "A team's consents"
        ACKNOWLEDGEMENTS = "acknowledgements", "Policy acknowledgements"

    what = models.CharField(max_length=20, choices=What.choices)
    detail = models.CharField(max_length=120, blank=True, help_text="The team, and the file format.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allowed = models.BooleanField()
    reason = models.CharField(max_length=120, help_text="Why it was refused, or how many rows left.")
    at = models.DateTimeField(default=timezone.now)
    address = models.GenericIPAddressField(null=True, blank=True)
    session = models.CharField(max_length=32, null=True, blank=True, help_text="A digest of the sign-in's session.")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "export"
        verbose_name_plural = "export log"

    def __str__(self):
        return f"{self.get_what_display()} by {self.user} ({'allowed' if self.allowed else 'refused'})"
