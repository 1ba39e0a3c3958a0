"""Does a set of cited units give the figure a "how many / how much" question asks for (and, in English, the date
a "when" question asks for: of the thing it dates)?

Used by select (to bring in the unit that holds a missing figure) and by check (to refuse when none does).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.qa.analyse import QueryAnalysis, Topic
from bot.qa.rules import Rules
from bot.qa.text import asking_text, content_terms, figures, premises, stem, without_asker

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
        # A figure the question states as known ("21年税收346亿，…每年涨多少") is not one the answer must hold.
        known = premises(part.text)
        years = [Topic(n, (n,), 0.0, n, number=True) for n in part.numbers if n not in known]
        holding = [u for u in with_numbers if all(_in_passage(y, u) for y in years)]
        if not holding:
            return "、".join(y.label for y in years)
        for m in part.measures:  # 多少场 / how many … 家: a cited number must count in that measure word
            holding = [u for u in holding if re.search(rf"\d\s*(?:多|余)?\s*{m}", u.text)]
            if not holding:
                return f"the number of {m}"
        if rules.duration.search(part.text):  # "how long does it take": a figure that counts time
            holding = [u for u in holding if rules.duration_count.search(u.text)]
            if not holding:
                return "how long it takes"
        if part.asks_present:
            holding = [u for u in holding if not rules.target_text.search(f"{u.leaf} {u.text}")]
            if not holding:
                return "the present figure"
        if part.asks_target:  # "how many headquarters do they want by then": the figure aimed for, not today's
            holding = [u for u in holding if rules.target_text.search(f"{u.leaf} {u.text}")]
            if not holding:
                return "the target figure"
        asking = asking_text(part.text)
        quantities = [(q, says) for q, says in rules.figure_quantity if says.search(asking)]
        for quantity, says in quantities:
            # "展览面积有没有定个目标": a figure of the quantity asked (an area), named by its sentence or its English.
            holding = [u for u in holding if says.search(f"{u.leaf} {u.text} {u.english or ''}")]
            if not holding:
                return quantity
        if analysis.lang == "en" and (thing := _thing_en(part.text, part.topics, rules)):
            # "the minimum registered capital": a cited figure's English must say what is measured, when no glossary
            # term names it (the 2025 target of 1,500 foreign-invested companies is no minimum capital).
            holding = [u for u in holding if u.english is None or says_en(u.english, thing)]
            if not holding:
                return " ".join(thing)
        # Everyday concepts (zone, target, headquarters) frame the question; the figure must be about the
        # named things (an industry, a zone, a measure, a place).
        topics = [t for t in part.topics if not rules.asking.fullmatch(t.text.lower())]
        # A quantity of concepts only ("展览面积有没有定个目标": exhibitions, area, target), or an amount asked in a
        # unit ("这只基金的规模是多少亿元"), is of those concepts: an area that is the CBD's own is no
        # exhibition area, a GDP target in 亿元 no fund's size.
        named = selector.analyser.specific(topics)
        amount = any(m in rules.measure_units for m in part.measures)
        specific = [t for t in named if t.kind != "concept"] or (named if quantities or amount else [])
        # What the asker says of themselves ("We provide aviation services.") is not what the figure counts.
        specific = [t for t in specific if not t.text or t.text.lower() in asking.lower()] or specific
        # A section's name ("already": 发展基础) says where a figure sits and a measure word (家) how it counts (both
        # checked above), not what it counts, when the part names something else: a concept it counts ("目前已经引进了
        # 多少会展相关企业": 会展) when it names no other thing.
        # (not a word for a kind of place: "how many aviation firms are located there" counts no zones)
        concepts = [
            t for t in named if t.kind == "concept" and t.label not in part.measures and t.label not in rules.kind_words
        ]
        specific = [t for t in specific if t.kind != "section" and t.label not in part.measures] or concepts or specific
        # Every figure of the documents is of the CBD (rules.yaml whole_area): "based in the CBD" says where, not what.
        specific = [t for t in specific if t.label not in rules.whole_area]
        # A year the part names is where the figure must sit (checked above), not what it counts ("2021年外贸进出口总额"
        # is not answered by 2021's tax total).
        specific = [t for t in specific if not t.number] or specific
        # A word of the documents that names nothing (带动 in "进博会带动下会展相关的企业引进了多少家") says how the
        # figure came about, not what it counts, when the part names something: the things named must be stated.
        specific = [t for t in specific if t.kind] or specific
        total = sum(t.weight for t in specific)
        # …in one passage: a total of 2021 in one sentence and trade in another are no 2021 trade total.
        said = max(holding, key=lambda u: sum(t.weight for t in specific if _states(t, u, chosen)), default=None)
        covered = [t for t in specific if said is not None and _states(t, said, chosen)]
        if total and sum(t.weight for t in covered) < selector.config.figure * total:
            return "、".join(t.label for t in specific if t not in covered)
    return None


def _thing_en(text: str, topics: tuple[Topic, ...], rules: Rules) -> list[str]:
    """The words of what an English figure question measures ("minimum registered capital": capital) that neither a
    glossary term of the question names nor ask for a figure themselves (number, size, rate)."""
    low = text.lower()
    named = {w for t in topics if t.known for w in re.findall(r"[a-z]+", t.text.lower())}
    things = [m["thing"] for m in rules.figure_thing_en.finditer(low)]
    # "what's the total number of …": the bounded phrase is read once, without its bound
    things += [m["thing"] for m in rules.asked_thing_en.finditer(low) if not rules.figure_thing_en.match(m["thing"])]
    things += [m["thing"] for m in rules.figure_noun_en.finditer(low)]
    words = [w for thing in things for w in content_terms(thing)]
    return [w for w in dict.fromkeys(words) if w.isalpha() and w not in named and not rules.figure.search(w)]


def date_event_en(analysis: QueryAnalysis, selector: Selector) -> list[str]:
    """The words of what an English date question dates ("by what date must they report back": report) that no
    glossary term of the question names, that do not ask for the date themselves, and that the documents' English
    never uses (a word it does use, "carry", is how people ask, which a dated sentence need not say)."""
    analyser = selector.analyser
    low = analyser.rules.date.sub(" ", without_asker(analysis.text).lower())  # not "Journalist here."'s words
    named = {w for t in analysis.topics if t.known for w in re.findall(r"[a-z]+", t.text.lower())}
    words = [w for w in content_terms(low) if w.isalpha() and w not in named]
    # an adverb of manner ("officially released") says how the event happened, not which event it is
    words = [w for w in words if not (w.endswith("ly") and len(w) > 4)]
    return [w for w in dict.fromkeys(words) if not analyser.vocabulary.says_in_english(w)]


def says_en(english: str, words: list[str]) -> bool:
    """The English says every word in some form ("capitals" for "capital"; the doer's "issuer" for "issued")."""
    said = {stem(w) for w in re.findall(r"[a-z]+", english.lower())}
    return all(stem(w) in said or (len(w) > 5 and w[-2:] in ("er", "or") and stem(w[:-2]) in said) for w in words)
