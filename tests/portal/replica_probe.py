"""Run by test_replica_router.py in its own process, against a real primary and streaming replica.

Settings come from the environment (DATABASE_URL: the primary, DATABASE_REPLICA_URLS: the replica),
so the portal is configured exactly as in production; it migrates the empty primary first. Replay on the replica is paused, so a read
that reaches the replica sees the old name and a read on the primary the new one. Prints one JSON
object: what each kind of request saw.
"""
import contextlib
import json
import os
import re
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connections  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from directory.models import Program, Term  # noqa: E402
from portal.routers import ReplicaReadsMiddleware  # noqa: E402

OLD, NEW = "Riverside Recovery Clinic", "Riverside Recovery Center"


def replica_has(pk: int, name: str, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Program.objects.using("replica1").filter(pk=pk, name=name).exists():
            return True
        time.sleep(0.05)
    return False


def replay(action: str) -> None:
    with connections["replica1"].cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{action}()")


def page_says(client: Client, url: str) -> str:
    text = client.get(url).content.decode()
    return NEW if NEW in text else OLD if OLD in text else "neither"


def facet_count(client: Client, url: str, code: str) -> int | None:
    """The count the search form shows beside a service's checkbox (None when none is shown)."""
    text = client.get(url).content.decode()
    found = re.search(rf'value="{code}"[^>]*>[^<]*<span class="count">\((\d+)', text)
    return int(found.group(1)) if found else None


def main() -> dict:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    result: dict = {"aliases": sorted(connections.settings)}
    program = Program.objects.create(
        name=OLD, street1="1 River Rd", city="Charlottesville", state="VA", zip_code="22902",
        phone="434-555-0100", latitude=38.03, longitude=-78.48, status=Program.Status.ACTIVE,
    )
    result["replicated"] = replica_has(program.pk, OLD)
    replay("pause")
    Program.objects.filter(pk=program.pk).update(name=NEW)  # outside a request: on the primary
    naloxone = Term.objects.get(code="NAL")
    program.terms.add(naloxone)  # a service added on the primary only: the facet counts tell where they ran
    url = program.get_absolute_url()

    anonymous = Client()
    result["public_page"] = page_says(anonymous, url)
    result["public_api"] = page_says(anonymous, "/api/services?search=Riverside")
    result["anonymous_cookies"] = sorted(anonymous.cookies.keys())
    result["facet_count_public_page"] = facet_count(anonymous, "/programs/?near=22902", "NAL")
    result["facet_count_public_page_es"] = facet_count(anonymous, "/es/programs/?near=22902", "NAL")

    def counts_view(request):
        return HttpResponse(json.dumps(Program.objects.active().term_counts().get(naloxone.pk, 0)))

    result["facet_count_public_request"] = json.loads(
        ReplicaReadsMiddleware(counts_view)(RequestFactory().get("/programs/")).content)
    result["facet_count_primary"] = Program.objects.active().term_counts().get(naloxone.pk, 0)

    staff = get_user_model().objects.create_superuser("replica-staff", "staff@example.org", "x")
    signed_in = Client()
    signed_in.force_login(staff)
    result["admin_change_page"] = page_says(signed_in, f"/admin/directory/program/{program.pk}/change/")
    result["staff_public_page"] = page_says(signed_in, url)

    # A public request that writes reads its own write back from the primary.
    def view(request):
        before = Program.objects.get(pk=program.pk).name
        Program.objects.filter(pk=program.pk).update(name=NEW + " (edited)")
        after = Program.objects.get(pk=program.pk).name
        return HttpResponse(json.dumps([before, after]))

    seen = json.loads(ReplicaReadsMiddleware(view)(RequestFactory().get("/anything/")).content)
    result["write_then_read"] = seen

    replay("resume")
    result["caught_up"] = replica_has(program.pk, NEW + " (edited)")
    result["public_page_after_replay"] = page_says(anonymous, url)
    return result


if __name__ == "__main__":
    try:
        output = main()
    finally:
        with contextlib.suppress(Exception):  # the replica may be gone; nothing to resume then
            replay("resume")
    json.dump(output, sys.stdout)
