"""Load the default service taxonomy (categories and terms) from directory/data/taxonomy.json."""
import json
from pathlib import Path

TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.json"


def load_default_taxonomy(*, category_model, term_model) -> tuple[int, int]:
    """Create or update the default categories and terms; staff edits to other terms are kept.

    Takes the models as arguments so a data migration can pass its historical models.
    """
    categories = terms = 0
    for entry in json.loads(TAXONOMY_FILE.read_text(encoding="utf-8")):
        category, _ = category_model.objects.update_or_create(
            param=entry["param"],
            defaults={
                "name": entry["name"],
                "description": entry["description"],
                "position": entry["position"],
                "show_in_results": entry["show_in_results"],
            },
        )
        categories += 1
        for item in entry["terms"]:
            term_model.objects.update_or_create(
                code=item["code"],
                defaults={
                    "category": category,
                    "name": item["name"],
                    "position": item["position"],
                    "samhsa_labels": item["samhsa_labels"],
                },
            )
            terms += 1
    return categories, terms
