"""Small builders for test data: a program near a known place with the services a test needs."""
import datetime
import itertools

from django.utils import timezone

from directory.models import OpeningHours, Organization, Program, Term

_counter = itertools.count(1)

# Charlottesville, VA (ZIP 22902) and points at known distances from it.
CVILLE = (38.0293, -78.4767)


def make_program(*, terms=(), hours=(), organization: str | None = None, **fields) -> Program:
    """Create an active program (in Charlottesville unless told otherwise) offering the given term codes."""
    n = next(_counter)
    values = {
        "name": f"Test Program {n}",
        "street1": f"{n} Main St",
        "city": "Charlottesville",
        "state": "VA",
        "zip_code": "22902",
        "latitude": CVILLE[0],
        "longitude": CVILLE[1],
        "phone": f"(434) 555-01{n % 100:02d}",
        "status": Program.Status.ACTIVE,
        "last_verified": timezone.localdate() - datetime.timedelta(days=10),
    }
    values.update(fields)
    if organization:
        values["organization"], _ = Organization.objects.get_or_create(name=organization)
    program = Program.objects.create(**values)
    if terms:
        program.terms.set(Term.objects.filter(code__in=terms))
        missing = set(terms) - set(program.terms.values_list("code", flat=True))
        assert not missing, f"unknown term codes {missing}"
    for weekday, opens, closes in hours:
        OpeningHours.objects.create(program=program, weekday=weekday, opens=opens, closes=closes)
    return program
