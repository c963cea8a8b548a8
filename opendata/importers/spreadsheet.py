"""Reading a table of listings from a spreadsheet as people leave it: an .xlsx workbook streamed with
openpyxl in read-only mode, or the same table saved as CSV.

The header row is found below any title, its columns in any order and case; a second sheet whose
first column is named like "code" is read as the key to the codes the table uses. Anything that is
not such a table is refused whole (ImportFileError) before a row is read, with what was expected:
a file over the size cap, an old .xls or password-protected workbook (an OLE2 container), an
encrypted or damaged zip, a zip bomb, a workbook with no sheet of the expected columns.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importing.pipeline import ImportFileError, decode_text, describe_size, max_import_bytes

HEADER_SEARCH_ROWS = 30  # a title, notes and blank lines above the header row are skipped
# A workbook is a zip of XML files: refuse one that would unpack to more than this (a zip bomb).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_PACKING_RATIO = 100  # the real directory's sheet packs about 8 to 1; a bomb packs thousands to 1
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Layout:
    """The table a format expects: the columns it needs, those it reads, and how to say what was expected."""

    required: tuple[str, ...]
    known: tuple[str, ...]
    expected: str


# Reading a table ------------------------------------------------------------------------------


@dataclass
class Table:
    """The table of a file: its rows (row number in the file, cells by column) and the key to its codes."""

    rows: Iterator[tuple[int, dict[str, Any]]]
    key: dict[str, str] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    estimated_rows: int = 0
    close: Callable[[], None] = lambda: None


def _load(source: Any, layout: Layout) -> bytes | Path:
    """A path stays a path (openpyxl streams it); an upload or bytes are read, within the size cap."""
    limit = max_import_bytes()
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as error:
            raise ImportFileError(f"Cannot read {path}: {error.strerror or error}.") from None
        if size > limit:
            raise ImportFileError(f"The file is {describe_size(size)}; the largest file an import accepts is "
                                  f"{describe_size(limit)}. {layout.expected}")
        return path
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(f"The file is over {describe_size(limit)}, the largest file an import accepts. {layout.expected}")
    return data


def _head(loaded: bytes | Path) -> bytes:
    if isinstance(loaded, Path):
        with loaded.open("rb") as handle:
            return handle.read(8)
    return loaded[:8]


def header_index(cells: tuple, layout: Layout) -> dict[str, int] | None:
    """Column positions by lower-case name when these cells are the header row, else None."""
    names = [str(cell).strip().casefold() if cell is not None else "" for cell in cells]
    if not all(name in names for name in layout.required):
        return None
    return {name: names.index(name) for name in layout.known if name in names}


def _rows_below_header(rows: Iterator[tuple], what: str, layout: Layout) -> tuple[dict[str, int], int, Iterator[tuple]]:
    for number, cells in enumerate(rows, start=1):
        found = header_index(cells, layout)
        if found is not None:
            names = [str(cell).strip().casefold() for cell in cells if cell is not None]
            duplicated = sorted({name for name in names if name in layout.known and names.count(name) > 1})
            if duplicated:
                raise ImportFileError(f"Columns appear more than once in {what}: {', '.join(duplicated)}.")
            return found, number, rows
        if number >= HEADER_SEARCH_ROWS:
            break
    raise ImportFileError(f"{what} has no header row with the columns {', '.join(layout.required)}. {layout.expected}")


def _cells_by_column(index: dict[str, int], start: int, rows: Iterator[tuple]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, cells in enumerate(rows, start=start + 1):
        if not any(cell not in (None, "") and str(cell).strip() for cell in cells):
            continue
        yield number, {name: cells[position] if position < len(cells) else None for name, position in index.items()}


def _check_zip_container(data: bytes | Path, layout: Layout) -> None:
    """Refuse a workbook that is not a readable zip, is encrypted, or would unpack to far more than it weighs."""
    try:
        with zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names:
                raise ImportFileError(f"The file is a zip archive but not an Excel workbook (.xlsx). {layout.expected}")
            if any(member.flag_bits & 0x1 for member in members):
                raise ImportFileError(f"The workbook is encrypted. Save it without a password and upload it again. {layout.expected}")
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_PACKING_RATIO:
                raise ImportFileError(
                    f"The workbook would unpack to {describe_size(unpacked)} from {describe_size(packed)}: it is not a "
                    f"directory SAMHSA publishes (a real edition unpacks to a few tens of MB). {layout.expected}"
                )
    except zipfile.BadZipFile:
        raise ImportFileError(f"The file is damaged: it starts like a workbook but cannot be opened. {layout.expected}") from None


def read_workbook(data: bytes | Path, layout: Layout) -> Table:
    """Stream the facilities sheet of an .xlsx workbook (read-only) and read its service code key."""
    import openpyxl  # imported here: only this format needs it

    _check_zip_container(data, layout)
    # A file object, not a path: openpyxl refuses paths that do not end in .xlsx (a stored upload does not).
    handle = data.open("rb") if isinstance(data, Path) else io.BytesIO(data)
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        handle.close()
        raise ImportFileError(f"The workbook cannot be opened ({type(error).__name__}). {layout.expected}") from None
    key: dict[str, str] = {}
    facilities = None
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(values_only=True)
        head = []
        for cells in rows:
            head.append(cells)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        if facilities is None and any(header_index(cells, layout) for cells in head):
            facilities = sheet
        elif not key:
            key = _read_key(head, rows)
    if facilities is None:
        workbook.close()
        handle.close()
        names = ", ".join(repr(name) for name in workbook.sheetnames)
        mental = " It looks like the mental health directory." if any("mh" in n.casefold() for n in workbook.sheetnames) else ""
        raise ImportFileError(f"No sheet of this workbook ({names}) has the directory's columns.{mental} {layout.expected}")
    index, start, rows = _rows_below_header(facilities.iter_rows(values_only=True), f"Sheet {facilities.title!r}", layout)
    return Table(rows=_cells_by_column(index, start, rows), key=key, columns=list(index),
                 estimated_rows=max(0, (facilities.max_row or 0) - start), close=handle.close)


def _read_key(head: list[tuple], rest: Iterator[tuple]) -> dict[str, str]:
    """The code key sheet: a header with 'code' in its first column name, then code and meaning."""
    for position, cells in enumerate(head):
        if len(cells) >= 2 and cells[0] is not None and "code" in str(cells[0]).casefold():
            key = {}
            for row in [*head[position + 1:], *rest]:
                if row and row[0] not in (None, "") and len(row) > 1:
                    key[str(row[0]).strip().upper()] = str(row[1] or "").strip()
            return key
    return {}


def read_csv(data: bytes | Path, layout: Layout) -> Table:
    """Read the facilities table saved as CSV (UTF-8; comma, semicolon or tab separated)."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    if b"\x00" in raw[:4096]:
        raise ImportFileError(f"The file is neither a workbook (.xlsx) nor text (CSV). {layout.expected}")
    content = decode_text(raw)
    sample = content[:8192]
    delimiter = max(",;\t", key=sample.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)

    def rows() -> Iterator[tuple]:
        try:
            for cells in reader:
                yield tuple(cells)
        except csv.Error as error:
            raise ImportFileError(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None

    index, start, remaining = _rows_below_header(rows(), "The file", layout)
    return Table(rows=_cells_by_column(index, start, remaining), columns=list(index))


def open_table(source: Any, layout: Layout) -> Table:
    """The facilities table of a workbook or a CSV file; ImportFileError for any other kind of file."""
    loaded = _load(source, layout)
    head = _head(loaded)
    if head.startswith(OLE2_SIGNATURE):
        raise ImportFileError(
            "The file is a password-protected (encrypted) workbook or an old Excel 97-2003 .xls file. Open it, "
            f"save it as an Excel Workbook (.xlsx) without a password, and upload that. {layout.expected}"
        )
    if head.startswith(b"PK\x03\x04"):
        return read_workbook(loaded, layout)
    return read_csv(loaded, layout)
