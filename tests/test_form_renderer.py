"""X-16: the portal's form renderer writes a select's options in Python, and writes exactly what
Django's templates write, for every kind of select the portal shows."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from sefton_safety.form_renderer import PortalFormRenderer

CHOICES = [("", "Not a correction"), (1, '12 Nov 10:30 Note: <b>said</b> "hello" & left'), (2, "Two"), (30, "Thirty")]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    yes_no = forms.NullBooleanField()
    grouped = forms.ChoiceField(choices=[("Teams", [("u11", "Under 11"), ("u13", "Under 13")]), ("none", "None")])
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect)
    disabled = forms.ChoiceField(choices=CHOICES, disabled=True)
    picker = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"data-picker": True, "class": "a&b"}))


DATA = [
    {},
    {"plain": "2", "many": ["1", "30"], "yes_no": "true", "grouped": "u13", "radio": "2", "picker": "30"},
    {"plain": "<script>", "many": ["nope"], "yes_no": "unknown"},
]


@pytest.mark.parametrize("data", DATA)
def test_x16_selects_are_written_exactly_as_djangos_templates_write_them(data):
    for name in Sample.base_fields:
        expected = Sample(data or None, renderer=DjangoTemplates())[name].as_widget()
        written = Sample(data or None, renderer=PortalFormRenderer())[name].as_widget()
        assert written == expected, name
        assert str(written).count("<option") == str(expected).count("<option")


def test_x16_a_label_or_value_is_escaped_and_the_chosen_option_selected():
    form = Sample({"plain": "1"}, renderer=PortalFormRenderer())
    html = str(form["plain"])
    assert "&lt;b&gt;said&lt;/b&gt; &quot;hello&quot; &amp; left" in html
    assert '<option value="1" selected>' in html
    assert html.count(" selected") == 1


def test_x16_the_portal_renders_its_forms_with_it():
    assert isinstance(forms.Form().renderer, PortalFormRenderer)
