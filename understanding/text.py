"""Text as the search compares it."""
from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Lower case, accents removed, apostrophes dropped, anything else that is not a letter or
    digit turned into a space: "Español" → "espanol", "Medi-Cal" → "medi cal", "don't" → "dont"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("'", "").replace("\u2019", "")
    return _NOT_WORD.sub(" ", text).strip()
