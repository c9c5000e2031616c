"""The committee's records of DBS checks and club phones, and the policy versions, in the admin."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from people.selectors import person_for_user
from sefton_safety.admin_formsets import ServiceRowsFormSet
from sefton_safety.admin_widgets import KeyCheckedAutocompleteMixin
from sefton_safety.exceptions import DomainError

from . import services
from .models import ClubPhone, CriminalRecordsCheck, PhoneHolding, PolicyAcknowledgement, PolicyVersion


class PhoneHoldingFormSet(ServiceRowsFormSet):
    """VOL-4: a new holding is made by the service; a saved one keeps its holder, so a phone
    changes hands by ending one holding and starting another."""

    linked = ("person",)

    def new_row_problem(self, data):
        problem = services.phone_holding_problem(phone=self.instance, person=data["person"])
        return f"{problem} (VOL-4)" if problem else None


class PhoneHoldingInline(KeyCheckedAutocompleteMixin, admin.TabularInline):
    model = PhoneHolding
    formset = PhoneHoldingFormSet
    fields = ["person", "starts_on", "ends_on"]
    autocomplete_fields = ["person"]
    extra = 1

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClubPhone)
class ClubPhoneAdmin(SimpleHistoryAdmin):
    list_display = ["label", "number", "in_service"]
    list_filter = ["in_service"]
    search_fields = ["label", "number", "holdings__person__first_name", "holdings__person__last_name"]
    inlines = [PhoneHoldingInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if instance.pk is not None:
                # The end of a holding, or a corrected date: the history names who changed it.
                instance.save()
                continue
            try:
                holding = services.phone_holding_start(
                    phone=form.instance,
                    person=instance.person,
                    by=person_for_user(request.user),
                    starts_on=instance.starts_on,
                )
            except DomainError as error:
                self.message_user(request, f"{instance.person} not given the phone: {error}", messages.ERROR)
                continue
            instance.pk, instance._state.adding = holding.pk, False
        formset.save_m2m()


@admin.register(CriminalRecordsCheck)
class CriminalRecordsCheckAdmin(KeyCheckedAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["person", "checked_on", "renew_by", "certificate_reference"]
    list_filter = ["renew_by"]
    search_fields = ["person__first_name", "person__last_name", "certificate_reference"]
    autocomplete_fields = ["person"]
    readonly_fields = ["recorded_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    """Versions are published on the committee's policy page; here they are read only."""

    list_display = ["version", "title", "published_on", "review_by", "published_by"]
    list_filter = ["published_on", "review_by"]
    search_fields = ["title", "body"]
    readonly_fields = ["version", "title", "body", "published_on", "published_by", "review_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["person", "version", "acknowledged_at"]
    list_filter = ["version", "acknowledged_at"]
    search_fields = ["person__first_name", "person__last_name", "person__email"]
    list_select_related = ["person", "version"]
    readonly_fields = ["person", "version", "acknowledged_at", "declares_no_friending", "declares_no_private_messages"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
