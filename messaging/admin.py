"""Messages and their deliveries in the admin, read-only: the log is evidence (MSG-9)."""

from django.contrib import admin

from people.models import Team
from sefton_safety.admin_widgets import KeyCheckedAutocompleteMixin
from sefton_safety.retention import RetentionNoteAdmin

from .models import Delivery, DeliveryLogEntry, Fixture, Message, RecordedText


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryLogInline(admin.TabularInline):
    model = DeliveryLogEntry
    extra = 0
    can_delete = False
    fields = ["at", "event", "detail"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(RetentionNoteAdmin, ReadOnly):
    retention_kinds = ("Messages and deliveries", "Legal hold")
    list_display = ["created_at", "author", "channel", "audience", "kind", "status", "approved_by"]
    list_filter = ["status", "channel", "audience", "kind"]
    search_fields = ["subject", "body", "author__last_name"]
    list_select_related = ["author", "approved_by"]


@admin.register(Delivery)
class DeliveryAdmin(RetentionNoteAdmin, ReadOnly):
    ordering = ["-created_at", "-pk"]
    retention_kinds = ("Messages and deliveries", "Legal hold")
    list_display = ["message", "role", "to_person", "status", "attempts", "sent_at"]
    list_filter = ["status", "role"]
    search_fields = ["to_person__last_name", "address"]
    list_select_related = ["message", "to_person"]
    inlines = [DeliveryLogInline]
    exclude = ["address"]
    readonly_fields = ["address_shown"]

    @admin.display(description="address")
    def address_shown(self, obj):
        # PPL-4: a child's own number or email, once withdrawn from their record, is shown to nobody,
        # not even in the record of what was sent to it before.
        person = obj.to_person
        if person.is_child() and obj.address not in {person.mobile, person.email_address}:
            return "A child's own contact detail, since withdrawn (PPL-4)"
        return obj.address


@admin.register(RecordedText)
class RecordedTextAdmin(ReadOnly):
    list_display = ["sent_at", "to", "body"]
    list_filter = ["sent_at"]
    search_fields = ["to", "body"]


@admin.register(Fixture)
class FixtureAdmin(KeyCheckedAutocompleteMixin, admin.ModelAdmin):
    """The committee enters fixtures; guardians are told contact times before each one (MSG-10)."""

    list_display = ["team", "title", "starts_at", "venue", "emergency_contact"]
    list_filter = ["team", "starts_at"]
    search_fields = ["title", "venue", "team__name"]
    autocomplete_fields = ["emergency_contact"]
    date_hierarchy = "starts_at"

    def changelist_view(self, request, extra_context=None):
        # Most fixtures come from the teams' calendars: each team's import is one click from the list.
        teams = Team.objects.order_by("name") if self.has_add_permission(request) else Team.objects.none()
        return super().changelist_view(request, {**(extra_context or {}), "import_teams": teams})
