"""Forms of the social-accounts register; every refusal says what to do instead."""

from django import forms
from django.urls import reverse_lazy

from people.models import STAFF_ROLE_KINDS, Person, Role, adult_cutoff_date, club_today
from sefton_safety.pickers import PeoplePickerField, PersonPickerField

from .models import ClubAccount


def _staff():
    return Person.objects.holding(*STAFF_ROLE_KINDS).order_by("last_name", "first_name")


class CustodiansChangeForm(forms.Form):
    """ACC-2: removals and replacements in one change, so a swap never dips below three."""

    remove = forms.ModelMultipleChoiceField(
        label="Remove", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    add = PeoplePickerField(label="Add", queryset=None, required=False, help_text="Staff and volunteers only.")
    reason = forms.CharField(label="Why (for removals)", required=False, max_length=200)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        current = account.custodians.current().select_related("person")
        self.fields["remove"].queryset = current
        self.fields["remove"].label_from_instance = lambda custodian: custodian.person.full_name
        self.fields["add"].queryset = _staff().exclude(pk__in=current.values("person_id"))

    def clean(self):
        data = super().clean()
        if not data.get("remove") and not data.get("add"):
            raise forms.ValidationError("Choose someone to remove or to add.")
        return data


class RotationForm(forms.Form):
    done_on = forms.DateField(
        label="Password changed on",
        initial=club_today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ReviewForm(forms.Form):
    fit_for_purpose = forms.TypedChoiceField(
        label="Is the account appropriate and fit for purpose?",
        choices=[("yes", "Yes"), ("no", "No: something must change")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Note", required=False, max_length=500)


class AppointmentForm(forms.Form):
    person = forms.ModelChoiceField(label="Designated person", queryset=None)
    minute_reference = forms.CharField(label="Committee minute", max_length=100)
    appointed_on = forms.DateField(
        label="Appointed on", initial=club_today, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.holding(Role.Kind.DESIGNATED_PERSON).order_by("last_name")


class AdviceAskForm(forms.Form):
    question = forms.CharField(label="Your question for the welfare officer", widget=forms.Textarea(attrs={"rows": 3}))


class AdviceAnswerForm(forms.Form):
    answer = forms.CharField(label="Your advice", widget=forms.Textarea(attrs={"rows": 3}))


class ModerationForm(forms.Form):
    """ACC-6: what a designated supervisor records when they remove a post."""

    account = forms.ModelChoiceField(label="Account", queryset=ClubAccount.objects.filter(kind="social"))
    author = PersonPickerField(
        label="Who wrote the post",
        queryset=Person.objects.order_by("last_name", "first_name"),
        required=False,
        empty_label="Not in the register",
        help_text="If they are not in the register, leave this empty and describe them below.",
        search_url=reverse_lazy("accounts_registry:moderation-people", args=["author"]),
    )
    author_description = forms.CharField(label="Or describe them", required=False, max_length=200)
    removed_content = forms.CharField(label="What was removed", widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label="Why it was removed",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The author and the families are sent these words, so write them for them to read.",
    )
    affected = PeoplePickerField(
        label="Adults affected",
        queryset=None,
        required=False,
        search_url=reverse_lazy("accounts_registry:moderation-people", args=["affected"]),
    )
    children = PeoplePickerField(
        label="Children involved (their parents are told)",
        queryset=None,
        required=False,
        search_url=reverse_lazy("accounts_registry:moderation-people", args=["children"]),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cutoff = adult_cutoff_date(club_today())
        people = Person.objects.order_by("last_name", "first_name")
        self.fields["affected"].queryset = people.exclude(date_of_birth__gt=cutoff)
        self.fields["children"].queryset = people.filter(date_of_birth__gt=cutoff)

    def clean(self):
        data = super().clean()
        if not data.get("author") and not data.get("author_description", "").strip():
            self.add_error("author", "Choose who wrote the post, or describe them.")
        return data


class PostCheckForm(forms.Form):
    """ACC-8, ACC-9: a draft post, checked before it is published."""

    text = forms.CharField(label="The post", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    with_photo = forms.BooleanField(label="It has a photo or video", required=False)
    tagged = PeoplePickerField(
        label="Children named or tagged",
        queryset=None,
        required=False,
        search_url=reverse_lazy("accounts_registry:post-check-children"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cutoff = adult_cutoff_date(club_today())
        self.fields["tagged"].queryset = Person.objects.filter(date_of_birth__gt=cutoff).order_by("last_name")

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("tagged"):
            raise forms.ValidationError("Paste the post's words, or choose the children it names or tags.")
        return data
