"""The committee's register of club accounts in the admin. Custodian changes go through the same
three-custodian rule as the register pages; nothing here is deleted."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from people.admin_site import SignedChangeMixin, admin_person
from people.models import club_today
from sefton_safety.admin_formsets import ServiceRowsFormSet
from sefton_safety.admin_widgets import KeyCheckedAutocompleteMixin
from sefton_safety.exceptions import DomainError

from . import rules, services
from .models import (
    AccountReview,
    AdviceRequest,
    Appointment,
    ClubAccount,
    Custodian,
    ModerationRecord,
    PasswordRotation,
)


class CustodianFormSet(BaseInlineFormSet):
    """Ticking "delete" removes a custodian (the row is kept, ended today); a new row adds one. The
    whole change is judged at once, so a swap in one save is allowed and a plain removal below
    three is refused with the reason."""

    def changes(self):
        removing = [form.instance for form in self.forms if form.instance.pk and self._should_delete_form(form)]
        adding = [
            form.cleaned_data["person"]
            for form in self.forms
            if not form.instance.pk and form.cleaned_data.get("person") and not self._should_delete_form(form)
        ]
        return adding, removing

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        adding, removing = self.changes()
        for person in adding:
            try:
                services.custodian_check(person=person)
            except DomainError as error:
                raise ValidationError(f"{error} (ACC-2)") from error
        if not self.instance.pk:
            # A new account may start below three; the committee is alerted (ACC-2).
            return
        counted = set(services.counted_custodians(self.instance).values_list("person_id", flat=True))
        after = (counted - {c.person_id for c in removing}) | {p.pk for p in adding}
        finding = rules.custodian_change_finding(before=len(counted), after=len(after))
        if finding:
            raise ValidationError(f"{finding.message} ({finding.rule})")


class CustodianInline(KeyCheckedAutocompleteMixin, admin.TabularInline):
    model = Custodian
    formset = CustodianFormSet
    fields = ["person", "since"]
    autocomplete_fields = ["person"]
    extra = 1
    verbose_name_plural = "Custodians (they hold the password; tick Delete to remove one)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ended_on__isnull=True).select_related("person")

    def has_delete_permission(self, request, obj=None):
        # "Delete" here ends the custodianship through the service; no row is deleted.
        return self.has_change_permission(request, obj)


class AccountReviewFormSet(ServiceRowsFormSet):
    """ACC-1: a new review is recorded by the service, after the same check on the form."""

    def new_row_problem(self, data):
        try:
            services.review_check(
                fit_for_purpose=data.get("fit_for_purpose", False),
                note=data.get("note", ""),
                reviewed_on=data.get("reviewed_on") or club_today(),
            )
        except DomainError as error:
            return f"{error} (ACC-1)"
        return None


class AccountReviewInline(admin.TabularInline):
    model = AccountReview
    formset = AccountReviewFormSet
    fields = ["reviewed_on", "fit_for_purpose", "note", "reviewed_by"]
    readonly_fields = ["reviewed_by"]
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AppointmentInlineForm(forms.ModelForm):
    """ACC-4: a new row is an appointment made through the service, so it gets the service's check
    of the appointee's role; an existing row keeps its appointee."""

    class Meta:
        model = Appointment
        fields = ["person", "appointed_on", "minute_reference", "ended_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["person"].disabled = True

    def clean(self):
        data = super().clean()
        if not self.instance.pk and data.get("person"):
            try:
                services.appointment_check(person=data["person"], minute_reference=data.get("minute_reference", ""))
            except DomainError as error:
                raise ValidationError(f"{error} (ACC-4)") from error
        return data

    def validate_constraints(self):
        # The service ends the current appointment before it makes the new one.
        if self.instance.pk:
            super().validate_constraints()


class AppointmentInline(KeyCheckedAutocompleteMixin, admin.TabularInline):
    model = Appointment
    form = AppointmentInlineForm
    fields = ["person", "appointed_on", "minute_reference", "ended_on"]
    autocomplete_fields = ["person"]
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClubAccount)
class ClubAccountAdmin(SignedChangeMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "purpose", "listed_publicly"]
    list_filter = ["kind", "platform", "listed_publicly"]
    search_fields = ["handle", "address", "purpose"]
    inlines = [CustodianInline, AppointmentInline, AccountReviewInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        by = admin_person(request)
        if isinstance(formset, CustodianFormSet):
            adding, removing = formset.changes()
            try:
                if not change:
                    services.account_created(account=form.instance, by=by, custodians=adding)
                elif adding or removing:
                    services.custodians_change(
                        account=form.instance,
                        by=by,
                        add=adding,
                        remove=removing,
                        reason="Removed in the admin.",
                    )
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            # The service did the saving; the admin's change message reads these lists.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, AccountReview) and instance.pk is None:
                review = services.review_record(
                    account=form.instance,
                    by=by,
                    fit_for_purpose=instance.fit_for_purpose,
                    note=instance.note,
                    reviewed_on=instance.reviewed_on,
                )
                instance.pk, instance._state.adding = review.pk, False
                continue
            if isinstance(instance, Appointment) and instance.pk is None:
                services.appointment_make(
                    account=form.instance,
                    person=instance.person,
                    minute_reference=instance.minute_reference,
                    appointed_on=instance.appointed_on,
                    by=by,
                )
                continue
            instance.save()


@admin.register(PasswordRotation)
class PasswordRotationAdmin(SimpleHistoryAdmin):
    list_display = ["account", "reason", "due_since", "done_on", "recorded_by"]
    list_filter = [("done_on", admin.EmptyFieldListFilter), "account"]
    search_fields = ["account__handle", "account__address", "reason"]
    readonly_fields = ["account", "reason", "due_since", "done_on", "recorded_by"]
    actions = ["record_done_today"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Record the password as changed today")
    def record_done_today(self, request, queryset):
        by = admin_person(request)
        if by is None:
            return
        done = 0
        for rotation in queryset.filter(done_on__isnull=True):
            services.rotation_record(rotation=rotation, by=by)
            done += 1
        self.message_user(request, f"{done} password change(s) recorded.", messages.SUCCESS)


@admin.register(ModerationRecord)
class ModerationRecordAdmin(SimpleHistoryAdmin):
    list_display = ["account", "removed_at", "recorded_by", "author", "notices_sent_at"]
    list_filter = ["account", "removed_at"]
    search_fields = ["account__handle", "author__first_name", "author__last_name"]
    readonly_fields = [field.name for field in ModerationRecord._meta.fields] + ["affected", "children"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdviceRequest)
class AdviceRequestAdmin(admin.ModelAdmin):
    list_display = ["account", "asked_by", "asked_at", "answered_by", "answered_at"]
    list_filter = ["account", ("answered_at", admin.EmptyFieldListFilter)]
    search_fields = ["question", "answer", "asked_by__first_name", "asked_by__last_name"]
    readonly_fields = ["account", "asked_by", "question", "asked_at", "answer", "answered_by", "answered_at"]

    def get_queryset(self, request):
        # The committee reads the advice kept with its accounts (ACC-5); a volunteer's own question
        # is for them and the welfare officers, on the advice page.
        return super().get_queryset(request).filter(account__isnull=False)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
