"""Reference data shipped with the app: the fellowships and the Meeting Guide meeting types."""
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Offered as tick boxes on the finder; every other type can still be searched by its code.
FEATURED_TYPES = ["O", "C", "BE", "W", "M", "Y", "LGBTQ", "S", "X", "ASL", "D", "SP", "ST", "MED", "TC"]


def meeting_types() -> dict[str, str]:
    """The spec's 87 type codes with their English names (data/meeting_types.json)."""
    return json.loads((DATA / "meeting_types.json").read_text(encoding="utf-8"))["types"]


def meeting_types_es() -> dict[str, str]:
    """The same codes with the spec's Spanish names."""
    return json.loads((DATA / "meeting_types.json").read_text(encoding="utf-8"))["types_es"]


def fellowships() -> list[dict]:
    return json.loads((DATA / "fellowships.json").read_text(encoding="utf-8"))


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def load_reference_data(*, fellowship_model, type_model) -> None:
    """Create or refresh the fellowships and meeting types (used by the data migrations).

    Only the fields the given (possibly historical) models have are written, so the early migration
    that first loaded this data still runs now that the files carry Spanish names too.
    """
    for record in fellowships():
        defaults = {key: value for key, value in record.items() if _has_field(fellowship_model, key)}
        fellowship_model.objects.update_or_create(slug=record["slug"], defaults=defaults)
    spanish = meeting_types_es() if _has_field(type_model, "name_es") else {}
    for code, name in meeting_types().items():
        defaults = {"name": name, "featured": code in FEATURED_TYPES}
        if spanish:
            defaults["name_es"] = spanish[code]
        type_model.objects.update_or_create(code=code, defaults=defaults)


def fill_spanish_names(*, fellowship_model, type_model) -> None:
    """Give the shipped fellowships and meeting types their Spanish names where they have none yet."""
    for record in fellowships():
        for field in ("name_es", "description_es"):
            fellowship_model.objects.filter(slug=record["slug"], **{field: ""}).update(**{field: record[field]})
    for code, name_es in meeting_types_es().items():
        type_model.objects.filter(code=code, name_es="").update(name_es=name_es)
