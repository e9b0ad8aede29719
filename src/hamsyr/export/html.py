"""The timeline as one self-contained HTML page: the chart inline, then the events by year with their
citations and disputes, the phases, and the actors and sources they refer to, all linked together.

Built with xml.etree.ElementTree (serialised as HTML), so fact-base text is always escaped. The page needs
nothing from anywhere: its Content-Security-Policy forbids every fetch, allows no script but the inline one
(by its hash) and no style but its own. Without JavaScript it reads in full; with it, a form filters the
events by actor, tag and words, and a mark on the chart, or an entry of the chart's key, moves the focus to
its event. The filter reads its data from the page itself (attributes and text), so no fact-base text is ever
put inside the script.
"""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence

from hamsyr.export.svg import base_name, child, clean, headline, timeline_svg
from hamsyr.query.factbase import FactBase
from hamsyr.records.model import Actor, Citation, Dispute, Event, Phase, Source
from hamsyr.views import voice
from hamsyr.views.pages import TimelineView

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Liberation Sans",
  Arial, sans-serif; color: #111; background: #fff; line-height: 1.45; margin: 0 auto; max-width: 78rem;
  padding: 0 1.25rem 3rem; }
h1 { font-size: 1.75rem; margin: 1.25rem 0 .25rem; }
a { color: #005a9c; }
a:focus-visible, select:focus-visible, input:focus-visible, button:focus-visible, [tabindex="-1"]:focus {
  outline: 3px solid #D55E00; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
header p, .said, .facts, .sub { color: #444; }
nav ul { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; list-style: none; padding: 0; }
figure { margin: 0; overflow-x: auto; }
svg.timeline { display: block; width: 100%; height: auto; max-width: 1200px; }
svg .mark { cursor: pointer; }
svg .mark:focus { outline: none; }
svg .mark:focus > .hit, svg .mark:hover > .hit { stroke: #D55E00; stroke-width: 2px; }
svg .mark.filtered-out { opacity: .12; }
svg .key-entry:hover text, svg .key-entry:focus text { text-decoration: underline; }
[hidden] { display: none !important; }
.filters { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: end; padding: .75rem 1rem;
  background: #f3f3f3; border-radius: 6px; }
.filters label { display: flex; flex-direction: column; font-weight: 600; }
.filters select, .filters input { max-width: 18rem; font: inherit; }
.filters output { font-weight: 600; }
.year > h3 { border-bottom: 2px solid #ddd; padding-bottom: .2rem; }
article { margin: 1rem 0; scroll-margin-top: 1rem; }
article.event { border-left: 4px solid #ddd; padding: .1rem 0 .4rem 1rem; }
article.event:target { border-left-color: #0072B2; background: #eef6fb; }
article h4, article h3 { margin: .2rem 0; }
article p { margin: .25rem 0; }
.date { font-weight: 600; font-variant-numeric: tabular-nums; }
.disputed { color: #8a3b00; font-weight: 600; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0 .75rem; margin: .25rem 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
ol.citations { margin: .25rem 0; padding-left: 1.5rem; }
q { font-style: italic; }
@media print {
  .filters, nav, .skip { display: none !important; }
  article, figure { break-inside: avoid; }
  body { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
}
"""

# The whole script: it reads the events from the page, hides those the form rules out (and fades their
# marks), and on a jump to an event shows it even when hidden and moves the focus to it.
SCRIPT = r"""
"use strict";
(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  var actor = document.getElementById("filter-actor");
  var tag = document.getElementById("filter-tag");
  var text = document.getElementById("filter-text");
  var count = document.getElementById("filter-count");
  var events = Array.prototype.slice.call(document.querySelectorAll("article.event"));
  var years = Array.prototype.slice.call(document.querySelectorAll("section.year"));
  var marks = {};
  Array.prototype.forEach.call(document.querySelectorAll(".mark[data-event]"), function (mark) {
    var id = mark.getAttribute("data-event");
    (marks[id] = marks[id] || []).push(mark);
  });
  function fold(value) {
    return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(value) {
    return value ? value.split(" ") : [];
  }
  var texts = events.map(function (event) { return fold(event.textContent); });
  function apply() {
    var wanted = fold(text.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    events.forEach(function (event, index) {
      var keep = (!actor.value || words(event.getAttribute("data-actors")).indexOf(actor.value) >= 0) &&
        (!tag.value || words(event.getAttribute("data-tags")).indexOf(tag.value) >= 0) &&
        wanted.every(function (word) { return texts[index].indexOf(word) >= 0; });
      event.hidden = !keep;
      shown += keep ? 1 : 0;
      (marks[event.id] || []).forEach(function (mark) { mark.classList.toggle("filtered-out", !keep); });
    });
    years.forEach(function (year) { year.hidden = !year.querySelector("article.event:not([hidden])"); });
    count.textContent = shown + " of " + events.length + " events shown";
  }
  function reveal() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { return; }
    var target = id ? document.getElementById(id) : null;
    if (!target) { return; }
    if (target.closest("[hidden]")) {
      form.reset();
      apply();
      target.scrollIntoView();
    }
    target.focus({ preventScroll: true });
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  window.addEventListener("hashchange", reveal);
  form.hidden = false;
  apply();
  reveal();
})();
"""

SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
# No fetch of any kind (fonts, images, frames, connections); the one script by its hash; the page's own styles;
# an empty data: icon so that the browser does not ask the network for one.
CSP = (
    f"default-src 'none'; script-src '{SCRIPT_HASH}'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def to_html(base: FactBase) -> str:
    """`hamsyr export --format html`: the page for the whole base (or the selection `base` is)."""
    from hamsyr.views.build import timeline_view

    return timeline_page(timeline_view(base, []), base)


def timeline_page(view: TimelineView, base: FactBase) -> str:
    """The page for a timeline view: what `hamsyr timeline --html` writes."""
    page = Page(view, base)
    return "<!DOCTYPE html>\n" + ET.tostring(page.build(), encoding="unicode", method="html") + "\n"


def _say(parent: ET.Element, text: str) -> None:
    """Text after what `parent` already holds (mixed content, as ElementTree keeps it in tails)."""
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _is_web_address(url: str) -> bool:
    """Only http(s) addresses become links: a `javascript:` or `data:` url stays text."""
    return url.strip().lower().startswith(("https://", "http://")) and clean(url) == url


class Page:
    """One page: which records it shows, then the sections that show them."""

    def __init__(self, view: TimelineView, base: FactBase) -> None:
        self.view, self.base = view, base
        self.events = [event for group in view.groups for event in group.events]
        shown = {event.id for event in self.events}
        self.disputes = [d for d in base.disputes if shown & set(d.records)]
        actor_ids = {actor for event in self.events for actor in event.involved}
        self.actors = sorted((a for a in base.actors if a.id in actor_ids), key=lambda a: a.name.casefold())
        cited = [c for e in self.events for c in e.sources] + [c for p in view.phases for c in p.sources]
        cited += [c for d in self.disputes for claim in d.claims for c in claim.sources]
        cited_ids = {citation.source for citation in cited}
        self.sources = [source for source in base.sources if source.id in cited_ids]
        self.anchors = {f"event-{e}" for e in shown} | {f"dispute-{d.id}" for d in self.disputes}
        self.anchors |= {f"actor-{a.id}" for a in self.actors} | {f"source-{s.id}" for s in self.sources}

    def build(self) -> ET.Element:
        title, subtitle = headline(self.view, self.base)
        html = ET.Element("html", lang="en", dir="ltr")
        head = child(html, "head")
        child(head, "meta", charset="utf-8")
        child(head, "meta", http_equiv="Content-Security-Policy", content=CSP)
        child(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
        child(head, "meta", name="referrer", content="no-referrer")
        child(head, "title", f"{title} — {clean(base_name(self.base))} — hamsyr")
        child(head, "link", rel="icon", href="data:,")
        child(head, "style", STYLE)
        body = child(html, "body")
        child(body, "a", "Skip to the events", href="#events", class_="skip")
        header = child(body, "header")
        child(header, "h1", title)
        child(header, "p", subtitle)
        main = ET.Element("main")
        sections = [
            ("timeline", "Timeline", self.chart),
            ("events", "Events by year", self.event_list),
            ("disputes", "Where the sources disagree", self.dispute_list),
            ("phases", "Phases", self.phase_list),
            ("actors", "Actors", self.actor_list),
            ("sources", "Sources", self.source_list),
        ]
        nav = child(child(body, "nav", aria_label="Sections"), "ul")
        for anchor, heading, fill in sections:
            section = child(main, "section", id=anchor, aria_labelledby=f"{anchor}-heading")
            child(section, "h2", heading, id=f"{anchor}-heading")
            fill(section)
            child(child(nav, "li"), "a", heading, href=f"#{anchor}")
        body.append(main)
        made = f"Made by hamsyr from the fact base {base_name(self.base)}: every event cites the document that says so."
        child(child(body, "footer", class_="sub"), "p", clean(made))
        child(body, "script", SCRIPT)
        return html

    # --- sections ---------------------------------------------------------------------------------------

    def chart(self, section: ET.Element) -> None:
        figure = child(section, "figure")
        figure.append(timeline_svg(self.view, self.base, links=True))
        caption = (
            "Each mark, and each entry of the key under the chart, is a link to its event below; a mark's tooltip "
            "gives the title, the date as the source gives it"
        )
        child(figure, "figcaption", f"{caption}, and who says so.", class_="sub")

    def event_list(self, section: ET.Element) -> None:
        self.filters(section)
        for group in self.view.groups:
            year = str(group.year) if group.year is not None else voice.UNDATED
            block = child(section, "section", class_="year", id=f"year-{year}", aria_labelledby=f"year-{year}-h")
            child(block, "h3", year.capitalize(), id=f"year-{year}-h")
            for event in group.events:
                self.event(block, event)
        if not self.events:
            child(section, "p", "No events.")

    def filters(self, section: ET.Element) -> None:
        """The filter form, hidden until the script shows it: without JavaScript every event is listed."""
        form = child(section, "form", id="filters", class_="filters", role="search", hidden="")
        form.set("aria-label", "Filter the events")
        choices = (
            ("actor", "Actor", [(a.id, a.name) for a in self.actors]),
            ("tag", "Tag", [(tag, tag) for tag in sorted({t for e in self.events for t in e.tags})]),
        )
        for key, words, options in choices:
            label = child(form, "label", words)
            select = child(label, "select", id=f"filter-{key}", name=key)
            child(select, "option", "any", value="")
            for value, shown in options:
                child(select, "option", clean(shown), value=value)
        label = child(form, "label", "Words")
        child(label, "input", id="filter-text", name="text", type="search", placeholder="e.g. Qatar")
        child(form, "button", "Show all", type="reset")
        child(form, "output", id="filter-count", aria_live="polite")

    def event(self, parent: ET.Element, event: Event) -> None:
        article = child(parent, "article", id=f"event-{event.id}", class_="event", tabindex="-1")
        article.set("data-actors", " ".join(event.involved))  # the filter finds identified actors too
        article.set("data-tags", " ".join(event.tags))
        child(child(article, "h4"), "bdi", clean(event.title))
        when = child(article, "p")
        child(when, "span", clean(voice.date_words(event.date)), class_="date")
        if event.date_text:  # voice.date_line, with the source's own words isolated for bidi
            opening, closing = voice.QUOTES
            _say(when, f"{voice.BESIDE}{opening}")
            child(when, "bdi", clean(event.date_text))
            _say(when, closing)
        child(article, "p", clean(event.summary))
        said = voice.said(event.kind, event.sources)
        if said:
            child(article, "p", clean(said), class_="said")
        facts = child(article, "dl", class_="facts")
        self.fact(facts, "Actors", lambda dd: self.links(dd, "actor", event.actors))
        # Actors the source speaks of without naming: never as if named, marked, with the editors' why.
        identified = "; ".join(
            voice.identification(self.base.name_of(found.actor), found.described_as, found.note)
            for found in event.identified
        )
        self.fact(facts, voice.IDENTIFIED.capitalize(), lambda dd: _say(dd, clean(identified)) if identified else None)
        self.fact(facts, "Places", lambda dd: _say(dd, clean(", ".join(event.places))) if event.places else None)
        self.fact(facts, "Tags", lambda dd: _say(dd, ", ".join(event.tags)) if event.tags else None)
        if event.disputes:
            line = child(article, "p", voice.DISPUTED_AT_LENGTH, class_="disputed")
            self.links(line, "dispute", event.disputes)
        self.citations(article, event.sources)
        if event.note:
            child(article, "p", clean(f"Note: {event.note}"), class_="sub")

    def dispute_list(self, section: ET.Element) -> None:
        for dispute in self.disputes:
            self.dispute(section, dispute)
        if not self.disputes:
            child(section, "p", "None of the events shown is disputed.")

    def dispute(self, parent: ET.Element, dispute: Dispute) -> None:
        article = child(parent, "article", id=f"dispute-{dispute.id}", tabindex="-1")
        child(child(article, "h3"), "bdi", clean(dispute.title))
        child(article, "p", clean(dispute.summary))
        claims = child(article, "ul")
        for claim in dispute.claims:
            item = child(claims, "li")
            child(item, "p", clean(claim.claim))
            self.citations(item, claim.sources)
        concerns = child(article, "p", "Concerns: ", class_="sub")
        self.links(concerns, "event", dispute.records)

    def phase_list(self, section: ET.Element) -> None:
        for phase in self.view.phases:
            self.phase(section, phase)
        if not self.view.phases:
            child(section, "p", "No phase of the relationship falls in this range.")

    def phase(self, parent: ET.Element, phase: Phase) -> None:
        article = child(parent, "article", id=f"phase-{phase.id}", tabindex="-1")
        child(child(article, "h3"), "bdi", clean(phase.label))
        child(article, "p", clean(voice.phase_dates(phase)), class_="date")
        child(article, "p", clean(phase.summary))
        self.citations(article, phase.sources)

    def actor_list(self, section: ET.Element) -> None:
        for actor in self.actors:
            self.actor(section, actor)

    def actor(self, parent: ET.Element, actor: Actor) -> None:
        article = child(parent, "article", id=f"actor-{actor.id}", tabindex="-1")
        child(child(article, "h3"), "bdi", clean(actor.name))
        child(article, "p", clean(" · ".join(filter(None, (actor.kind.value, actor.description)))))
        names = [alias for alias in actor.aliases if not alias.is_descriptor]
        if names:
            line = child(article, "p", "Also written: ", class_="sub")
            for number, alias in enumerate(names):
                _say(line, ", " if number else "")
                child(line, "bdi", clean(alias.name), lang=clean(alias.lang) if alias.lang else None)
        events = [event.id for event in self.events if actor.id in event.involved]
        line = child(article, "p", "Events: ", class_="sub")
        self.links(line, "event", events)

    def source_list(self, section: ET.Element) -> None:
        for source in self.sources:
            self.source(section, source)

    def source(self, parent: ET.Element, source: Source) -> None:
        article = child(parent, "article", id=f"source-{source.id}", tabindex="-1")
        child(child(article, "h3"), "bdi", clean(source.title))
        published = f"published {voice.date_words(source.published)}" if source.published else ""
        details = filter(None, (source.author, source.publisher, published, source.language, f"id {source.id}"))
        child(article, "p", clean(" · ".join(details)), class_="sub")
        if source.url:
            line = child(article, "p", "At ")
            if _is_web_address(source.url):
                child(line, "a", clean(source.url), href=source.url, rel="noreferrer noopener external")
            else:
                child(line, "code", clean(source.url))

    # --- pieces -----------------------------------------------------------------------------------------

    def fact(self, facts: ET.Element, term: str, fill: Callable[[ET.Element], object]) -> None:
        """One dt/dd pair, left out when `fill` writes nothing into the dd."""
        dt, dd = child(facts, "dt", term), child(facts, "dd")
        fill(dd)
        if not len(dd) and not dd.text:
            facts.remove(dt)
            facts.remove(dd)

    def links(self, parent: ET.Element, kind: str, ids: Iterable[str]) -> None:
        """Records by name, each a link when it is on the page; else its name (or id) as text."""
        for number, record_id in enumerate(ids):
            _say(parent, ", " if number else "")
            record = self.base.get(record_id)
            label = record_id
            if isinstance(record, Actor):
                label = record.name
            elif isinstance(record, Event | Dispute | Source):
                label = record.title
            target = f"{kind}-{record_id}"
            holder = child(parent, "a", href=f"#{target}") if target in self.anchors else parent
            child(holder, "bdi", clean(label))

    def citations(self, parent: ET.Element, citations: Sequence[Citation]) -> None:
        """Each citation: the excerpt, the document (linked), and who it says makes the claim."""
        listing = child(parent, "ol", class_="citations")
        listing.set("aria-label", "Sources")
        for citation in citations:
            item = child(listing, "li")
            child(item, "q", clean(citation.excerpt), dir="auto")  # quoted by the browser
            _say(item, " — ")
            self.links(item, "source", [citation.source])
            if citation.attributed_to:
                _say(item, f", {voice.PER} ")
                child(item, "bdi", clean(citation.attributed_to))
