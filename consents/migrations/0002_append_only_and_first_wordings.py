"""Consent answers are evidence: the database itself refuses to change or delete one (CON-4).
Also publishes the first consent form and acceptable use statement, so a new club can start."""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE FUNCTION consents_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent answers are append-only: record a new answer instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consents_consent_append_only BEFORE UPDATE OR DELETE ON consents_consent
    FOR EACH ROW EXECUTE FUNCTION consents_refuse_change();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS consents_consent_append_only ON consents_consent;
DROP FUNCTION IF EXISTS consents_refuse_change();
"""
SQLITE_FORWARD = [
    "CREATE TRIGGER consents_consent_no_update BEFORE UPDATE ON consents_consent "
    "BEGIN SELECT RAISE(ABORT, 'consent answers are append-only: record a new answer instead'); END;",
    "CREATE TRIGGER consents_consent_no_delete BEFORE DELETE ON consents_consent "
    "BEGIN SELECT RAISE(ABORT, 'consent answers are append-only: record a new answer instead'); END;",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS consents_consent_no_update;", "DROP TRIGGER IF EXISTS consents_consent_no_delete;"]

CONSENT_FORM = """Sefton Park Cricket Club asks every parent or guardian, each season, what the club may do with \
pictures of their child and how the club may contact their child.

Photos and videos: the club only publishes a picture of a child where you have said yes for that place. \
We never publish a child's home address, school or telephone number.

Contact: coaches contact children through their parents and guardians. Where you say yes to a channel, \
a volunteer may also contact your child directly on it, but only for a purpose you approve each time, \
always with a copy to another volunteer, the welfare officer or you, and only in normal hours.

You can change or withdraw any answer at any time, and it takes effect at once. Your answers hold until \
31 March after the season, when we ask again."""

ACCEPTABLE_USE = """When I take part in Sefton Park Cricket Club, online or offline, I will:
- be kind and respectful to everyone, in messages, chats, games and posts;
- never share anyone's pictures, phone number, address or school without asking them first;
- never send or ask for pictures that are rude, hurtful or private;
- talk to the club only through club accounts and group messages, never private chats with adults;
- keep my phone away during training and matches unless a coach says otherwise;
- tell my parent, my coach or the welfare officer if anything online worries me, upsets me or feels wrong.
I know the club's welfare officer is there to help, and that telling someone is always the right thing to do."""

ACCEPTABLE_USE_YOUNGER = """At the club I will:
- be kind to everyone, online and at the ground;
- not share anyone's pictures or details without asking;
- only talk to coaches with my mum, dad or carer knowing;
- put my phone away at training and matches;
- tell a grown-up I trust if anything online makes me worried or sad."""


def triggers_forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def triggers_backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


def publish_first_wordings(apps, schema_editor):
    Wording = apps.get_model("consents", "Wording")
    Wording.objects.get_or_create(
        kind="consent_form", version=1, defaults={"title": "Photos, videos and contact", "body": CONSENT_FORM}
    )
    Wording.objects.get_or_create(
        kind="acceptable_use",
        version=1,
        defaults={
            "title": "Our promise about phones and the internet",
            "body": ACCEPTABLE_USE,
            "body_for_younger": ACCEPTABLE_USE_YOUNGER,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("consents", "0001_initial")]

    operations = [
        migrations.RunPython(triggers_forward, triggers_backward),
        migrations.RunPython(publish_first_wordings, migrations.RunPython.noop),
    ]
