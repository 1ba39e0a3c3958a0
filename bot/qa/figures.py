"""Does a set of cited units give the figure a "how many / how much" question asks for?

Used by select (to bring in the unit that holds a missing figure) and by check (to refuse when none does).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.qa.analyse import QueryAnalysis, Topic
from bot.qa.text import figures

if TYPE_CHECKING:
    from bot.qa.select import Selector, Unit


def _in_passage(topic: Topic, unit: Unit) -> bool:
    """True when the unit's passage or its heading path names the topic."""
    return topic.covered_by(unit.chunk_text) or topic.covered_by(unit.section)


def _states(topic: Topic, unit: Unit, chosen: list[Unit]) -> bool:
    """True when the unit's own quote (with the chosen units next to it in its passage, as they are quoted
    together), or the heading it sits under, names the topic."""
    return topic.covered_by(_quoted(unit, chosen)) or topic.covered_by(unit.leaf)


def _quoted(unit: Unit, chosen: list[Unit]) -> str:
    """The text quoted with a unit: it and the chosen units of its passage that touch it, merged."""
    same = sorted((u for u in chosen if u.context.chunk_id == unit.context.chunk_id), key=lambda u: u.start)
    text = unit.chunk_text
    start, end = unit.start, unit.end
    for u in reversed(same):  # grow left, then right, over adjacent chosen units (only blanks between)
        if u.end <= start and not text[u.end : start].strip():
            start = u.start
    for u in same:
        if u.start >= end and not text[end : u.start].strip():
            end = u.end
    return text[start:end]


def figure_gap(analysis: QueryAnalysis, chosen: list[Unit], selector: Selector) -> str | None:
    """What is missing for a figure question, or None when the cited units give it: for each part that asks
    "how much / how many", every number the part names and its measure word must meet in one passage whose
    cited sentence holds a number ("now" needs a number outside the targets), and that passage must state
    most of what the part asks about."""
    rules = selector.analyser.rules
    with_numbers = [u for u in chosen if figures(u.text)]
    if not with_numbers:
        return "the question"
    parts = analysis.figure_parts
    for part in parts:
        if not part.asks_figure and len(parts) > 1:
            continue
        # A glossary phrase such as "by 2025" may have taken the year: check the part's numbers themselves.
        years = [Topic(n, (n,), 0.0, n, number=True) for n in part.numbers]
        holding = [u for u in with_numbers if all(_in_passage(y, u) for y in years)]
        if not holding:
            return "、".join(y.label for y in years)
        for m in part.measures:  # 多少场 / how many … 家: a cited number must count in that measure word
            holding = [u for u in holding if re.search(rf"\d\s*(?:多|余)?\s*{m}", u.text)]
            if not holding:
                return f"the number of {m}"
        if part.asks_present:
            holding = [u for u in holding if not rules.target_text.search(f"{u.leaf} {u.text}")]
            if not holding:
                return "the present figure"
        # Everyday concepts (zone, target, headquarters) frame the question; the figure must be about the
        # named things (an industry, a zone, a measure, a place).
        topics = [t for t in part.topics if not rules.asking.fullmatch(t.text.lower())]
        specific = [t for t in selector.analyser.specific(topics) if t.kind != "concept"]
        total = sum(t.weight for t in specific)
        covered = [t for t in specific if any(_states(t, u, chosen) for u in holding)]
        if total and sum(t.weight for t in covered) < selector.config.figure * total:
            return "、".join(t.label for t in specific if t not in covered)
    return None
