"""The welfare officer's desk as a block any page can show (the home page does), so the page's own
view never needs to know how the figures are counted."""

from django import template

from incidents import selectors
from incidents.access import is_welfare_officer
from incidents.forms import PersonSearchForm

register = template.Library()


@register.inclusion_tag("incidents/_welfare_desk.html", takes_context=True)
def welfare_desk(context):
    user = context["request"].user
    if not is_welfare_officer(user):
        return {"shown": False}
    return {"shown": True, "search_form": PersonSearchForm(), **selectors.welfare_desk(user)}


@register.inclusion_tag("incidents/_person_search_form.html")
def person_search_box(form=None, compact=False):
    return {"form": form or PersonSearchForm(), "compact": compact}
