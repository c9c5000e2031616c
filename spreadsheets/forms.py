"""The upload, the column choices of a preview, its confirmation, and the export form."""

from django import forms

from people.models import Team
from sefton_safety.forms import AuthenticatorCodeField

from .reading import MAX_BYTES
from .rules import FIELD_CHOICES


class RegisterImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Members spreadsheet",
        help_text="A CSV file or an Excel workbook (.xlsx), with a header row naming each column.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        return upload


class RegisterImportMappingForm(forms.Form):
    """One choice per column of the file, headed by the column's own heading."""

    def __init__(self, *args, headers, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, heading in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=heading or f"Column {index + 1} (no heading)",
                choices=FIELD_CHOICES,
                required=False,
                initial=mapping[index] if index < len(mapping) else "",
            )

    def mapping(self):
        return [self.cleaned_data.get(f"column_{index}", "") for index in range(len(self.headers))]


class RegisterImportConfirmForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput)
    leave_out_refused = forms.BooleanField(required=False, label="Leave out the refused rows")


class ExportForm(forms.Form):
    """The register's data leaves the portal only with a fresh code: an open session is not enough."""

    WHAT_CHOICES = [
        ("register", "The register: everyone, with teams, families, guardians and roles"),
        ("consents", "One team's consents"),
        ("acknowledgements", "Policy acknowledgements"),
    ]
    what = forms.ChoiceField(label="What to export", choices=WHAT_CHOICES, widget=forms.RadioSelect)
    team = forms.ModelChoiceField(
        label="Team (for its consents)", queryset=Team.objects.order_by("age_group", "name"), required=False
    )
    file_format = forms.ChoiceField(
        label="File",
        choices=[("xlsx", "Excel workbook (.xlsx)"), ("csv", "CSV")],
        widget=forms.RadioSelect,
        initial="xlsx",
    )
    code = AuthenticatorCodeField()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("what") == "consents" and not cleaned.get("team"):
            self.add_error("team", "Choose the team whose consents to export.")
        return cleaned
