"""Stage 4, select: the quotable units of the top passages that answer the question.

A unit is a whole sentence of a passage (a catalogue row whole, see ingest/units.py). Each is scored by the
weighted share of the question's topics it states (its passage or heading counting for less), with bonuses
for a better-retrieved passage, a heading that names the topic, a figure or a date when one is asked. The
answer takes the best unit; then the best unit for each topic still uncovered (a second part or section);
for list questions the openings of the sub-sections under the best unit's section; then close runners-up.
Repairs follow: the unit giving a figure or a date asked for and missing, the sentence naming the members of a
grouping concept a list question asks for (五新), the sentence naming the zone a "which zone" question asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from bot.qa.analyse import Analyser, QueryAnalysis, Topic, says_word
from bot.qa.figures import figure_gap
from bot.qa.retrieve import Retrieved
from bot.qa.rules import rules
from bot.qa.text import english_stems, figures, stem
from ingest.chunk import SECTION_SEP, is_cover
from ingest.units import english, quotable_spans

OVERVIEW = "catalogue_overview"
QUOTED_TITLE = re.compile(r"《[^》]*》")
#: A date as the documents write one (2022年9月14日).
DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月")


@dataclass(eq=False)
class Unit:
    """A quotable piece of a retrieved passage: `context.chunk.text[start:end]`."""

    context: Retrieved
    start: int
    end: int
    score: float = 0.0
    coverage: float = 0.0
    why: str = ""  # how the selector chose it: best, topic, list, margin, figure, date, members, kind

    @property
    def text(self) -> str:
        return self.context.chunk.text[self.start : self.end]

    @property
    def chunk_text(self) -> str:
        return self.context.chunk.text

    @property
    def section(self) -> str:
        return str(self.context.chunk.metadata.get("section", ""))

    @property
    def leaf(self) -> str:
        """The deepest heading of the unit's passage."""
        return self.section.split(SECTION_SEP)[-1]

    @property
    def kind(self) -> str:
        return str(self.context.chunk.metadata.get("kind", ""))

    @property
    def english(self) -> str | None:
        """The unit's reviewed English (None when it has none)."""
        return english(self.text, self.chunk_text, self.start, self.context.chunk.metadata)

    @cached_property
    def english_stems(self) -> frozenset[str]:
        """The stems of the words of the unit's reviewed English (none when it has none)."""
        return english_stems(self.english or "")

    @property
    def direction(self) -> str:
        """A catalogue row's 发展方向 (empty for prose)."""
        return str(self.context.chunk.metadata.get("direction", ""))


@dataclass(frozen=True)
class Selection:
    """The units chosen for the answer, every scored unit (best first), and how much of the question the
    chosen ones cover."""

    chosen: tuple[Unit, ...]
    units: tuple[Unit, ...] = field(default=(), repr=False)
    support: float = 0.0
    repaired: bool = False  # a figure the first choice lacked was brought in from lower down


def units_of(retrieved: list[Retrieved], lead_chars: int) -> list[Unit]:
    """The quotable units of passages; a short lead sentence ("北虹桥片区。") goes with the one it opens. A
    catalogue overview is text the chunker composed, so it has none: the rows it summarises are quoted."""
    out: list[Unit] = []
    for r in retrieved:
        if r.chunk.metadata.get("kind") == OVERVIEW:
            continue  # composed by the chunker, not the documents' words: retrieved, never quoted
        spans = [
            (s.start, s.end)
            for s in quotable_spans(r.chunk.text, str(r.chunk.metadata.get("kind", "")))
            if not _formula(r.chunk.text[s.start : s.end])
        ]
        if len(spans) > 1 and spans[0][1] - spans[0][0] <= lead_chars:
            spans = [(spans[0][0], spans[1][1]), *spans[2:]]
        out.extend(Unit(r, a, b) for a, b in spans)
    return out


def _because(why: str, unit: Unit) -> Unit:
    """The unit, marked with the rule that chose it (to trace which rule quotes what: an off-topic citation is
    fixed in the rule that brought it in)."""
    unit.why = why
    return unit


def _formula(text: str) -> bool:
    """The sentence is only a closing formula of an official document ("特此通知。")."""
    return text.strip().rstrip("。！!.").strip() in rules().formulae


def _names(unit: Unit, members: tuple[str, ...]) -> int:
    """How many of the members the unit names."""
    return sum(1 for m in members if m in unit.text)


def title(unit: Unit) -> str:
    """The title of the document the unit is from."""
    return str(unit.context.chunk.metadata.get("title", ""))


