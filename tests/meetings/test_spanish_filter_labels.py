"""On /es/meetings/ the fellowship and meeting-type choices are in Spanish, as the cards are."""
import re

import pytest

pytestmark = pytest.mark.django_db


def labels(html: str, name: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in re.findall(
        rf'<input type="checkbox" name="{name}"[^>]*>\s*(.*?)</label>', html, re.S)]


def test_fellowship_and_type_choices_are_spanish_on_spanish_pages(client):
    spanish = client.get("/es/meetings/").content.decode()
    fellowships, types = labels(spanish, "fellowship"), labels(spanish, "type")
    assert "Narcóticos Anónimos" in fellowships and "Narcotics Anonymous" not in fellowships
    assert "Alcohólicos Anónimos" in fellowships
    assert types and "Mujeres" in types and "Women" not in types
    english = client.get("/meetings/").content.decode()
    assert "Narcotics Anonymous" in labels(english, "fellowship") and "Women" in labels(english, "type")
