"""The admin's inline formsets whose new rows a service makes, so an inline keeps the service's
rules, history and grants."""

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet


class ServiceRowsFormSet(BaseInlineFormSet):
    """Rows of an inline that a service makes. A new row is checked here with the service's own
    rule, so a refusal is a message on the form and nothing is saved; the admin's save_formset then
    makes it through the service, with its history. A saved row keeps the records it links
    (`linked`): a link moves by removing the row and adding another, so no check is stepped round
    and no grant outlives the row it came from."""

    linked = ()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk is not None:
            for name in self.linked:
                form.fields[name].disabled = True

    def new_row_problem(self, data):
        """Why a new row's values are refused, in words, or None."""
        return None

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        for form in self.forms:
            if form.instance.pk is not None or not form.has_changed() or self._should_delete_form(form):
                continue
            problem = self.new_row_problem(form.cleaned_data)
            if problem:
                raise ValidationError(problem)
