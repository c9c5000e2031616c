"""The factories' generated people: names a page shows as they are, so a test that finds a name in a
page cannot fail on the one run in a few that drew "O'Brien". X-1: the register's pages show the
names the tests look for."""

from tests.factories import ESCAPED_IN_HTML, PersonFactory


def test_x1_generated_names_need_no_escaping_in_a_page():
    people = PersonFactory.build_batch(3000)
    assert not [p.full_name for p in people if ESCAPED_IN_HTML & set(p.full_name)]
    assert len({p.last_name for p in people}) > 50
