"""The demo data: one command loads a realistic, clearly fictional directory."""
import collections
import re

import pytest
from django.core.management import call_command

from directory.models import Program

pytestmark = pytest.mark.django_db


def test_load_demo_creates_fictional_programs_across_metros(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert re.search(r"Loaded (\d+) demo programs", out)
    programs = Program.objects.all()
    assert programs.count() >= 250
    states = collections.Counter(programs.values_list("state", flat=True))
    assert len([s for s, n in states.items() if n >= 15]) >= 8
    for program in programs:
        assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", program.phone), program.phone
        assert program.description.startswith("Fictional demo listing.")
    assert programs.filter(status="temporarily_closed").exists()
    assert programs.filter(accepting_new_patients=False).exists()
    assert programs.filter(terms__code="METH").distinct().count() >= 20
    assert programs.filter(last_verified__isnull=True).exists()
    assert Program.objects.search("methadone").exists()


def test_load_demo_is_idempotent_and_respects_if_empty(capsys):
    call_command("load_demo")
    count = Program.objects.count()
    call_command("load_demo")
    call_command("load_demo", "--if-empty")
    assert Program.objects.count() == count
    assert "already exist" in capsys.readouterr().out


def test_dry_run_changes_nothing(capsys):
    call_command("load_demo", "--dry-run")
    assert Program.objects.count() == 0
    assert "Would load" in capsys.readouterr().out


def test_demo_search_for_baltimore_finds_buprenorphine_and_medicaid(client):
    call_command("load_demo")
    response = client.get("/programs/", {"near": "21201", "medication": "BU", "payment": "MD"})
    page = response.context["page"]
    assert response.context["paginator"].count >= 3
    distances = [p.distance for p in page.object_list]
    assert distances == sorted(distances)


def test_demo_programs_are_written_by_the_import_pipeline(settings, capsys, run_jobs):
    """Same writer as every import: source and identifier, history, one immediate package rebuild."""
    from django.contrib.admin.models import ADDITION, LogEntry
    from django_tasks_db.models import DBTaskResult

    settings.OPENDATA_PACKAGE_DELAY = 600
    call_command("load_demo")

    programs = Program.objects.all()
    assert {program.source for program in programs} == {"demo"}
    assert all(program.source_id == program.slug for program in programs)
    history = LogEntry.objects.filter(content_type__model="program", action_flag=ADDITION)
    assert history.count() == programs.count()
    assert {entry.change_message for entry in history} == {"Imported from demo_programs.json."}
    run_jobs.commit_callbacks()
    build = DBTaskResult.objects.get(task_path="opendata.tasks.build_datapackage")
    # At once, not OPENDATA_PACKAGE_DELAY later (django-tasks-db stores "no run_after" as the year 9999).
    assert build.run_after.year == 9999


def test_loading_again_leaves_programs_staff_changed_and_older_demo_rows_alone(capsys):
    from directory.loading import load_program_records
    from directory.models import OpeningHours

    call_command("load_demo")
    count = Program.objects.count()
    edited = Program.objects.order_by("pk").first()
    edited.phone, edited.last_verified = "(410) 555-0199", None
    edited.save()
    # A demo program loaded before programs had a source: known by its slug.
    older = Program.objects.order_by("pk").last()
    Program.objects.filter(pk=older.pk).update(source="", source_id="")

    call_command("load_demo")

    assert "Loaded 0 demo programs" in capsys.readouterr().out
    assert Program.objects.count() == count
    edited.refresh_from_db()
    assert (edited.phone, edited.last_verified) == ("(410) 555-0199", None)

    # A new record is created with its services and hours; one whose slug exists is skipped.
    record = {"name": "Brand New Clinic", "city": "Baltimore", "state": "MD", "zip_code": "21201",
              "latitude": 39.29, "longitude": -76.62, "terms": ["OTP", "METH"], "hours": [[1, "08:00", "16:00"]],
              "organization": "Brand New Health"}
    assert load_program_records([record, dict(record)]) == (1, 1)
    new = Program.objects.get(name="Brand New Clinic")
    assert set(new.terms.values_list("code", flat=True)) == {"OTP", "METH"}
    assert new.organization.name == "Brand New Health"
    assert list(OpeningHours.objects.filter(program=new).values_list("weekday", flat=True)) == [1]
    assert Program.objects.search("methadone").filter(pk=new.pk).exists()
