"""Pickers of children and adults on the post check and the removed-post form (ACC-6, ACC-8, X-3):
a short register is rendered whole, a long one is searched by POST through the form's own gate,
and without JavaScript a Find button puts the matches into the plain select."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Person
from sefton_safety import pickers
from tests import factories

POST_CHECK = "accounts_registry:post-check"


def _children(count):
    born = factories.years_ago(10)
    Person.objects.bulk_create(
        Person(first_name=f"Pupil{n:05d}", last_name="Register", date_of_birth=born) for n in range(count)
    )


def _options(page):
    select = page[page.index('name="tagged"') : page.index("</select>", page.index('name="tagged"'))]
    return select.count("<option")


def test_acc8_x3_a_short_register_is_a_picker_holding_every_child_and_loads_its_assets_from_static(
    signed_in, designated, child
):
    page = signed_in(designated, verified=False).get(reverse(POST_CHECK)).content.decode()
    assert "data-picker" in page and "data-picker-url" not in page
    assert _options(page) == 1 and "Ada Okafor" in page
    assert "/static/vendor/tom-select/tom-select.popular.min.js" in page
    assert "/static/vendor/tom-select/tom-select.bootstrap5.min.css" in page and "/static/js/picker.js" in page
    assert "Hold Ctrl" in page, "without JavaScript the plain select says how to choose more than one"


def test_acc8_x3_a_long_register_renders_only_the_chosen_and_keeps_its_query_count(
    signed_in, designated, child, django_assert_num_queries
):
    client = signed_in(designated, verified=False)
    client.get(reverse(POST_CHECK))  # the first page of a session also writes the session
    with CaptureQueriesContext(connection) as short:
        client.get(reverse(POST_CHECK))
    _children(3000)
    with django_assert_num_queries(len(short.captured_queries)):
        page = client.get(reverse(POST_CHECK)).content.decode()
    assert f'data-picker-url="{reverse("accounts_registry:post-check-children")}"' in page
    assert _options(page) == 0 and "Pupil" not in page
    assert "Find a name" in page, "without JavaScript a Find box stands in for the list"


def test_acc8_the_picker_search_answers_by_post_with_the_forms_own_children_only(
    signed_in, designated, child, volunteer, django_assert_num_queries
):
    """An adult named Okafor is not a child the post can tag, so the search does not offer her."""
    factories.PersonFactory(first_name="Grace", last_name="Okafor")
    url = reverse("accounts_registry:post-check-children")
    client = signed_in(designated, verified=False)
    assert client.get(url, {"q": "oka"}).status_code == 405, "a name never travels in a URL"
    answer = client.post(url, {"q": "oka"})
    assert json.loads(answer.content) == {"options": [{"value": str(child.pk), "text": "Ada Okafor"}], "more": False}
    assert json.loads(client.post(url, {"q": "o"}).content) == {"options": []}, "one letter finds nobody yet"

    with CaptureQueriesContext(connection) as few:
        client.post(url, {"q": "Pupil"})
    assert len(few.captured_queries) <= 8
    _children(3000)
    with django_assert_num_queries(len(few.captured_queries)):
        many = json.loads(client.post(url, {"q": "Pupil"}).content)
    assert len(many["options"]) == pickers.SEARCH_LIMIT and many["more"] is True

    assert signed_in(volunteer, verified=False).post(url, {"q": "oka"}).status_code == 403


def test_acc8_without_javascript_find_fills_the_list_and_nothing_is_checked_until_a_child_is_chosen(
    signed_in, designated, child, wordings
):
    _children(pickers.INLINE_LIMIT + 1)
    client = signed_in(designated, verified=False)
    found = client.post(
        reverse(POST_CHECK), {"text": "Match report", "with_photo": "on", "tagged-find": "okaf", "tagged-find-go": ""}
    ).content.decode()
    assert "Choose from the names found for “okaf”, then send the form." in found
    assert _options(found) == 1 and f'<option value="{child.pk}">Ada Okafor</option>' in found
    assert 'data-testid="post-findings"' not in found
    assert 'value="Match report"' in found or "Match report" in found, "what was typed is kept"

    checked = client.post(
        reverse(POST_CHECK), {"text": "Match report", "with_photo": "on", "tagged": [child.pk], "tagged-find": "okaf"}
    ).content.decode()
    assert "Ada Okafor: no consent" in checked
    assert f'<option value="{child.pk}" selected>Ada Okafor</option>' in checked


@pytest.mark.parametrize("field", ["author", "affected", "children"])
def test_acc6_the_removed_post_pickers_search_only_for_a_designated_supervisor(
    signed_in, supervisor, designated, child, field
):
    url = reverse("accounts_registry:moderation-people", args=[field])
    answer = json.loads(signed_in(supervisor, verified=False).post(url, {"q": "Okafor"}).content)
    names = [option["text"] for option in answer["options"]]
    assert names == ([] if field == "affected" else ["Ada Okafor"]), "a child is not an adult affected"
    assert signed_in(designated, verified=False).post(url, {"q": "Okafor"}).status_code == 403


def test_acc6_an_unknown_list_is_not_found(signed_in, supervisor):
    url = reverse("accounts_registry:moderation-people", args=["everyone"])
    assert signed_in(supervisor, verified=False).post(url, {"q": "Okafor"}).status_code == 404
