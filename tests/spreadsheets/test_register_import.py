"""X-17.3, PPL-1 to PPL-3: importing the register from a file, through the preview, all or nothing."""

from datetime import date

import pytest
from django.db import DatabaseError, connection

from people.models import Family, FamilyMember, Person, Role, Team, TeamPlayer, club_today
from spreadsheets import register_import
from spreadsheets.exceptions import ImportOutdated
from spreadsheets.models import RegisterImport, RememberedHeading
from spreadsheets.register_import import Outcome
from tests import factories
from tests.spreadsheets import files


def upload(user, name, data):
    return register_import.register_import_upload(file_name=name, content=data, uploaded_by=user)


def confirm(started, user, *, leave_out_refused=False):
    plan = register_import.plan_make(register_import=started)
    return register_import.register_import_confirm(
        register_import=started, confirmed_by=user, digest=plan.digest, leave_out_refused=leave_out_refused
    )


def register_state():
    return (
        sorted(Person.objects.values_list("first_name", "last_name", "date_of_birth", "email", "mobile")),
        sorted(FamilyMember.objects.values_list("family__name", "person__first_name", "kind")),
        sorted(TeamPlayer.objects.values_list("team__name", "person__first_name")),
        sorted(Role.objects.values_list("person__first_name", "kind")),
        Team.objects.count(),
    )


SHAPES = [(files.play_cricket_csv, "a.csv"), (files.spond_xlsx, "b.xlsx"), (files.hand_kept_xlsx, "c.xlsx")]


@pytest.fixture
def secretary(committee_member):
    return committee_member


def test_x17_a_play_cricket_file_makes_children_guardians_families_teams_and_roles(secretary):
    today = club_today()
    plan = confirm(upload(secretary, "play-cricket.csv", files.play_cricket_csv(today)), secretary)
    assert plan.counts == {"created": 4, "changed": 0, "unchanged": 0, "refused": 0}
    ada = Person.objects.get(first_name="Ada", last_name="Okafor")
    ben = Person.objects.get(first_name="Ben", last_name="Okafor")
    family = Family.objects.get(members__person=ada)
    # Siblings sharing a guardian are one family, and the guardian is held once.
    assert Family.objects.get(members__person=ben) == family
    assert Person.objects.filter(email="grace.okafor@example.org").count() == 1
    assert sorted(family.members.values_list("person__first_name", "kind", "parental_responsibility")) == [
        ("Ada", "child", False),
        ("Ben", "child", False),
        ("Grace", "guardian", True),
        ("Tunde", "guardian", True),
    ]
    assert set(ada.roles.values_list("kind", flat=True)) == {Role.Kind.CHILD}
    assert Team.objects.get(name="Under 9s").age_group == Team.AgeGroup.U9
    dev = Person.objects.get(first_name="Dev")
    assert not dev.is_child() and list(dev.teams_played.values_list("name", flat=True)) == ["1st XI"]
    assert RegisterImport.objects.get().content == b""  # the file is not kept once imported


def test_x17_every_row_written_says_in_its_history_which_file_and_who(secretary, committee_member):
    confirm(upload(secretary, "spond.xlsx", files.spond_xlsx(club_today())), secretary)
    eli = Person.objects.get(first_name="Eli")
    record = eli.history.get()
    assert record.history_change_reason == f"Imported from spond.xlsx by {committee_member.full_name}"
    assert record.history_user == secretary.user
    place = TeamPlayer.objects.get(person=eli)
    assert place.history.get().history_change_reason.startswith("Imported from spond.xlsx")


def test_x17_importing_the_same_file_again_changes_nothing(secretary):
    today = club_today()
    for make, name in SHAPES:
        confirm(upload(secretary, name, make(today)), secretary)
    before = register_state()
    history = Person.history.count()
    for make, name in SHAPES:
        plan = confirm(upload(secretary, name, make(today)), secretary)
        assert plan.count(Outcome.UNCHANGED) == len(plan.rows), [(r.number, r.notes) for r in plan.rows]
    assert register_state() == before
    assert Person.history.count() == history


