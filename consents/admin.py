"""The committee's view of consents in the admin: paper forms entered as answers, the wordings, and
read-only histories. Answers are never changed or deleted here (CON-4)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from people.admin_site import SignedChangeMixin, admin_person
from people.models import Role
from sefton_safety.admin_widgets import KeyCheckedAutocompleteMixin
from sefton_safety.exceptions import DomainError
from sefton_safety.retention import RetentionNoteAdmin

from . import services
from .models import AcceptableUseAgreement, Consent, ConsentRound, DirectContactRequest, Wording


class PaperConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["person", "topic", "given", "answered_by"]
        labels = {"person": "Young member", "answered_by": "Answered by (as signed on the paper form)"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("person") and cleaned.get("answered_by"):
            try:
                services.answering_check(person=cleaned["person"], answered_by=cleaned["answered_by"])
            except DomainError as error:
                raise ValidationError(f"{error} ({error.rule})") from error
        return cleaned


@admin.register(Consent)
class ConsentAdmin(SignedChangeMixin, KeyCheckedAutocompleteMixin, RetentionNoteAdmin, admin.ModelAdmin):
    """Each saved paper form is one more answer in the history, recorded as entered from paper."""

    form = PaperConsentForm
    retention_kinds = ("Consent answers", "Legal hold")
    list_display = [
        "person",
        "topic",
        "given",
        "answered_by",
        "method",
        "season",
        "valid_until",
        "policy",
        "recorded_at",
    ]
    list_filter = ["topic", "given", "method", "season"]
    search_fields = ["person__first_name", "person__last_name", "answered_by__last_name"]
    autocomplete_fields = ["person", "answered_by"]
    list_select_related = ["person", "answered_by", "policy"]
    date_hierarchy = "recorded_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = services.consent_answers_record(
            person=obj.person,
            answers={obj.topic: obj.given},
            answered_by=obj.answered_by,
            recorded_by=admin_person(request),
            method=Consent.Method.PAPER,
        )
        if created:
            obj.pk = created[0].pk
        else:
            obj.pk = Consent.objects.filter(person=obj.person, topic=obj.topic).latest("recorded_at").pk
            messages.info(request, "That answer was already recorded, so nothing new was added.")


@admin.register(Wording)
class WordingAdmin(admin.ModelAdmin):
    list_display = ["kind", "version", "title", "published_at", "published_by"]
    list_filter = ["kind"]
    search_fields = ["title", "body"]
    fields = ["kind", "version", "title", "body", "body_for_younger"]

    def has_change_permission(self, request, obj=None):
        # A published version is what people agreed to: publish a new version instead.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.published_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentRound)
class ConsentRoundAdmin(ReadOnlyAdmin):
    list_display = ["season", "team", "started_by", "started_at", "guardians_emailed", "guardians_without_email"]
    list_filter = ["season", "team"]
    search_fields = ["team__name"]
    list_select_related = ["team", "started_by"]


@admin.register(DirectContactRequest)
class DirectContactRequestAdmin(ReadOnlyAdmin):
    list_display = ["child", "requested_by", "purpose", "channel", "starts_at", "ends_at", "status", "decided_by"]
    list_filter = ["status", "purpose", "channel"]
    search_fields = ["child__last_name", "requested_by__last_name"]
    list_select_related = ["child", "requested_by", "decided_by"]


class PaperAgreementForm(forms.ModelForm):
    class Meta:
        model = AcceptableUseAgreement
        fields = ["person"]
        labels = {"person": "Young member (agreed on a paper form)"}

    def clean(self):
        cleaned = super().clean()
        wording = Wording.current(Wording.Kind.ACCEPTABLE_USE)
        if wording is None:
            raise ValidationError("Publish an acceptable use statement first.")
        # The paper form carries the club's policy and the statement: one entry records both (CON-5).
        self.instance.wording = wording
        person = cleaned.get("person")
        if person is not None and not Role.objects.current().filter(person=person, kind=Role.Kind.CHILD).exists():
            raise ValidationError(f"{person} is not a young member of the club. (CON-5)")
        return cleaned


@admin.register(AcceptableUseAgreement)
class AcceptableUseAgreementAdmin(SignedChangeMixin, KeyCheckedAutocompleteMixin, ReadOnlyAdmin):
    """Agreements signed on paper are entered here, against the current statement (CON-5)."""

    form = PaperAgreementForm
    autocomplete_fields = ["person"]
    list_display = ["person", "wording", "method", "agreed_at"]
    list_filter = ["wording", "method"]
    search_fields = ["person__first_name", "person__last_name"]
    list_select_related = ["person", "wording"]

    def has_add_permission(self, request):
        return request.user.has_perm("consents.add_acceptableuseagreement")

    def save_model(self, request, obj, form, change):
        services.agreements_record(
            person=obj.person, method=AcceptableUseAgreement.Method.PAPER, recorded_by=admin_person(request)
        )
        obj.pk = AcceptableUseAgreement.objects.get(person=obj.person, wording=obj.wording).pk
