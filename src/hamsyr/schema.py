"""The fact base format, declared once: each record type's fields, their kinds, and which are required.

The loader checks records against these declarations; the documentation and the JSON field order follow them.
"""

import re
from enum import Enum
from typing import NamedTuple

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class Kind(Enum):
    ID = "id"  # a lower-case slug, unique across the whole base
    TEXT = "text"  # a non-empty string
    TEXTS = "texts"  # a list of non-empty strings
    SLUGS = "slugs"  # a list of lower-case slugs (tags)
    DATE = "date"  # an EDTF-style partial date or span, see hamsyr.dates
    ACTOR_KIND = "actor-kind"  # one of hamsyr.model.ActorKind
    REF = "ref"  # the id of a record of type `target`
    REFS = "refs"  # a list of such ids
    CITATIONS = "citations"  # a non-empty list of citation tables
    ROLES = "roles"  # a list of role tables
    CLAIMS = "claims"  # a non-empty list of claim tables


class Field(NamedTuple):
    name: str
    kind: Kind
    required: bool = False
    target: str | None = None  # the record type a REF/REFS points to ("events|quotes": either)


CITATION_FIELDS = (
    Field("source", Kind.REF, required=True, target="sources"),
    Field("excerpt", Kind.TEXT, required=True),
    Field("attributed_to", Kind.TEXT),
)

ROLE_FIELDS = (
    Field("title", Kind.TEXT, required=True),
    Field("organization", Kind.REF, target="actors"),
    Field("start", Kind.DATE),
    Field("end", Kind.DATE),
)

CLAIM_FIELDS = (
    Field("claim", Kind.TEXT, required=True),
    Field("sources", Kind.CITATIONS, required=True),
)

RECORD_FIELDS: dict[str, tuple[Field, ...]] = {
    "sources": (
        Field("id", Kind.ID, required=True),
        Field("title", Kind.TEXT, required=True),
        Field("author", Kind.TEXT),
        Field("publisher", Kind.TEXT),
        Field("published", Kind.DATE),
        Field("url", Kind.TEXT),
        Field("language", Kind.TEXT),
    ),
    "actors": (
        Field("id", Kind.ID, required=True),
        Field("name", Kind.TEXT, required=True),
        Field("kind", Kind.ACTOR_KIND, required=True),
        Field("aliases", Kind.TEXTS),
        Field("description", Kind.TEXT),
        Field("roles", Kind.ROLES),
    ),
    "events": (
        Field("id", Kind.ID, required=True),
        Field("date", Kind.DATE),
        Field("date_text", Kind.TEXT),
        Field("title", Kind.TEXT, required=True),
        Field("summary", Kind.TEXT, required=True),
        Field("actors", Kind.REFS, target="actors"),
        Field("places", Kind.TEXTS),
        Field("tags", Kind.SLUGS),
        Field("sources", Kind.CITATIONS, required=True),
    ),
    "quotes": (
        Field("id", Kind.ID, required=True),
        Field("speaker", Kind.REF, required=True, target="actors"),
        Field("text", Kind.TEXT, required=True),
        Field("date", Kind.DATE),
        Field("date_text", Kind.TEXT),
        Field("context", Kind.TEXT),
        Field("about", Kind.REFS, target="actors"),
        Field("sources", Kind.CITATIONS, required=True),
    ),
    # A period of the relationship as the documents tell it; periods may overlap where datings compete.
    "phases": (
        Field("id", Kind.ID, required=True),
        Field("label", Kind.TEXT, required=True),
        Field("start", Kind.DATE, required=True),
        Field("end", Kind.DATE),
        Field("summary", Kind.TEXT, required=True),
        Field("sources", Kind.CITATIONS, required=True),
    ),
    # A point on which the sources disagree or frame the same thing differently: each claim with its sources,
    # and the events and quotes it concerns (which are then marked as disputed).
    "disputes": (
        Field("id", Kind.ID, required=True),
        Field("title", Kind.TEXT, required=True),
        Field("summary", Kind.TEXT, required=True),
        Field("records", Kind.REFS, target="events|quotes"),
        Field("claims", Kind.CLAIMS, required=True),
    ),
}

RECORD_TYPES = tuple(RECORD_FIELDS)
SINGULAR = {
    "sources": "source",
    "actors": "actor",
    "events": "event",
    "quotes": "quote",
    "disputes": "dispute",
    "phases": "phase",
    "events|quotes": "event or quote",
}
