"""A small vocabulary built in the test: no database, only the rules and the word lists."""
from types import SimpleNamespace

import pytest

from understanding import fellowships
from understanding.vocabulary import Vocabulary

# (param, code, name, Spanish name, synonyms): a few terms shaped like the directory's taxonomy.
TERMS = [
    ("medication", "METH", "Methadone", "Metadona", ["methadone maintenance", "methadone clinic", "mmt"]),
    ("medication", "BU", "Buprenorphine (Suboxone and others)", "Buprenorfina", ["suboxone", "subs", "bupe", "sublocade"]),
    ("medication", "NU", "Naltrexone", "Naltrexona", ["revia"]),
    ("medication", "VTRL", "Extended-release naltrexone", "Naltrexona de liberación prolongada", ["vivitrol", "the shot"]),
    ("care", "DT", "Detoxification", "Desintoxicación", ["detox", "withdrawal"]),
    ("care", "RS", "Short-term residential", "Residencial a corto plazo", ["30 day rehab", "inpatient rehab", "rehab"]),
    ("care", "RL", "Long-term residential", "Residencial a largo plazo", ["long term rehab", "rehab"]),
    ("care", "HH", "Transitional housing", "Vivienda de transición", ["sober living", "halfway house"]),
    ("payment", "MD", "Medicaid", "Medicaid", ["medi cal"]),
    ("payment", "ITU", "IHS/Tribal/Urban funds", "Fondos tribales", ["tribal", "indian health service"]),
    ("payment", "SF", "Cash or self-payment", "Pago en efectivo", ["self pay", "cash"]),
    ("group", "WN", "Women", "Mujeres", ["for women", "womens"]),
    ("group", "VET", "Veterans", "Veteranos", []),
]


def make_term(pk: int, param: str, code: str, name: str, name_es: str, synonyms: list[str]):
    return SimpleNamespace(pk=pk, code=code, name=name, name_es=name_es, synonyms=synonyms, synonyms_es=[],
                           category=SimpleNamespace(param=param))


def make_fellowship(slug: str, name: str, abbreviation: str = "", name_es: str = ""):
    """As the meeting app provides them (meetings.reference.FellowshipChoice)."""
    return SimpleNamespace(slug=slug, name=name, short_name=abbreviation or name, name_es=name_es)


FELLOWSHIPS = [
    make_fellowship("na", "Narcotics Anonymous", "NA", "Narcóticos Anónimos"),
    make_fellowship("ca", "Cocaine Anonymous", "CA", "Cocaína Anónimos"),
    make_fellowship("smart-recovery", "SMART Recovery", "SMART"),
    make_fellowship("eda", "Eating Disorders Anonymous", "EDA"),
]


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    terms = [make_term(pk, *row) for pk, row in enumerate(TERMS, start=1)]
    return Vocabulary.from_terms(terms, fellowships.treatment_entries(FELLOWSHIPS))
