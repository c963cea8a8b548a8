"""Validation of the directory search an article links to."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.http import QueryDict

MAX_QUERY_FIELDS = 20


def parse_directory_query(value: str) -> list[tuple[str, str]]:
    """Split a query string such as 'care=DT&medication=BU' into pairs, or raise ValidationError."""
    text = (value or "").strip().lstrip("?")
    if not text:
        return []
    try:
        return parse_qsl(text, keep_blank_values=False, strict_parsing=True, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError as error:
        raise ValidationError(
            "Write the search as name=value pairs joined by &, for example care=DT&medication=BU.",
            code="invalid_query",
        ) from error


def normalise_directory_query(value: str) -> str:
    """The query string in its canonical form (no leading '?', values URL-encoded)."""
    return urlencode(parse_directory_query(value))


def validate_directory_query(value: str) -> None:
    """Accept only a query string the directory search understands: known parameters, valid values."""
    from directory.filters import ProgramFilterSet  # imported here: the directory app may load later

    pairs = parse_directory_query(value)
    if not pairs:
        return
    filterset = ProgramFilterSet(QueryDict(urlencode(pairs)))
    known = filterset.parameters
    unknown = sorted({key for key, _ in pairs if key not in known})
    if unknown:
        raise ValidationError(
            "The directory search does not use these parameters: %(names)s. Use only: %(known)s.",
            code="unknown_parameter",
            params={"names": ", ".join(unknown), "known": ", ".join(sorted(known))},
        )
    errors = filterset.form.errors
    if errors:
        details = "; ".join(f"{name}: {' '.join(str(e) for e in messages)}" for name, messages in errors.items())
        raise ValidationError(
            "The directory search would ignore part of this: %(details)s",
            code="invalid_value",
            params={"details": details},
        )
