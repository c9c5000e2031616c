"""ACC-6: the moderation log reads in a constant number of queries, however many removals it shows."""

from django.urls import reverse

from accounts_registry.models import ModerationRecord
from tests.queries import assert_constant_queries


def _removals(instagram, supervisor, people, count, *, start=0):
    records = ModerationRecord.objects.bulk_create(
        ModerationRecord(
            account=instagram,
            recorded_by=supervisor,
            author=people[n % len(people)],
            removed_content=f"Post {n}",
            reason="It named a child.",
        )
        for n in range(start, start + count)
    )
    for record in records:
        record.affected.add(*people[:2])
        record.children.add(people[-1])


def test_acc6_the_moderation_log_reads_in_constant_queries_as_removals_grow(
    signed_in, committee_member, supervisor, instagram, keepers, child
):
    client = signed_in(committee_member)
    people = [*keepers, child]
    _removals(instagram, supervisor, people, 2)
    small, grown = assert_constant_queries(
        lambda: client.get(reverse("accounts_registry:moderation-list")),
        lambda: _removals(instagram, supervisor, people, 30, start=2),
    )
    assert "Post 1" in small.content.decode() and "Post 31" in grown.content.decode()
