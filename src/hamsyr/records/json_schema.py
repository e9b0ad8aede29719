"""The fact base format as a JSON Schema, built from the record declarations the loader checks against.

JSON Schema cannot say everything the loader checks: references to records that exist, unique ids, days
that exist in their month, spans in order. Editors that read JSON Schema (for TOML too) can still flag
unknown fields, wrong types, missing required fields, malformed ids and dates, and unknown choices.
"""

from __future__ import annotations

from typing import Any

from hamsyr.records.fields import ID_REGEX, Declared, Kind, file_fields
from hamsyr.records.model import BUILDS_ON, FORMATS, RECORD_TYPES

_ID = {"type": "string", "pattern": f"^{ID_REGEX}$"}
_TEXT = {"type": "string", "pattern": "\\S"}
_DAY = "[0-9]{4}[~?%]?(-[0-9]{2}[~?%]?(-[0-9]{2}[~?%]?)?)?"  # a qualifier after any part (EDTF level 2)
_DATE = {"type": "string", "pattern": f"^{_DAY}(/{_DAY})?$"}


def _property(declared: Declared) -> dict[str, Any]:
    field = declared.field
    kind = field.kind
    schema: dict[str, Any]
    if kind in (Kind.ID, Kind.REF):
        schema = dict(_ID)
    elif kind is Kind.TEXT:
        schema = dict(_TEXT)
    elif kind is Kind.DATE:
        schema = dict(_DATE)
    elif kind is Kind.CHOICE:
        schema = {"enum": [member.value for member in declared.of]}
    elif kind is Kind.TEXTS:
        schema = {"type": "array", "items": _TEXT}
    elif kind in (Kind.SLUGS, Kind.REFS):
        schema = {"type": "array", "items": _ID}
    else:
        table = {"$ref": f"#/$defs/{_definition_name(declared.of)}"}
        items = {"anyOf": [_TEXT, table]} if field.shorthand else table  # a string stands for a table
        schema = {"type": "array", "items": items}
        if field.min_items:
            schema["minItems"] = field.min_items
    return {"description": field.doc, **schema}


def _definition_name(record_class: type) -> str:
    return record_class.__name__.lower()


def _object(record_class: type) -> dict[str, Any]:
    fields = file_fields(record_class)
    return {
        "type": "object",
        "description": (record_class.__doc__ or "").strip().split("\n")[0],
        "additionalProperties": False,
        "required": [declared.name for declared in fields if declared.field.required],
        "properties": {declared.name: _property(declared) for declared in fields},
    }


def json_schema() -> dict[str, Any]:
    definitions: dict[str, Any] = {}
    pending = [record_type.record_class for record_type in RECORD_TYPES]
    while pending:  # the record types, then the tables inside them (citations, roles, claims)
        record_class = pending.pop(0)
        name = _definition_name(record_class)
        if name not in definitions:
            definitions[name] = _object(record_class)
            pending += [d.of for d in file_fields(record_class) if d.field.kind is Kind.TABLES]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "hamsyr fact base",
        "description": "A TOML fact base for hamsyr; see its README, 'The fact base'.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "format": {"description": "The version of the fact base format; none means 1.", "enum": list(FORMATS)},
            BUILDS_ON: {
                "description": (
                    "The bases this file builds on, read before it: paths from this file's folder, folders "
                    '(every *.toml file in them), or "@shipped" for the shipped base.'
                ),
                "type": "array",
                "items": {"type": "string", "minLength": 1},
            },
            **{
                t.plural: {"type": "array", "items": {"$ref": f"#/$defs/{_definition_name(t.record_class)}"}}
                for t in RECORD_TYPES
            },
        },
        "$defs": definitions,
    }
