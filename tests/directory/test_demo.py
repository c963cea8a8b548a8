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
