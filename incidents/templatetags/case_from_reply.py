"""INC-8's "Raise a concern" on each reply the welfare officers read: the case a reply already has,
or the form that opens one. The reply list belongs to messaging; the case and its categories to
incidents, so the list shows this block without knowing either."""

from django import template

from incidents.forms import FromReplyForm

register = template.Library()

# The category a reply is most often about, chosen before the officer picks.
DEFAULT_CATEGORY = "inappropriate_contact"


@register.inclusion_tag("incidents/_case_from_reply.html")
def case_from_reply(reply, incident_reference=None):
    """`incident_reference` is the reference of the reply's case, read with the list in one query."""
    return {
        "reply": reply,
        "incident_reference": incident_reference,
        "categories": FromReplyForm.base_fields["category"].choices,
        "default_category": DEFAULT_CATEGORY,
    }
