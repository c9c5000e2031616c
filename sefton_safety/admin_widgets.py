"""The admin's search-as-you-type boxes (people, teams), safe to show again after a bad post."""

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db import connections


class KeyCheckedAutocompleteSelect(widgets.AutocompleteSelect):
    """Django's box looks up the value posted in it to show it again with the form's errors; a value
    that is not a key of the table (" ", "abc", a number past the column's range) made that look-up
    a server error instead of the form's own "Select a valid choice". Such a value is shown as no
    choice, and the field's error still says what to put right."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [item for item in value if self._is_key(item)], attr)

    def _is_key(self, value):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        try:
            key = target.to_python(value)
            target.get_prep_value(key)
        except (TypeError, ValueError, ValidationError):
            return False
        try:
            low, high = connections[self.db or "default"].ops.integer_field_range(target.get_internal_type())
        except KeyError:
            return True
        return (low is None or key >= low) and (high is None or key <= high)


class KeyCheckedAutocompleteMixin:
    """For a ModelAdmin or inline with `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyCheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
