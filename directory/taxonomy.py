"""Load the default service taxonomy (categories and terms) from directory/data/taxonomy.json."""
import json
from pathlib import Path

TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.json"
CATEGORY_FIELDS = ("name", "name_es", "description", "position", "show_in_results")
TERM_FIELDS = ("name", "name_es", "position", "samhsa_labels", "synonyms", "synonyms_es")


def default_taxonomy() -> list[dict]:
    return json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))


def _known(model, entry: dict, names: tuple[str, ...]) -> dict:
    """The values of `entry` for the fields this (possibly historical) model has."""
    have = {field.name for field in model._meta.get_fields()}
    return {name: entry[name] for name in names if name in have and name in entry}


def load_default_taxonomy(*, category_model, term_model) -> tuple[int, int]:
    """Create or update the default categories and terms; staff edits to other terms are kept.

    Takes the models as arguments so a data migration can pass its historical models (which may not
    have every field of the file yet).
    """
    categories = terms = 0
    for entry in default_taxonomy():
        category, _ = category_model.objects.update_or_create(
            param=entry["param"], defaults=_known(category_model, entry, CATEGORY_FIELDS)
        )
        categories += 1
        for item in entry["terms"]:
            term_model.objects.update_or_create(
                code=item["code"], defaults={"category": category, **_known(term_model, item, TERM_FIELDS)}
            )
            terms += 1
    return categories, terms


def seed_words(*, category_model, term_model) -> int:
    """Fill in Spanish names and synonyms from the default taxonomy where staff have not written any.

    Returns how many terms were given synonyms.
    """
    seeded = 0
    for entry in default_taxonomy():
        category_model.objects.filter(param=entry["param"], name_es="").update(name_es=entry.get("name_es", ""))
        for item in entry["terms"]:
            term = term_model.objects.filter(code=item["code"]).first()
            if term is None:
                continue
            changed = []
            for name in ("name_es", "synonyms", "synonyms_es"):
                if not getattr(term, name) and item.get(name):
                    setattr(term, name, item[name])
                    changed.append(name)
            if changed:
                term.save(update_fields=changed)
                seeded += "synonyms" in changed
    return seeded


def update_words(*, term_model, withdrawn: dict[str, tuple[list[str], list[str]]]) -> int:
    """Bring the default taxonomy's newer synonyms to an existing database: add every default word a
    term lacks (staff additions are kept) and take away the `withdrawn` ones ({code: (English,
    Spanish)}), words that turned out to mislead. Returns how many terms changed."""
    changed_terms = 0
    for entry in default_taxonomy():
        for item in entry["terms"]:
            term = term_model.objects.filter(code=item["code"]).first()
            if term is None:
                continue
            gone_en, gone_es = withdrawn.get(item["code"], ([], []))
            changed = []
            for name, gone in (("synonyms", gone_en), ("synonyms_es", gone_es)):
                have = [word for word in getattr(term, name) if word not in gone]
                have += [word for word in item.get(name, []) if word not in have]
                if have != getattr(term, name):
                    setattr(term, name, have)
                    changed.append(name)
            if changed:
                term.save(update_fields=changed)
                changed_terms += 1
    return changed_terms
