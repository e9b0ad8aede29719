"""The actor graph, for Graphviz (DOT) and Mermaid: actors as nodes, roles as labelled arrows, and lines
between actors that share events, weighted by how many."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from hamsyr._inert import visible
from hamsyr.query.factbase import FactBase

_MERMAID_SYNTAX = frozenset('#%"<>[](){}|`;&\\')


def actor_graph(base: FactBase) -> tuple[list[tuple[str, str, str]], Counter[tuple[str, str]]]:
    """Role edges (holder, organization, label: the title and when the sources place it) and co-occurrence
    counts of actors in the same events."""
    from hamsyr.views import voice

    known = {actor.id for actor in base.actors}
    roles = [
        (actor.id, role.organization, f"{role.title} ({voice.role_dates(role)})")
        for actor in base.actors
        for role in actor.roles
        if role.organization in known
    ]
    together: Counter[tuple[str, str]] = Counter()
    for event in base.events:
        for pair in combinations(sorted(set(event.actors) & known), 2):
            together[pair] += 1
    return roles, together


def _quoted(text: str) -> str:
    """A DOT string: control characters made visible (Graphviz would copy them into its SVG, which XML forbids),
    backslashes and quotes escaped, newlines as spaces."""
    text = visible(text).replace("\n", " ").replace("\t", " ")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(base: FactBase) -> str:
    """Graphviz: actors as nodes, roles as arrows labelled with the title and dates, co-occurrence as weighted
    lines."""
    roles, together = actor_graph(base)
    lines = ["digraph hamsyr {", "  graph [overlap=false, splines=true];", "  node [shape=box, style=rounded];"]
    for actor in base.actors:
        lines.append(f"  {_quoted(actor.id)} [label={_quoted(actor.name)}];")
    for holder, organization, title in roles:
        lines.append(f"  {_quoted(holder)} -> {_quoted(organization)} [label={_quoted(title)}, style=bold];")
    for (a, b), count in sorted(together.items()):
        lines.append(
            f"  {_quoted(a)} -> {_quoted(b)} [dir=none, weight={count}, penwidth={min(count, 8)}, label={count}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(base: FactBase) -> str:
    """Mermaid flowchart: the same graph, nodes by index (Mermaid ids must be simple), names as labels."""
    roles, together = actor_graph(base)
    node = {actor.id: f"a{number}" for number, actor in enumerate(base.actors)}

    def label(text: str) -> str:
        """Mermaid label text: every character that Mermaid reads as syntax (a `%%` directive, `#` entities,
        quotes, brackets, pipes, markdown backticks) written as an entity code, controls made visible."""
        text = visible(text).replace("\n", " ").replace("\t", " ")
        return "".join(f"#{ord(char)};" if char in _MERMAID_SYNTAX else char for char in text)

    lines = ["graph LR"]
    for actor in base.actors:
        lines.append(f'  {node[actor.id]}["{label(actor.name)}"]')
    for holder, organization, title in roles:
        lines.append(f'  {node[holder]} -->|"{label(title)}"| {node[organization]}')
    for (a, b), count in sorted(together.items()):
        lines.append(f"  {node[a]} ---|{count}| {node[b]}")
    return "\n".join(lines) + "\n"
