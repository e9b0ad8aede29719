"""`hamsyr schema`: a JSON Schema that the shipped base and the fixtures satisfy and that catches what
JSON Schema can say (unknown fields, wrong types, malformed ids and dates, unknown kinds)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from hamsyr.loading.files import shipped_path

from .conftest import SMALL, CommandLine


@pytest.fixture(scope="module")
def validator(cli: CommandLine) -> jsonschema.Draft202012Validator:
    result = cli("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", [shipped_path(), SMALL], ids=["shipped", "small"])
def test_valid_bases_validate(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    assert [error.message for error in validator.iter_errors(document)] == []


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[[sources]]\nid = "doc"\ntitle = "T"\nsummery = "x"\n', "Additional properties are not allowed"),
        ('[[sources]]\nid = "Doc One"\ntitle = "T"\n', "does not match"),
        ('[[sources]]\nid = "doc"\ntitle = "T"\npublished = "late 2012"\n', "does not match"),
        ('[[actors]]\nid = "a"\nname = "A"\nkind = "party"\n', "is not one of"),
        ('[[actors]]\nid = "a"\nname = "A"\n', "'kind' is a required property"),
        ('[[events]]\nid = "e"\ntitle = "T"\nsummary = "S"\nsources = []\n', "should be non-empty"),
        ("meta = 1\n", "Additional properties are not allowed"),
    ],
)
def test_the_schema_catches_what_it_can_say(
    validator: jsonschema.Draft202012Validator, toml: str, expected: str
) -> None:
    messages = [error.message for error in validator.iter_errors(tomllib.loads(toml))]
    assert any(expected in message for message in messages), messages