def test_x17_people_already_in_the_register_are_matched_and_their_changes_shown(secretary, child, guardian):
    data = files.csv_bytes(
        [
            ["First Name", "Last Name", "Date of Birth", "Team", "Parent 1 Name", "Parent 1 Email", "Parent 1 Mobile"],
            [
                child.first_name,
                child.last_name,
                f"{child.date_of_birth:%d/%m/%Y}",
                "Under 11s",
                guardian.full_name,
                guardian.email.upper(),
                "07700 900999",
            ],
        ]
    )
    started = upload(secretary, "update.csv", data)
    plan = register_import.plan_make(register_import=started)
    assert [row.outcome for row in plan.rows] == [Outcome.CHANGED]
    assert f"{guardian.full_name}'s phone: none → 07700 900999" in plan.rows[0].notes
    people = Person.objects.count()
    confirm(started, secretary)
    assert Person.objects.count() == people
    guardian.refresh_from_db()
    assert guardian.mobile == "07700 900999"
    assert list(child.teams_played.values_list("name", flat=True)) == ["Under 11s"]
    assert guardian.history.first().history_change_reason.startswith("Imported from update.csv")


def test_ppl2_refused_rows_are_listed_with_reasons_and_left_out_only_when_asked(secretary):
    started = upload(secretary, "mistakes.csv", files.mistakes_csv(club_today()))
    plan = register_import.plan_make(register_import=started)
    assert [row.outcome for row in plan.rows] == [Outcome.CREATED] + [Outcome.REFUSED] * 4
    assert plan.rows[4].notes == ["The same member as row 2: each member once, please."]
    with pytest.raises(ImportOutdated, match="4 rows are refused"):
        confirm(started, secretary)
    assert not Person.objects.filter(first_name="Ivy").exists()
    confirm(started, secretary, leave_out_refused=True)
    assert Person.objects.filter(first_name="Ivy").count() == 1
    assert not Person.objects.filter(first_name__in=["Jay", "Kit", "Lee"]).exists()


def test_x17_a_confirmation_of_a_preview_the_register_has_outgrown_is_refused(secretary):
    started = upload(secretary, "a.csv", files.play_cricket_csv(club_today()))
    seen = register_import.plan_make(register_import=started).digest
    factories.TeamFactory(name="Under 9s", age_group=Team.AgeGroup.U9)
    with pytest.raises(ImportOutdated, match="changed since this preview"):
        register_import.register_import_confirm(
            register_import=started, confirmed_by=secretary, digest=seen, leave_out_refused=False
        )
    assert not Person.objects.filter(first_name="Ada").exists()


def test_x17_a_failed_import_leaves_the_register_unchanged(secretary, django_db_blocker):
    """A failure in the database itself part-way through (here a trigger refusing the family links
    of one family): nothing of the file is written, neither before nor after the failing row."""
    before = register_state()
    started = upload(secretary, "a.csv", files.play_cricket_csv(club_today()))
    with connection.cursor() as cursor:
        cursor.execute(
            """CREATE FUNCTION test_refuse_lyons() RETURNS trigger AS $$ BEGIN
                 IF (SELECT name FROM people_family WHERE id = NEW.family_id) = 'The Lyons family'
                 THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;
               CREATE TRIGGER test_refuse_lyons BEFORE INSERT ON people_familymember
                 FOR EACH ROW EXECUTE FUNCTION test_refuse_lyons();"""
        )
    with pytest.raises(DatabaseError, match="refused for the test"):
        confirm(started, secretary)
    assert register_state() == before
    started.refresh_from_db()
    assert started.status == RegisterImport.Status.PREVIEW


