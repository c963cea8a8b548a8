"""schema.org structured data for program pages."""
from __future__ import annotations

from directory.models import Program
from places import weekdays


def program(program: Program, request) -> dict:
    """Describe a program as a schema.org MedicalClinic."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": program.name,
        "url": request.build_absolute_uri(program.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": " ".join(filter(None, [program.street1, program.street2])),
            "addressLocality": program.city,
            "addressRegion": program.state,
            "postalCode": program.zip_code,
            "addressCountry": "US",
        },
        "medicalSpecialty": "https://schema.org/Psychiatric",
    }
    if program.description:
        data["description"] = program.description
    if program.phone:
        data["telephone"] = program.phone
    if program.website:
        data["sameAs"] = program.website
    if program.latitude is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": program.latitude, "longitude": program.longitude}
    if program.organization:
        data["parentOrganization"] = {"@type": "Organization", "name": program.organization.name}
    hours = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{weekdays.DAY_NAMES[period.weekday]}",
            "opens": period.opens.strftime("%H:%M"),
            "closes": period.closes.strftime("%H:%M"),
        }
        for period in program.hours.all()
    ]
    if hours:
        data["openingHoursSpecification"] = hours
    services = [term.name for term in program.terms.all()]
    if services:
        data["availableService"] = [{"@type": "MedicalTherapy", "name": name} for name in services]
    return data
