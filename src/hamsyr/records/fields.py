"""How a record's fields are declared, once: `name: Annotated[type, Field(kind, doc, ...)]` in the record class.

Everything that needs to know a record's fields reads them through `fields_of` rather than listing them
again: validation and building records (hamsyr.loading), the JSON codec (hamsyr.records.codec), the CSV,
TSV and SQLite columns, and `hamsyr schema`. The order of the fields is the order of the class, which is
the documented order of the JSON keys and the columns.
"""

import re
from enum import Enum
from functools import cache
from typing import Any

from hamsyr._values import Value


class Kind(Enum):
    """What a field holds, as written in a fact base file."""

    ID = "id"  # a lower-case slug, unique across the whole base
    TEXT = "text"  # a non-empty string
    TEXTS = "texts"  # a list of non-empty strings
    SLUGS = "slugs"  # a list of lower-case slugs (tags)
    DATE = "date"  # an EDTF-style partial date or span (hamsyr.records.dates)
    CHOICE = "choice"  # one of the values of an enum (the field's type)
    REF = "ref"  # the id of a record of type `target`
    REFS = "refs"  # a list of such ids
    TABLES = "tables"  # a list of tables, each a record of the field's item type (citations, roles, claims)


class Field(Value):
    """The declaration of one field: what it holds and means, and what a file must give."""

    kind: Kind
    doc: str
    required: bool = False
    target: str | None = None  # REF, REFS: the record type pointed to ("events|quotes": either)
    min_items: int = 0  # TABLES: at least this many tables
    derived: bool = False  # computed when the base is loaded, never written in the file
    shape: str = "tables"  # TABLES: what the list holds, for messages ("tables with source and excerpt")
    too_few: str = ""  # TABLES: the message when there are fewer than `min_items`
    shorthand: str = ""  # TABLES: a plain string may stand for a table with only this field (an alias's name)
    expanded: str = ""  # with a shorthand: the JSON gives the strings under the field's name, the tables here


class Declared(Value):
    """A field of a record class with its declaration, and the class it is made of (an enum for a CHOICE,
    the record class of each table for TABLES)."""

    name: str
    field: Field
    of: Any = None


ID_REGEX = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # a lower-case slug


@cache
def id_pattern() -> re.Pattern[str]:
    """Compiled on first use: only validation needs it."""
    return re.compile(ID_REGEX)


def fields_of(record_class: type) -> tuple[Declared, ...]:
    """The declared fields of a record class, in order. Evaluated on first use (only validation, the schema,
    the exports and reading a cache need it), then kept."""
    return _fields_of(record_class)


@cache
def _fields_of(record_class: type) -> tuple[Declared, ...]:
    from inspect import get_annotations
    from typing import get_args

    # The record modules evaluate their annotations when the class is made, so this only reads them.
    hints = get_annotations(record_class)
    declared = []
    for name in record_class._fields:  # type: ignore[attr-defined]
        hint = hints[name]
        field = next(item for item in hint.__metadata__ if isinstance(item, Field))
        of = None
        if field.kind is Kind.TABLES:  # tuple[Citation, ...]
            of = get_args(hint.__origin__)[0]
        elif field.kind is Kind.CHOICE:  # ActorKind, or ActorKind | None
            of = next((arg for arg in get_args(hint.__origin__) if arg is not type(None)), hint.__origin__)
        declared.append(Declared(name, field, of))
    return tuple(declared)


def file_fields(record_class: type) -> tuple[Declared, ...]:
    """The fields a fact base file may write (the derived ones left out)."""
    return _file_fields(record_class)


@cache
def _file_fields(record_class: type) -> tuple[Declared, ...]:
    return tuple(declared for declared in fields_of(record_class) if not declared.field.derived)
