"""The shared real data (../shared/realdata beside the checkout, or the folder PORTAL_REALDATA names).

Every test that reads it goes through `needs_realdata()` (or `realdata_file()`): when the folder is
absent the test fails with a message saying where it was looked for and how to point at it. It is
never skipped, locally or under CI=true: a conformance test that quietly does not run proves nothing.
"""
import os
from pathlib import Path

import pytest

REALDATA = Path(os.environ.get("PORTAL_REALDATA") or Path(__file__).resolve().parents[1].parent / "shared" / "realdata")


def missing_realdata(why: str) -> None:
    """Fail the test that needs the real data, saying where it was looked for and how to set it."""
    pytest.fail(
        f"The shared real data folder is missing: {REALDATA} ({why}). Put it at ../shared/realdata beside "
        "the checkout, or set PORTAL_REALDATA to the folder (a git worktree lives elsewhere).",
        pytrace=False,
    )


def needs_realdata(why: str = "this test reads its files") -> Path:
    if not REALDATA.is_dir():
        missing_realdata(why)
    return REALDATA


def realdata_file(*parts: str) -> Path:
    """A file or folder of the real data, for a test that is about to read it."""
    needs_realdata()
    return REALDATA.joinpath(*parts)
