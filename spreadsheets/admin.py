"""Who imported and exported the register, and when, read only: the rows are the record."""

from django.contrib import admin

from .models import ExportLogEntry, RegisterImport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegisterImport)
class RegisterImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "uploaded_by", "uploaded_at", "status", "summary"]
    list_filter = ["status", "uploaded_at"]
    search_fields = ["file_name", "uploaded_by__email", "summary"]
    list_select_related = ["uploaded_by"]
    exclude = ["content", "mapping"]


@admin.register(ExportLogEntry)
class ExportLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "what", "detail", "allowed", "reason"]
    list_filter = ["what", "allowed", "at"]
    search_fields = ["user__email", "detail", "reason"]
    list_select_related = ["user"]
