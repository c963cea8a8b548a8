"""A program's contact card (vCard 3.0), written with the vobject library, to keep on a phone."""
from __future__ import annotations

import vobject
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from phones import numbers as phones
from places.weekdays import DAY_NAMES


def hours_line(program) -> str:
    """One line on when the program is open: its weekly hours, days with the same hours joined,
    then the staff's note ("Mon, Tue: 8:00 a.m.–5:00 p.m. Walk-ins welcome.")."""
    by_times: dict[tuple, list[int]] = {}
    for period in program.hours.all():
        by_times.setdefault((period.opens, period.closes), []).append(period.weekday)
    parts = []
    for (opens, closes), days in by_times.items():
        names = ", ".join(str(DAY_NAMES[day])[:3] for day in sorted(days, key=lambda d: (d + 6) % 7))
        parts.append(f"{names} {time_format(opens, 'TIME_FORMAT')}–{time_format(closes, 'TIME_FORMAT')}")
    line = "; ".join(parts)
    if program.hours_note:
        line = f"{line}. {program.hours_note}" if line else program.hours_note
    return line


def program_card(program, page_url: str) -> str:
    """The vCard of a program: its name (and organization), each phone with what it is for, its
    address, website, a line on its hours and the address of its page here."""
    card = vobject.vCard()
    card.add("fn").value = program.name
    card.add("n").value = vobject.vcard.Name(family="", given="")
    card.add("org").value = [program.organization.name if program.organization else program.name]
    if program.organization:
        card.org.value = [program.organization.name, program.name]
    for index, (number, label) in enumerate(
        ((program.phone, _("Main line")), (program.intake_phone, _("Intake (to start treatment)"))), start=1
    ):
        if not number or (index == 2 and number == program.phone):
            continue
        href = phones.tel_href(number)
        tel = card.add("tel", group=f"item{index}")
        tel.value = href.removeprefix("tel:").replace(";ext=", " ext. ") if href else number
        tel.type_param = "WORK"
        card.add("x-ablabel", group=f"item{index}").value = str(label)
    address = card.add("adr")
    address.value = vobject.vcard.Address(
        street=", ".join(line for line in (program.street1, program.street2) if line),
        city=program.city, region=program.state, code=program.zip_code, country="USA",
    )
    address.type_param = "WORK"
    if program.website:
        card.add("url").value = program.website
    notes = []
    if (hours := hours_line(program)):
        notes.append(_("Hours: %(hours)s") % {"hours": hours})
    notes.append(_("Listing: %(url)s") % {"url": page_url})
    card.add("note").value = "\n".join(notes)
    if program.latitude is not None and program.longitude is not None:
        card.add("geo").value = f"{program.latitude:.5f};{program.longitude:.5f}"
    return card.serialize()
