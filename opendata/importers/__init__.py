"""Importers of treatment program listings from the field's open formats.

Each importer reads and validates a whole file first, then applies it in one transaction
(see `base.apply_records`), so a rejected or interrupted import changes nothing.
"""
