"""Generate a large, valid fact base with realistic field sizes, as TOML and as the same events in JSON.

    python bench/generate.py 100000 /tmp/facts-100k      # writes facts.toml and events.json there
    python bench/generate.py 100000 /tmp/folder-100k --files 100   # a folder of 100 files (and events.json)

Deterministic for a given size (seeded), so runs can be compared. Events have 2-4 actors out of
a pool that grows with the base, one or two citations of about 150 characters, and dates at year,
month or day precision, some approximate, some spans, a few undated.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any, TextIO

WORDS = (
    "hamas syria regime damascus delegation relations office leadership visit statement mediation "
    "movement political bureau decision talks restore break support iran russia qatar turkey meeting "
    "official sources reported according agreement president envoy crisis camp refugees offices closed"
).split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def random_date(rng: random.Random) -> str | None:
    year = rng.randint(1987, 2022)
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.25:
        return f"{year}"
    if roll < 0.55:
        return f"{year}-{rng.randint(1, 12):02d}" + ("~" if rng.random() < 0.2 else "")
    if roll < 0.9:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return f"{year}-{rng.randint(1, 6):02d}/{year}-{rng.randint(7, 12):02d}"


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string here


def toml_list(values: list[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def generate(size: int, folder: Path, files: int = 1) -> None:
    """Write a base of `size` events into `folder`: facts.toml, or with `files` > 1 that many files
    (sources and actors in the first, the events shared out in order), plus events.json."""
    rng = random.Random(size)
    folder.mkdir(parents=True, exist_ok=True)
    actor_count = max(20, size // 200)
    sources = [f"source-{n}" for n in range(max(2, size // 1000))]
    events = []
    for n in range(size):
        date = random_date(rng)
        events.append(
            {
                "id": f"event-{n}",
                "date": date,
                "date_text": "late that year" if rng.random() < 0.1 else None,
                "title": sentence(rng, rng.randint(6, 10)),
                "summary": sentence(rng, rng.randint(20, 40)),
                "actors": sorted({f"actor-{rng.randrange(actor_count)}" for _ in range(rng.randint(2, 4))}),
                "places": rng.sample(["Damascus", "Gaza", "Doha", "Beirut", "Moscow", "Istanbul"], rng.randint(0, 2)),
                "tags": rng.sample(["visit", "statement", "mediation", "rupture", "offices"], rng.randint(1, 3)),
                "sources": [
                    {
                        "source": rng.choice(sources),
                        "excerpt": sentence(rng, rng.randint(15, 30)),
                        "attributed_to": None,
                    }
                    for _ in range(rng.randint(1, 2))
                ],
            }
        )
    names = ["facts.toml"] if files == 1 else [f"part-{n:03d}.toml" for n in range(files)]
    per_file = -(-size // len(names))
    for number, name in enumerate(names):
        with (folder / name).open("w", encoding="utf-8") as out:
            out.write("format = 2\n\n")
            if number == 0:
                write_sources_and_actors(out, rng, sources, actor_count)
            for event in events[number * per_file : (number + 1) * per_file]:
                write_event(out, event)
    (folder / "events.json").write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")


def write_sources_and_actors(out: TextIO, rng: random.Random, sources: list[str], actor_count: int) -> None:
    for source in sources:
        out.write(f'[[sources]]\nid = "{source}"\ntitle = {toml_string(sentence(rng, 8))}\n\n')
    for n in range(actor_count):
        out.write(f'[[actors]]\nid = "actor-{n}"\nname = "Actor {n}"\nkind = "person"\n')
        out.write(f'aliases = ["Actor number {n}"]\ndescription = {toml_string(sentence(rng, 12))}\n\n')


def write_event(out: TextIO, event: dict[str, Any]) -> None:
    out.write(f'[[events]]\nid = "{event["id"]}"\n')
    if event["date"]:
        out.write(f'date = "{event["date"]}"\n')
    if event["date_text"]:
        out.write(f"date_text = {toml_string(event['date_text'])}\n")
    out.write(f"title = {toml_string(event['title'])}\nsummary = {toml_string(event['summary'])}\n")
    out.write(f"actors = {toml_list(event['actors'])}\nplaces = {toml_list(event['places'])}\n")
    out.write(f"tags = {toml_list(event['tags'])}\nsources = [\n")
    for citation in event["sources"]:
        out.write(f'    {{ source = "{citation["source"]}", excerpt = {toml_string(citation["excerpt"])} }},\n')
    out.write("]\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="number of events")
    parser.add_argument("folder", type=Path, help="where to write facts.toml and events.json")
    parser.add_argument("--files", type=int, default=1, help="share the base out over this many files")
    args = parser.parse_args()
    generate(args.size, args.folder, args.files)


if __name__ == "__main__":
    main()
