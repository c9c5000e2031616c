"""Pickers of people: a select that `static/js/picker.js` turns into a searchable list with chips
(Tom Select, served from `static/vendor/`), and that works as a plain select without JavaScript.

A list small enough is rendered whole. A longer one (a register of thousands of children) renders
only what is chosen, and the picker asks the page's own search address for names as they are
typed: by POST, so a child's name never sits in a URL or an access log. Without JavaScript the
same field shows a box to find names and a Find button that puts the matches into the select.
"""

from django import forms
from django.db.models import Q
from django.http import JsonResponse
from django.utils.html import format_html

# More options than this and the page would carry the whole register: the names are searched.
INLINE_LIMIT = 200
# How many names one search answers with; typing more narrows it.
SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 2
_MEDIA = forms.Media(
    css={"all": ["vendor/tom-select/tom-select.bootstrap5.min.css"]},
    js=["vendor/tom-select/tom-select.popular.min.js", "js/picker.js"],
)


def name_search(queryset, text):
    """People whose first or last name holds every word typed (up to three), A to Z."""
    for word in text.split()[:3]:
        queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return queryset.order_by("last_name", "first_name", "pk")


class _PickerMixin:
    """Renders the options the page needs: all of a short list, or, of a long one, those chosen and
    those found by the Find box. One query for the list, one for what is chosen: the same count
    however long the register grows."""

    search_url = None
    find_text = ""
    find_pressed = False

    def value_from_datadict(self, data, files, name):
        self.find_text = (data.get(f"{name}-find") or "").strip()[:100]
        self.find_pressed = f"{name}-find-go" in data
        return super().value_from_datadict(data, files, name)

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-picker": "true"}
        attrs.pop("size", None)
        iterator = self.choices
        field = iterator.field
        first = list(iterator.queryset[: INLINE_LIMIT + 1])
        self.searched = len(first) > INLINE_LIMIT and self.search_url is not None
        shown = first
        if len(first) > INLINE_LIMIT and not self.searched:
            # Without a search address the whole list is the only way to choose: it is never cut.
            shown = list(iterator.queryset)
        if self.searched:
            attrs["data-picker-url"] = str(self.search_url)
            chosen = [int(pk) for pk in _as_list(value) if str(pk).isdigit()]
            shown = list(iterator.queryset.filter(pk__in=chosen)) if chosen else []
            if self.find_text:
                found = name_search(iterator.queryset, self.find_text)[:SEARCH_LIMIT]
                shown += [person for person in found if person not in shown]
        blank = [] if self.allow_multiple_selected or field.empty_label is None else [("", field.empty_label)]
        self.choices = blank + [(person.pk, field.label_from_instance(person)) for person in shown]
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = iterator

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.searched:
            if not self.allow_multiple_selected:
                return html
            return html + format_html(
                '<noscript><div class="form-text">{}</div></noscript>', "Hold Ctrl (or ⌘) to choose more than one."
            )
        return html + format_html(
            '<noscript><div class="input-group input-group-sm mt-2">'
            '<label class="input-group-text" for="{id}-find">Find a name</label>'
            '<input class="form-control" type="search" id="{id}-find" name="{name}-find" value="{text}">'
            '<button class="btn btn-outline-secondary" type="submit" name="{name}-find-go" formnovalidate>Find</button>'
            '</div><div class="form-text">Find puts the people whose names match into the list above.{more}</div>'
            "</noscript>",
            id=(attrs or {}).get("id", name),
            name=name,
            text=self.find_text,
            more=" Hold Ctrl (or ⌘) to choose more than one." if self.allow_multiple_selected else "",
        )

    @property
    def media(self):
        return _MEDIA


def _as_list(value):
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return value
    return [value]


class PickerSelect(_PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(_PickerMixin, forms.SelectMultiple):
    pass


class _PickerFieldMixin:
    """A pressed Find (without JavaScript) is not a choice: the form comes back with the matches."""

    def __init__(self, *args, search_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.search_url = search_url

    def clean(self, value):
        if self.widget.find_pressed:
            raise forms.ValidationError(
                f"Choose from the names found for “{self.widget.find_text}”, then send the form."
                if self.widget.find_text
                else "Type part of a name, then press Find."
            )
        return super().clean(value)


class PersonPickerField(_PickerFieldMixin, forms.ModelChoiceField):
    widget = PickerSelect


class PeoplePickerField(_PickerFieldMixin, forms.ModelMultipleChoiceField):
    widget = PickerSelectMultiple


def picker_answer(request, field):
    """The JSON a picker loads as a name is typed: the first matches among the field's own people,
    so whoever may open the form sees no one it would not offer."""
    text = (request.POST.get("q") or "").strip()[:100]
    if len(text) < SEARCH_MIN_LENGTH:
        return JsonResponse({"options": []})
    found = list(name_search(field.queryset, text)[: SEARCH_LIMIT + 1])
    options = [{"value": str(person.pk), "text": field.label_from_instance(person)} for person in found[:SEARCH_LIMIT]]
    return JsonResponse({"options": options, "more": len(found) > SEARCH_LIMIT})