class Selector:
    """Scores units against a question's topics and chooses the answer's units."""

    def __init__(self, analyser: Analyser) -> None:
        self.analyser = analyser
        self.config = analyser.config

    # --- how much a unit says about a topic -----------------------------------------------------
    def level(self, topic: Topic, unit: Unit, list_heads: frozenset[str] = frozenset()) -> float:
        """1 when the unit says it, less when it says a related term, or only its passage or heading does. For a
        list question ("基本原则有哪几条？"), a passage with a heading of its own (坚持新赛道创新发展) under a heading
        that names the topic (基本原则) is one of the things that heading lists: it states the topic (1)."""
        c = self.config
        if topic.covered_by(unit.text) or (topic.label in list_heads and self.listed_under(topic, unit)):
            return 1.0
        if topic.english and self.says_in_english(topic, unit):
            return 1.0
        if self.cover_states(topic, unit):
            return 1.0
        if topic.related_in(unit.text):
            return c.related
        if topic.covered_by(unit.chunk_text):
            return c.in_chunk
        if topic.covered_by(unit.section):
            return c.in_section
        return 0.0

    @staticmethod
    def says_in_english(topic: Topic, unit: Unit) -> bool:
        """The unit's reviewed English says an English word of the question no glossary term holds, and another such
        word with it ("Is customs clearance mentioned?": 通关's English). One word alone may be how the question asks
        ("which axis concentrates on cars")."""
        stems = unit.english_stems
        return stem(topic.label.lower()) in stems and any(stem(w.lower()) in stems for w in topic.english)

    def cover_states(self, topic: Topic, unit: Unit) -> bool:
        """The unit is a document's cover and the topic the date it is written on (rules.yaml cover_says)."""
        return topic.label in self.analyser.rules.cover_says and is_cover(unit.context.chunk.metadata)

    @staticmethod
    def listed_under(topic: Topic, unit: Unit) -> bool:
        """The topic is named by a heading above the unit's passage, not by the passage's own heading."""
        above = unit.section.rpartition(SECTION_SEP)[0]
        return bool(above) and topic.covered_by(above) and not topic.covered_by(unit.leaf)

    def support(
        self, topics: tuple[Topic, ...], units: list[Unit] | tuple[Unit, ...], list_heads: frozenset[str] = frozenset()
    ) -> float:
        """The weighted share of the topics the units cover, each at its best level."""
        total = sum(t.weight for t in topics)
        if not total or not units:
            return 0.0
        return sum(t.weight * max(self.level(t, u, list_heads) for u in units) for t in topics) / total

    # --- choosing -------------------------------------------------------------------------------
    def select(self, analysis: QueryAnalysis, retrieved: list[Retrieved], extra: list[Retrieved] = ()) -> Selection:
        """The answer's units from the top passages (and `extra` passages found for a missing figure)."""
        c = self.config
        topics = analysis.topics
        asked = frozenset(t.label for t in topics)
        units = units_of([*retrieved[: c.contexts], *extra], c.lead_chars)
        units = [u for u in units if self._quotable(u, asked, analysis.asks_date)]
        specific = self.analyser.specific(topics)
        named_documents = self.named_documents(topics, units)
        # A grouping concept reached through a question word ("哪些产业", "which industries": 四高五新) is what the
        # answer gives by naming members; when the question names something else (a zone), a sentence saying the
        # concept's name is not more on topic for it. ("Which part" asks for a zone, see kind_subject; "how many
        # headquarters" counts what it names.)
        groups = {
            id(t)
            for t in self.analyser.asked_names(topics)
            if t.kind == "concept" and not (analysis.whole.asks_kind or analysis.asks_figure)
        }
        weighed = tuple(t for t in topics if id(t) not in groups)
        weighed = weighed if any(id(t) not in groups for t in specific) else topics
        # "What do they want to attract?": what is aimed for is said by the plans, not by the state of play (a
        # figure asked for is checked apart: figures.py)
        aims = analysis.whole.asks_target and not analysis.about_present and not analysis.asks_figure
        # A heading names what is asked only when the question asks it, not when only what the asker says of themselves
        # names it ("Does the plan say anything about hydrogen? We make fuel cell stacks.": the core-components row
        # is one answer of several, not the one)
        headed = self.analyser.said_in_asked(specific, analysis.text)
        for u in units:
            u.coverage = self.support(weighed, [u], analysis.list_heads)
            if u.kind == OVERVIEW and not analysis.asks_list:
                u.coverage *= c.overview_factor
            u.score = u.coverage + c.rank_bonus / u.context.rank
            about = f"{u.leaf} {u.context.chunk.metadata.get('direction', '')}"
            u.score += c.heading_bonus if any(t.covered_by(about) for t in headed) else 0.0
            u.score += c.figure_bonus if analysis.asks_figure and figures(u.text) else 0.0
            u.score += c.date_bonus if analysis.asks_date and DATE.search(u.text) else 0.0
            u.score += c.present_unit_bonus if analysis.about_present and self._in_present(u) else 0.0
            u.score += c.aim_unit_bonus if aims and not self._in_present(u) else 0.0
            u.score += c.document_bonus if named_documents and title(u) in named_documents else 0.0
        units.sort(key=lambda u: -u.score)
        chosen = self._choose(weighed, units, analysis.asks_list)
        repaired = False
        if analysis.asks_figure and figure_gap(analysis, chosen, self):
            # "How many …": bring in the unit that gives the figure and is most about the question.
            fixes = [
                u for u in units if u not in chosen and figures(u.text) and not figure_gap(analysis, [*chosen, u], self)
            ]
            if fixes:
                chosen.append(_because("figure", max(fixes, key=lambda u: (u.coverage, u.score))))
                repaired = True
        if analysis.asks_date and chosen and not any(DATE.search(u.text) for u in chosen):
            # "When …": the date may sit in another sentence under a chosen unit's heading (a notice's signature line).
            sections = {u.section for u in chosen}
            dated = [u for u in units if u not in chosen and u.section in sections and DATE.search(u.text)]
            if dated:
                chosen.append(_because("date", max(dated, key=lambda u: (u.score, -u.start))))
                repaired = True
        if analysis.asks_list and chosen:
            # "What are the five new industries?": a concept that groups named members (五新: 数字新经济, 生命新科技,
            # …) is answered by a sentence that names them; when no chosen one names two, bring in the one naming most.
            for t in topics:
                members = self.analyser.glossary.members(t.label)
                if len(members) < 2 or any(_names(u, members) >= 2 for u in chosen):
                    continue
                fixes = [u for u in units if u not in chosen and _names(u, members) >= 2]
                if fixes:
                    chosen.append(_because("members", max(fixes, key=lambda u: (_names(u, members), u.coverage))))
                    repaired = True
        if chosen and self.analyser.rules.meaning.search(analysis.text):
            # "“4311”是啥意思？": a sentence that ends by announcing the name ("…实现“4311”产业发展目标。") is spelt out
            # by the sentence after it in the passage; bring that one in.
            for u in list(chosen):
                after = self.spelt_out(u, specific, units)
                if after is not None and after not in chosen:
                    chosen.insert(chosen.index(u) + 1, _because("meaning", after))
                    repaired = True
        _, family = self.analyser.kind_subject(analysis)
        if family and chosen:
            # "Which zone suits X" / "where should we go": bring in the sentence that names a zone (the kinds asked
            # for, best first: a zone before a single place) and states X, unless the answer already has as good a
            # one; the closest kin of X (X itself, then its industry) first, then the best covered.
            order = self.analyser.rules.kind_referents[analysis.whole.asks_kind or ""]
            have = min((self.kind_rank(u, order, family) for u in chosen), default=len(order))
            fixes = [u for u in units if u not in chosen and self.kind_rank(u, order, family) < have]
            if fixes:
                best = min(
                    fixes, key=lambda u: (self.kind_rank(u, order, family), self.kinship(u, family), -u.coverage)
                )
                chosen.insert(0, _because("kind", best))
                repaired = True
        return Selection(tuple(chosen), tuple(units), self.support(topics, chosen, analysis.list_heads), repaired)

    def spelt_out(self, unit: Unit, specific: list[Topic], units: list[Unit]) -> Unit | None:
        """The unit right after `unit` in its passage, when `unit` names a specific topic in its closing words (the
        name is announced, not explained: "实现“4311”产业发展目标。") and the next unit does not name it again."""
        tail = unit.text.rstrip()[-self.config.announce_chars :]
        named = [t for t in specific if t.covered_by(tail)]
        if not named:
            return None
        after = min(
            (u for u in units if u.context.chunk_id == unit.context.chunk_id and u.start >= unit.end),
            key=lambda u: u.start,
            default=None,
        )
        if after is None or any(t.covered_by(after.text) for t in named):
            return None
        return after

    def _quotable(self, unit: Unit, asked: frozenset[str], dated: bool = False) -> bool:
        """Not document furniture (a notice's copy list), unless the question asks for that line (抄送, "cc"):
        `asked` is the labels of the question's topics. A document's cover (its title and month) only for a question
        asking when or for a document's date (`dated`): it says nothing else the title of every passage does not."""
        if is_cover(unit.context.chunk.metadata) and not dated:
            return False
        return not any(term not in asked and p.search(unit.text) for term, p in self.analyser.rules.furniture)

    @staticmethod
    def named_documents(topics: tuple[Topic, ...], units: list[Unit]) -> set[str]:
        """The titles of the documents the question names ("目录里…", "in the catalogue"): a document term in a
        title outside its 《》 quotes (the notice's title quotes the other two), when it names exactly one."""
        named = {t for t in topics if t.kind == "document"}
        titles = {title(u) for u in units}
        hits = {name for name in titles for t in named if any(a in QUOTED_TITLE.sub("", name) for a in t.alternatives)}
        return hits if len(hits) == 1 else set()

    def _in_present(self, unit: Unit) -> bool:
        """The unit sits in a section that states the present (the state of play: rules.yaml)."""
        return any(h in unit.section for h in self.analyser.rules.present_sections)

    def kind_rank(self, unit: Unit, order: tuple[str, ...], family: tuple[str, ...]) -> int:
        """The place in `order` of the best kind the unit names while stating the subject (len(order): none)."""
        if not self.answers_kind(unit, frozenset(order), family):
            return len(order)
        named = self.analyser.glossary.kinds_named(f"{unit.text}\n{unit.leaf}", self.analyser.rules.whole_area)
        return min(i for i, k in enumerate(order) if k in named)

    @staticmethod
    def kinship(unit: Unit, family: tuple[str, ...]) -> int:
        """How close the nearest word of the family the unit states is (0: the thing itself)."""
        low = unit.text.lower()
        return next((i for i, w in enumerate(family) if says_word(w, low)), len(family))

    def answers_kind(self, unit: Unit, kinds: frozenset[str], family: tuple[str, ...]) -> bool:
        """The unit (or its heading) names a thing of the kinds asked (a zone), and states the subject. The CBD
        (rules.yaml whole_area) is no answer to where in it something is ("where exactly will it sit": 商务区综合保税区
        names the CBD, not a place in it)."""
        named = self.analyser.glossary.kinds_named(f"{unit.text}\n{unit.leaf}", self.analyser.rules.whole_area)
        if not kinds & named:
            return False
        low = unit.text.lower()
        return not family or any(says_word(w, low) for w in family)

    def _choose(self, topics: tuple[Topic, ...], units: list[Unit], listing: bool) -> list[Unit]:
        if not units or units[0].coverage <= 0:
            return []
        c = self.config
        best = _because("best", units[0])
        chosen = [best]

        def room(u: Unit) -> bool:
            return len(chosen) < c.max_units and sum(len(x.text) for x in chosen) + len(u.text) <= c.max_chars

        # The best unit for each topic still uncovered: a second part or section. Not for the CBD (rules.yaml
        # whole_area), which any passage may say and none is about.
        whole = self.analyser.rules.whole_area
        for t in sorted(topics, key=lambda t: -t.weight):
            if t.label in whole or any(self.level(t, u) > 0 for u in chosen):
                continue
            for u in units:
                if u not in chosen and t.covered_by(u.text) and u.coverage >= c.part_coverage and room(u):
                    chosen.append(_because("topic", u))
                    break
        if listing:  # the opening of each sub-section retrieved under the best unit's section
            prefix = best.section + SECTION_SEP
            seen = {u.context.chunk_id for u in chosen}
            for u in sorted(units, key=lambda u: (u.context.rank, u.start)):
                if u.section.startswith(prefix) and u.context.chunk_id not in seen and room(u):
                    chosen.append(_because("list", u))
                    seen.add(u.context.chunk_id)
        # A question naming nothing but the CBD ("商务区到底多大？") ties every passage on it: a runner-up within the
        # margin is then no closer to what is asked than any other, and only the best (and the repairs) are quoted.
        if not any(t.label not in whole for t in self.analyser.specific(topics)):
            return chosen
        margin = c.list_margin if listing else c.margin
        for u in units[1:]:
            if u not in chosen and u.score >= best.score - margin and u.coverage >= c.part_coverage and room(u):
                chosen.append(_because("margin", u))
        return chosen
