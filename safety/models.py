"""Phrases staff add to the built-in words of danger (safety/data/danger_phrases.json)."""
from django.core.exceptions import ValidationError
from django.db import models


class DangerPhrase(models.Model):
    """A phrase that means a danger (or, for "not a danger", words that only look like one)."""

    class Kind(models.TextChoices):
        SUICIDE = "suicide", "Suicide or self-harm: show 988 first"
        OVERDOSE = "overdose", "Overdose happening now: show 911 first"
        NOT_DANGER = "not_danger", "Not a danger: words that only look like one (cancels an overlapping phrase)"

    phrase = models.CharField(
        max_length=200, unique=True,
        help_text="Words as people type them, in English or Spanish. Case, accents and apostrophes do not "
                  "matter, and one wrong letter in a word of six letters or more is forgiven.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True, help_text="Why it was added (a source, an example).")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "phrase"]
        verbose_name = "phrase of danger"
        verbose_name_plural = "phrases of danger"

    def __str__(self) -> str:
        return self.phrase

    def clean(self) -> None:
        from safety.danger import MAX_PHRASE_WORDS, phrase_words

        words = phrase_words(self.phrase or "")
        if not words:
            raise ValidationError({"phrase": "Type at least one word."})
        if len(words) > MAX_PHRASE_WORDS:
            raise ValidationError({"phrase": f"Keep a phrase to {MAX_PHRASE_WORDS} words or fewer."})
