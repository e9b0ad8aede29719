"""The writers of JSON, JSON Lines, TSV and CSV, and how a value becomes one flat cell. No Rich here: the
JSON and TSV paths must stay cheap to import.
"""

import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from hamsyr._inert import field, json_safe, visible

LIST_SEPARATOR = "|"  # how list fields are joined in TSV and CSV


def _flat(value: Any) -> str:
    """One cell: lists joined by LIST_SEPARATOR (repeats dropped), citations and roles by source id and title."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(dict.fromkeys(_flat(item) for item in value))
    if isinstance(value, dict):
        return str(value.get("source") or value.get("title") or value.get("claim") or value.get("actor") or "")
    if isinstance(value, bool):  # as JSON writes them
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def flat_row(data: dict[str, Any], columns: Sequence[str]) -> list[str]:
    return [_flat(data.get(column)) for column in columns]


def write_tsv_sections(sections: Sequence[tuple[str, Sequence[str], list[dict[str, Any]]]], out: IO[str]) -> None:
    """Sections of TSV, each under a `# title (count)` line and with its own header line."""
    for number, (title, columns, rows) in enumerate(sections):
        if number:
            out.write("\n")
        out.write(f"# {field(title)} ({len(rows)})\n")
        write_tsv(columns, [flat_row(row, columns) for row in rows], out)


# --- writers ---------------------------------------------------------------------------------------------


def _ascii_only(out: IO[str]) -> bool:
    """Whether the output cannot take every character, so that JSON must escape all but ASCII."""
    return not (getattr(out, "encoding", None) or "utf-8").lower().startswith("utf")


def write_json(data: Any, out: IO[str]) -> None:
    """An array is written one element a line; anything else indented. (The standard encoder drops to its
    pure-Python implementation whenever `indent` is given, so arrays, which can be long, avoid it.)"""
    ascii_only = _ascii_only(out)
    if isinstance(data, list):
        encode = json.JSONEncoder(ensure_ascii=ascii_only).encode
        out.write("[\n" if data else "[")
        out.write(json_safe(",\n".join(encode(item) for item in data)))
        out.write("\n]\n" if data else "]\n")
    else:
        out.write(json_safe(json.dumps(data, ensure_ascii=ascii_only, indent=2)))
        out.write("\n")


def write_jsonl(items: Iterable[Any], out: IO[str]) -> None:
    encode = json.JSONEncoder(ensure_ascii=_ascii_only(out), separators=(",", ":")).encode
    for item in items:
        out.write(json_safe(encode(item)))
        out.write("\n")


def write_tsv(columns: Sequence[str], rows: Iterable[Sequence[str]], out: IO[str]) -> None:
    out.write("\t".join(columns) + "\n")
    for row in rows:
        out.write("\t".join(field(cell) for cell in row) + "\n")


# A cell a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, -2+3, @SUM) starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: IO[str], *, raw: bool = False) -> None:
    """The one CSV writer, for `--format csv` and the CSV export alike. Control characters are made visible,
    never raw (quoting keeps tabs and newlines); and unless `raw`, a cell that a spreadsheet would run as a
    formula is written with a `'` before it, which spreadsheets show as text."""
    import csv  # only CSV output needs it

    def cell(value: Any) -> str:
        text = visible(_flat(value))
        return f"'{text}" if not raw and text.startswith(FORMULA_STARTS) else text

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(column) for column in columns])
    writer.writerows([cell(value) for value in row] for row in rows)
