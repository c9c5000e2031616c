"""The form renderer: Django's templates, except for a select's options, written in Python.

A case page's "corrects entry" list holds every entry of the chronology, and each option drawn
through Django's option template took a fifth of a millisecond: 250 entries were a third of the
page's time. The markup is Django's own, character for character (tests/test_form_renderer.py
compares them); a select with option groups, or options of a template of their own, still goes
through the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs):
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _option(option):
    return format_html('<option value="{}"{}>{}</option>', option["value"], _attrs(option["attrs"]), option["label"])


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        groups = widget.get("optgroups", ()) if widget else ()
        if widget is None or any(
            name or any(option["template_name"] != OPTION for option in options) for name, options, _index in groups
        ):
            return super().render(template_name, context, request)
        # Django's option template ends in a new line, which its include keeps.
        options = format_html_join("", "\n  {}\n", ((_option(o),) for _name, group, _i in groups for o in group))
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), options)
