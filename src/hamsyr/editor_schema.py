"""The fact base format as a JSON Schema, built from the same declarations the loader checks (hamsyr.schema).

JSON Schema cannot say everything the loader checks: references to records that exist, unique ids, days
that exist in their month, spans in order. Editors that read JSON Schema (for TOML too) can still flag
unknown fields, wrong types, missing required fields, malformed ids and dates, and unknown actor kinds.
"""

from typing import Any

from hamsyr.model import ActorKind
from hamsyr.schema import CITATION_FIELDS, CLAIM_FIELDS, RECORD_FIELDS, ROLE_FIELDS, SINGULAR, Field, Kind

_ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
_TEXT = {"type": "string", "pattern": "\\S"}
_DAY = "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?"
_DATE = {"type": "string", "pattern": f"^{_DAY}(/{_DAY})?$"}


def _property(field: Field) -> dict[str, Any]:
    kind = field.kind
    if kind in (Kind.ID, Kind.REF):
        return dict(_ID)
    if kind is Kind.TEXT:
        return dict(_TEXT)
    if kind is Kind.DATE:
        return dict(_DATE)
    if kind is Kind.ACTOR_KIND:
        return {"enum": [member.value for member in ActorKind]}
    if kind is Kind.TEXTS:
        return {"type": "array", "items": _TEXT}
    if kind in (Kind.SLUGS, Kind.REFS):
        return {"type": "array", "items": _ID}
    if kind is Kind.CITATIONS:
        return {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/citation"}}
    if kind is Kind.ROLES:
        return {"type": "array", "items": {"$ref": "#/$defs/role"}}
    return {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/claim"}}


def _object(fields: tuple[Field, ...], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": [field.name for field in fields if field.required],
        "properties": {field.name: _property(field) for field in fields},
    }


def json_schema() -> dict[str, Any]:
    definitions = {
        "citation": _object(CITATION_FIELDS, "A short verbatim excerpt of a source that states the fact."),
        "role": _object(ROLE_FIELDS, "A role an actor holds; start and end bound the time the sources attest it."),
        "claim": _object(CLAIM_FIELDS, "One side of a dispute, with the sources that make it."),
    }
    for plural, fields in RECORD_FIELDS.items():
        definitions[SINGULAR[plural]] = _object(fields, f"A {SINGULAR[plural]} record ([[{plural}]]).")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "hamsyr fact base",
        "description": "A TOML fact base for hamsyr; see its README, 'The fact base'.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            plural: {"type": "array", "items": {"$ref": f"#/$defs/{SINGULAR[plural]}"}} for plural in RECORD_FIELDS
        },
        "$defs": definitions,
    }