def test_x17_a_column_choice_is_remembered_for_the_next_file(secretary):
    data = files.csv_bytes([["Kid", "Born", "Mum email"], ["Ada Okafor", "01/02/2015", "g@example.org"]])
    started = upload(secretary, "odd.csv", data)
    assert register_import.plan_make(register_import=started).mapping_problems
    register_import.register_import_map(
        register_import=started, mapping=["name", "date_of_birth", "guardian1_email"], chosen_by=secretary
    )
    assert RememberedHeading.objects.get(heading="mumemail").field == "guardian1_email"
    again = upload(secretary, "odd-2.csv", data)
    assert again.mapping == ["name", "date_of_birth", "guardian1_email"]


def test_x17_a_team_whose_name_says_no_age_group_must_be_added_first(secretary):
    data = files.csv_bytes([["Name", "Team"], ["Dev Patel", "Colts"]])
    plan = register_import.plan_make(register_import=upload(secretary, "colts.csv", data))
    assert "add the team in the register first" in plan.rows[0].notes[0]
    factories.TeamFactory(name="Colts", age_group=Team.AgeGroup.ADULT)
    plan = register_import.plan_make(register_import=upload(secretary, "colts.csv", data))
    assert plan.rows[0].outcome == Outcome.CREATED


def test_x17_each_team_the_import_creates_is_named_once_and_one_named_only_on_refused_rows_is_not_created(
    secretary, guardian
):
    today = club_today()
    header = ["First Name", "Last Name", "Date of Birth", "Team", "Parent 1 Name", "Parent 1 Email"]
    dob = f"{files.born(today, 10):%d/%m/%Y}"
    factories.TeamFactory(name="Under 15s", age_group=Team.AgeGroup.U15)
    data = files.csv_bytes(
        [
            header,
            ["Ivy", "Nolan", dob, "Under 11s", "Rose Nolan", "rose.nolan@example.org"],
            ["Jo", "Nolan", dob, "Under 11s", "Rose Nolan", "rose.nolan@example.org"],
            ["Kit", "Reid", dob, "Under 9s", "Lou Reid", "lou.reid@example.org"],
            ["Max", "Shaw", dob, "Under 15s", "Sue Shaw", "sue.shaw@example.org"],
            # Refused: the email is another guardian's in the register. Nobody else plays for Under 13s.
            ["Zed", "Ward", dob, "Under 13s", "Tom Ward", guardian.email],
        ]
    )
    started = upload(secretary, "teams.csv", data)
    plan = register_import.plan_make(register_import=started)
    assert plan.rows[4].outcome == Outcome.REFUSED
    assert plan.teams_to_create == ["Under 9s", "Under 11s"]
    assert [note for row in plan.rows for note in row.notes if note.startswith("Plays for")] == [
        "Plays for Under 11s",
        "Plays for Under 11s",
        "Plays for Under 9s",
        "Plays for Under 15s",
    ]
    confirm(started, secretary, leave_out_refused=True)
    assert sorted(Team.objects.values_list("name", flat=True)) == ["Under 11s", "Under 15s", "Under 9s"]
    assert Team.objects.get(name="Under 11s").players.count() == 2


def test_x17_a_file_with_month_first_dates_is_read_month_first_and_the_preview_says_so(secretary):
    today = club_today()
    rows = [["First Name", "Last Name", "Date of Birth", "Parent 1 Name", "Parent 1 Email"]]
    for n, born in enumerate((date(today.year - 9, 3, 25), date(today.year - 10, 4, 3))):
        rows.append([f"Kid{n}", "Usborn", born.strftime("%m/%d/%Y"), "Pat Usborn", "pat.usborn@example.org"])
    started = upload(secretary, "us.csv", files.csv_bytes(rows))
    plan = register_import.plan_make(register_import=started)
    assert plan.month_first
    confirm(started, secretary)
    assert Person.objects.get(first_name="Kid1").date_of_birth == date(today.year - 10, 4, 3)
