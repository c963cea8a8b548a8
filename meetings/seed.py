"""Reference data shipped with the app: the fellowships and the Meeting Guide meeting types."""
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Offered as tick boxes on the finder; every other type can still be searched by its code.
FEATURED_TYPES = ["O", "C", "BE", "W", "M", "Y", "LGBTQ", "S", "X", "ASL", "D", "SP", "ST", "MED", "TC"]


def meeting_types() -> dict[str, str]:
    """The spec's 87 type codes with their English names (data/meeting_types.json)."""
    return json.loads((DATA / "meeting_types.json").read_text(encoding="utf-8"))["types"]


def fellowships() -> list[dict]:
    return json.loads((DATA / "fellowships.json").read_text(encoding="utf-8"))


def load_reference_data(*, fellowship_model, type_model) -> None:
    """Create or refresh the fellowships and meeting types (used by the data migration)."""
    for record in fellowships():
        fellowship_model.objects.update_or_create(slug=record["slug"], defaults=record)
    for code, name in meeting_types().items():
        type_model.objects.update_or_create(code=code, defaults={"name": name, "featured": code in FEATURED_TYPES})
