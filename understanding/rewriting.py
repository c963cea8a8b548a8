"""A search's parameters rewritten with what its keywords mean."""
from __future__ import annotations

from collections.abc import Iterable

from django.http import QueryDict

from places import geo
from understanding.reading import MAX_WORDS, Understanding


def rewritten_query(given: QueryDict, understood: Understanding, *, single: Iterable[str] = (),
                    states: bool = True, page_param: str = "page") -> QueryDict | None:
    """The parameters of a search whose keywords (`q`) were read as `understood`, or None when they
    need no rewriting.

    A ZIP code, or a city at the end of the keywords (places.geo.place_at_end), becomes `near`: the
    last thing the person typed, over the place field's value (which may be an earlier search's).
    A state named in full becomes `state` when no place was given (and the search has `states`).
    Every understood choice is added to its parameter (the `single`-valued ones take the last one
    typed); `q` keeps the words left over; the page number goes."""
    text = understood.text
    found = geo.gazetteer().place_at_end(text) if text and not understood.zip_code else None
    if found is not None and found[0] == "state" and (not states or given.get("near", "").strip()):
        found = None
    if not understood.changed and found is None:
        return None
    params = given.copy()
    params.pop(page_param, None)
    if found is not None:
        kind, value, text = found
        if kind == "city":
            params["near"] = value
        elif not params.get("state"):
            params["state"] = value
        # Places typed before it ("columbus ohio baltimore md"): the last one typed is the one kept.
        for _ in range(MAX_WORDS):
            earlier = geo.gazetteer().place_at_end(text) if text else None
            if earlier is None:
                break
            text = earlier[2]
    if understood.zip_code:
        params["near"] = understood.zip_code
    if text:
        params["q"] = text
    else:
        params.pop("q", None)
    for param, values in understood.filters.items():
        if param in single:
            params[param] = values[-1]
        else:
            have = params.getlist(param)
            params.setlist(param, have + [value for value in values if value not in have])
    return None if sorted(params.lists()) == sorted(given.lists()) else params
