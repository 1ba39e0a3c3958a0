"""Extractive answers: the sentences of the retrieved passages that answer the question, each cited [n],
quoted verbatim; and a calibrated "the documents do not say" when the evidence is weak."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.glossary import Glossary
from bot.retrieve import QueryPlan, Retrieved
from bot.text import content_terms, figures, nouns, numbers, sentences, split_parts
from bot.types import Citation

REFUSAL = {
    "zh": "文件中没有找到这个问题的答案（文件未说明）。以下是最接近的段落，仅供参考。",
    "en": "The documents do not say. The closest passages are listed below for reference.",
}
LEAD = {"zh": "根据文件：", "en": "According to the documents (quoted in Chinese):"}

_QUANTITY = re.compile(
    r"多少|(?<!哪)几[个家场项年成倍份条类种所座名位次期批]|多大|多高|多快|多久|多长|规模|体量|量级|金额|数量|比例|比重|增幅|增速|税率|价格|租金|面积|"
    r"\bhow (many|much|big|large|fast|high)\b|\b(size|amount|number|figure|rate|percent|percentage|share|price|"
    r"cost|budget|revenue|value|growth)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Composition:
    """What the composer decided: the text, its citations, and the refusal reason when it refuses."""

    text: str
    citations: list[Citation]
    abstained: bool
    support: float
    reason: str | None
    figure_gap: bool = False  # the top passages lacked the figure asked for (refused, or repaired from lower down)


@dataclass(frozen=True)
class _Group:
    """One thing the question asks about, satisfied by any of its alternative document words."""

    label: str
    alternatives: tuple[str, ...]
    weight: float
    text: str = ""
    related: tuple[str, ...] = ()
    known: bool = True
    number: bool = False
    general: bool = False
    kind: str = ""


@dataclass
class _Unit:
    """A quotable piece of a retrieved passage (a sentence, or a whole catalogue row)."""

    context: Retrieved
    start: int
    end: int
    score: float = 0.0
    coverage: float = 0.0

    @property
    def text(self) -> str:
        return self.context.chunk.text[self.start : self.end]

    @property
    def chunk_text(self) -> str:
        return self.context.chunk.text

    @property
    def section(self) -> str:
        return str(self.context.chunk.metadata.get("section", ""))


@dataclass(frozen=True)
class Thresholds:
    """Answer-selection and refusal settings, calibrated on the reference set (`hqbot eval`)."""

    support: float = 0.45
    max_units: int = 5
    max_chars: int = 900
    part_coverage: float = 0.25
    contexts: int = 6
    in_chunk: float = 0.7
    in_section: float = 0.6
    related: float = 1.0
    margin: float = 0.2
    rerank: float = 1.0
    pool: int = 10
    list_margin: float = 0.25
    unknown_en: float = 0.35
    unknown_zh_other: float = 0.3  # unknown Chinese words jieba does not tag as nouns (里算, 一类): how people ask
    unknown_terms: int = 2
    specific: float = 0.2
    general: float = 0.25
    figure: float = 0.5
    unknown_quantity: int = 1


_ASKING = re.compile(r"how (many|much|big|large|fast|high)|多少|多大|多高|多快|多久|多长")
_WHEN = re.compile(r"什么时候|何时|哪天|哪一天|日期|\bwhen\b|\bwhat date\b|\bwhich date\b", re.IGNORECASE)
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月")
# "How many … now / so far": the figure must describe the present, not a target.
_PRESENT = re.compile(
    r"\b(now|so far|currently|today|already|at present|to date)\b|目前|现在|现有|已经|至今|截至|眼下", re.IGNORECASE
)
_TARGET = re.compile(r"目标|争取|力争|到\s*20\d\d|\btarget|\bgoal")
# English "how many companies / exhibitions …" count in the documents' measure words.
_EN_COUNTED = {
    "家": r"companies|firms|enterprises|businesses|headquarters|hqs?|institutions|organi[sz]ations|agencies|banks",
    "场": r"exhibitions|expos|fairs|events|conferences|shows",
    "人": r"people|persons|employees|workers|talents|residents",
}
_EN_MEASURE = [
    (m, re.compile(rf"\bhow many\b(?:\s+[\w-]+){{0,3}}?\s+(?:{words})\b", re.I)) for m, words in _EN_COUNTED.items()
]
_MEASURE = re.compile(r"(?:(?<!哪)几|多少)([个家场项份条类种所座名位次期批])")
_LIST = re.compile(
    r"哪些|哪几|哪[一二三四五六七八九十两]|分别|都有|包括什么|\bwhich\b.*\b(are|ones)\b|\bwhat are\b|\blist\b|"
    r"\bname (the|all)\b|\bwhat (kinds|types|sectors|industries|zones|areas)\b",
    re.IGNORECASE,
)


_FIGURE_GAP = "asks for a figure, and no cited sentence gives one for "


class Composer:
    """Builds the extractive answer for a question from its retrieved passages."""

    def __init__(
        self,
        glossary: Glossary,
        doc_freq: dict[str, int],
        n_docs: int,
        corpus_text: str,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.glossary = glossary
        self.doc_freq = doc_freq
        self.n_docs = max(1, n_docs)
        self.corpus_text = corpus_text.lower()
        self.corpus_numbers = set(numbers(corpus_text))
        self.max_idf = math.log(1 + self.n_docs)
        self.thresholds = thresholds or Thresholds()
        # The figure checks analyse each part of a question once per candidate sentence: analyse it once.
        self._analysed = lru_cache(maxsize=4096)(self._analyse)

    # --- what the question asks ----------------------------------------------------------------
    def _idf(self, term: str) -> float:
        df = self.doc_freq.get(term.lower())
        if df is None:
            df = 1 if term.lower() in self.corpus_text else 0
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)) if df else self.max_idf

    def groups(self, question: str, related: bool = True) -> list[_Group]:
        """The question's topic words as groups of alternatives (glossary terms bring their document words);
        words the documents never use are marked unknown."""
        return list(self._analysed(question, related, self.thresholds))

    def _analyse(self, question: str, related: bool, thresholds: Thresholds) -> tuple[_Group, ...]:
        groups: list[_Group] = []
        covered = [False] * len(question)
        # A phrase that names several terms ("how big": area or scale) is one group, satisfied by any of them.
        spans: dict[tuple[int, int], list] = {}
        for m in self.glossary.match_chinese(question) + self.glossary.match_english(question):
            spans.setdefault((m.start, m.end), []).append(m)
        for (start, end), ms in spans.items():
            if any(covered[start:end]):
                continue
            for i in range(start, end):
                covered[i] = True
            named = [x for x in ms if x.term.kind != "general"] or ms
            m = min(named, key=lambda x: self._idf(x.term.zh))  # the commoner specific reading labels the group
            alts = tuple(dict.fromkeys(a for x in ms for a in (x.term.zh, *x.term.zh_aliases, x.text)))
            general = all(x.term.kind == "general" for x in ms)
            weight = self._idf(m.term.zh) * (thresholds.general if general else 1.0)
            rel = tuple(r for x in ms for r in x.term.related) if related else ()
            groups.append(_Group(m.term.zh, alts, weight, m.text, rel, general=general, kind=m.term.kind))
        rest = "".join(" " if c else ch for ch, c in zip(question, covered, strict=True))
        # The measure word of a "how many" question (几份 → 份, 多少家 → 家) is what the answer's number counts.
        for unit in _MEASURE.findall(rest):
            groups.append(_Group(unit, (unit,), 0.5 * self.max_idf, unit))
        for n in numbers(rest):
            groups.append(_Group(n, (n,), self._idf(n), n, known=n in self.corpus_numbers, number=True))
        for term in content_terms(rest):
            if term.isdigit() or any(term in g.alternatives for g in groups):
                continue
            known = term.lower() in self.corpus_text
            if known:
                weight = self._idf(term)
            else:
                weight = self.max_idf * (
                    thresholds.unknown_en
                    if term.isascii()
                    else 0.8
                    if term in nouns(question)
                    else thresholds.unknown_zh_other
                )
            groups.append(_Group(term, (term,), weight, term, known=known))
        return tuple(groups)

    def missing_numbers(self, question: str) -> list[str]:
        """Numbers the question names that appear nowhere in the documents (e.g. a 2030 target)."""
        return [n for n in numbers(question) if n not in self.corpus_numbers and len(n) >= 2]

    @staticmethod
    def asks_quantity(question: str) -> bool:
        return bool(_QUANTITY.search(question))

    # --- scoring -------------------------------------------------------------------------------
    @staticmethod
    def _covers(group: _Group, text: str) -> bool:
        low = text.lower()
        return any(a.lower() in low for a in group.alternatives)

    def _states(self, group: _Group, unit: _Unit) -> bool:
        """True when the unit's own sentence, or the heading it sits under, names the group."""
        return self._covers(group, unit.text) or self._covers(group, unit.section.split(" › ")[-1])

    def _in_passage(self, group: _Group, unit: _Unit) -> bool:
        """True when the unit's passage or its heading path names the group."""
        return self._covers(group, unit.chunk_text) or self._covers(group, unit.section)

    def _level(self, group: _Group, unit: _Unit) -> float:
        """1 when the unit says it, less when it says a related term, or only its passage or heading does."""
        if self._covers(group, unit.text):
            return 1.0
        if group.related and any(r.lower() in unit.text.lower() for r in group.related):
            return self.thresholds.related
        if self._covers(group, unit.chunk_text):
            return self.thresholds.in_chunk
        if self._covers(group, unit.section):
            return self.thresholds.in_section
        return 0.0

    def _coverage(self, groups: list[_Group], units: list[_Unit]) -> float:
        total = sum(g.weight for g in groups)
        if not total or not units:
            return 0.0
        return sum(g.weight * max(self._level(g, u) for u in units) for g in groups) / total

    def rerank(self, plan: QueryPlan, retrieved: list[Retrieved], k: int) -> list[Retrieved]:
        """Reorder fused candidates by how much of the question each passage (with its headings) covers:
        rank fusion rewards many hits on one word, the question needs all of its words."""
        groups = self.groups(plan.question, related=plan.lang == "en")
        if not groups or not retrieved:
            return retrieved[:k]
        total = sum(g.weight for g in groups)
        best = max(r.score for r in retrieved) or 1.0

        def coverage(r: Retrieved) -> float:
            text = f"{r.chunk.metadata.get('section', '')}\n{r.chunk.text}".lower()
            return sum(g.weight for g in groups if any(a.lower() in text for a in g.alternatives)) / total

        scored = sorted(retrieved, key=lambda r: -(r.score / best + self.thresholds.rerank * coverage(r)))
        return [replace(r, rank=i) for i, r in enumerate(scored[:k], 1)]

    def _units(self, retrieved: list[Retrieved]) -> list[_Unit]:
        units = []
        for r in retrieved:
            text = r.chunk.text
            if r.chunk.metadata.get("kind") != "prose":
                units.append(_Unit(r, 0, len(text)))
                continue
            spans = sentences(text)
            # A lead sentence ("北虹桥片区。", "规模目标。") belongs with the sentence it introduces.
            if len(spans) > 1 and spans[0][1] - spans[0][0] <= 20:
                spans = [(spans[0][0], spans[1][1]), *spans[2:]]
            units.extend(_Unit(r, a, b) for a, b in spans)
        return units

    # --- the answer ----------------------------------------------------------------------------
    def compose(self, plan: QueryPlan, retrieved: list[Retrieved], extra: list[Retrieved] = ()) -> Composition:
        """The answer text, its citations, and whether (and why) the bot refuses. `extra` passages (found
        for a figure the first attempt missed) are read besides the top contexts."""
        lang = plan.lang
        groups = self.groups(plan.question, related=lang == "en")
        units = self._units([*retrieved[: self.thresholds.contexts], *extra])
        quantity = self.asks_quantity(plan.question)
        when = bool(_WHEN.search(plan.question))
        listing = bool(_LIST.search(plan.question))
        specific = self._specific(groups)
        for u in units:
            u.coverage = self._coverage(groups, [u])
            if u.context.chunk.metadata.get("kind") == "catalogue_overview" and not listing:
                u.coverage *= 0.85  # an overview lists names; prefer the passage about the thing
            u.score = u.coverage + 0.12 / u.context.rank
            # A passage whose own heading (or catalogue row's 发展方向) names what is asked about is about it,
            # not just mentioning it.
            leaf = f"{u.section.split(' › ')[-1]} {u.context.chunk.metadata.get('direction', '')}"
            u.score += 0.15 if any(self._covers(g, leaf) for g in specific) else 0.0
            u.score += 0.08 if quantity and figures(u.text) else 0.0
            u.score += 0.15 if when and _DATE.search(u.text) else 0.0
        units.sort(key=lambda u: -u.score)
        chosen = self._select(groups, units, listing)
        repaired = False
        if quantity and self._figure_gap(plan.question, chosen):
            # "How many …": bring in the best sentence that gives the figure, when selection missed it.
            fixes = [
                u
                for u in units
                if u not in chosen and figures(u.text) and not self._figure_gap(plan.question, [*chosen, u])
            ]
            if fixes:  # the one most about the question, not merely the first that has the right kind of number
                chosen.append(max(fixes, key=lambda u: (u.coverage, u.score)))
                repaired = True
        support = self._coverage(groups, chosen)
        reason = self._refusal(plan.question, groups, chosen, support, quantity)
        if reason:
            gap = quantity and reason.startswith(_FIGURE_GAP)
            return Composition(REFUSAL[lang], [], True, support, reason, figure_gap=gap)
        text, citations = self._render(lang, chosen)
        return Composition(text, citations, False, support, None, figure_gap=repaired)

    def _refusal(
        self, question: str, groups: list[_Group], chosen: list[_Unit], support: float, quantity: bool
    ) -> str | None:
        """Why the documents cannot answer this question, or None when they can."""
        t = self.thresholds
        if not chosen:
            return "no retrieved sentence shares a topic word with the question"
        if missing := self.missing_numbers(question):
            return f"the documents never mention {', '.join(missing)}"
        unknown = self._unknown_nouns(question, groups)
        if quantity and len(unknown) >= t.unknown_quantity:
            return f"asks for a figure about {'、'.join(unknown)}, which the documents never mention"
        if len(unknown) >= t.unknown_terms:
            return f"the documents never mention {'、'.join(unknown)}"
        if support < t.support:
            return f"the evidence covers {support:.0%} of the question (needs {t.support:.0%})"
        specific = self._specific(groups)
        if not any(self._level(g, u) > 0 for g in specific for u in chosen):
            return "the question names nothing specific that the documents discuss"
        if quantity and (gap := self._figure_gap(question, chosen)):
            return f"{_FIGURE_GAP}{gap}"
        return None

    @staticmethod
    def _unknown_nouns(question: str, groups: list[_Group]) -> list[str]:
        """Chinese things the question asks about that the documents never name (写字楼, 租金, 所得税);
        unknown verbs and fillers (比如, 进驻, 中间) are how people ask, not what they ask about."""
        unknown = [g.label for g in groups if not g.known and not g.number and not g.label.isascii()]
        if not unknown:
            return []
        named = nouns(question)
        return [w for w in unknown if w in named]

    def _specific(self, groups: list[_Group]) -> list[_Group]:
        """The things a question names that the documents discuss (not everyday words, not numbers)."""
        floor = self.thresholds.specific * self.max_idf
        return [g for g in groups if g.known and not g.number and not g.general and g.weight >= floor]

    def _figure_gap(self, question: str, chosen: list[_Unit]) -> str | None:
        """For each part of the question that asks "how much / how many": every year it names, and most of
        what it asks about, must be in passages whose cited sentences hold numbers. Returns what is missing."""
        with_numbers = [u for u in chosen if figures(u.text)]
        if not with_numbers:
            return "the question"
        parts = [p for p in split_parts(question) if self.groups(p)] or [question]
        for part in parts:
            if not self.asks_quantity(part) and len(parts) > 1:
                continue
            groups = [g for g in self.groups(part) if not _ASKING.fullmatch(g.text.lower())]
            # Every number the part names (a glossary phrase such as "by 2025" may have taken it) and the
            # measure word must meet in one passage: a 2025 target of 100 场 does not answer how many were
            # held in 2021.
            years = [_Group(n, (n,), 0.0, n, number=True) for n in dict.fromkeys(numbers(part))]
            holding = [u for u in with_numbers if all(self._in_passage(g, u) for g in years)]
            if not holding:
                return "、".join(g.label for g in years)
            # 多少场 / how many … 家: a cited number must count in that measure word.
            for m in [*_MEASURE.findall(part), *(m for m, pattern in _EN_MEASURE if pattern.search(part))]:
                holding = [u for u in holding if re.search(rf"\d\s*(?:多|余)?\s*{m}", u.text)]
                if not holding:
                    return f"the number of {m}"
            if _PRESENT.search(part):
                holding = [u for u in holding if not _TARGET.search(f"{u.section.split(' › ')[-1]} {u.text}")]
                if not holding:
                    return "the present figure"
            # Everyday concepts (zone, target, headquarters) frame the question; the figure must be about
            # the named things (an industry, a zone, a measure, a place).
            specific = [g for g in self._specific(groups) if g.kind != "concept"]
            total = sum(g.weight for g in specific)
            covered = [g for g in specific if any(self._states(g, u) for u in holding)]
            if total and sum(g.weight for g in covered) < self.thresholds.figure * total:
                return "、".join(g.label for g in specific if g not in covered)
        return None

    def _select(self, groups: list[_Group], units: list[_Unit], listing: bool) -> list[_Unit]:
        """The best unit; then the best unit for each thing asked that is still uncovered (multi-part and
        two-section questions); then, for list questions, the opening of each sub-section retrieved under
        the best unit's section; then same-topic siblings."""
        if not units or units[0].coverage <= 0:
            return []
        t = self.thresholds
        best = units[0]
        chosen = [best]

        def room(u: _Unit) -> bool:
            return len(chosen) < t.max_units and sum(len(c.text) for c in chosen) + len(u.text) <= t.max_chars

        for g in sorted(groups, key=lambda g: -g.weight):
            if any(self._level(g, u) > 0 for u in chosen):
                continue
            for u in units:
                if u not in chosen and self._covers(g, u.text) and u.coverage >= t.part_coverage and room(u):
                    chosen.append(u)
                    break
        if listing:
            prefix = best.section + " › "
            seen = {u.context.chunk_id for u in chosen}
            for u in sorted(units, key=lambda u: (u.context.rank, u.start)):
                if u.section.startswith(prefix) and u.context.chunk_id not in seen and room(u):
                    chosen.append(u)
                    seen.add(u.context.chunk_id)
        for u in units[1:]:
            margin = t.list_margin if listing else t.margin
            if u not in chosen and u.score >= best.score - margin and u.coverage >= t.part_coverage and room(u):
                chosen.append(u)
        return chosen

    def _render(self, lang: str, chosen: list[_Unit]) -> tuple[str, list[Citation]]:
        order: dict[str, int] = {}
        for u in sorted(chosen, key=lambda u: u.context.rank):
            order.setdefault(u.context.chunk_id, len(order) + 1)
        by_chunk: dict[str, list[_Unit]] = {}
        for u in chosen:
            by_chunk.setdefault(u.context.chunk_id, []).append(u)
        lines = [LEAD[lang]]
        citations: list[Citation] = []
        for cid, n in sorted(order.items(), key=lambda kv: kv[1]):
            units = sorted(by_chunk[cid], key=lambda u: u.start)
            ctx = units[0].context
            meta = ctx.chunk.metadata
            # Adjacent sentences of one passage are quoted as one span, so the quote stays verbatim.
            spans: list[list[int]] = []
            for u in units:
                if spans and ctx.chunk.text[spans[-1][1] : u.start].strip() == "":
                    spans[-1][1] = u.end
                else:
                    spans.append([u.start, u.end])
            for a, b in spans:
                quote = ctx.chunk.text[a:b].strip()
                heading = _heading(str(meta.get("section", "")), quote)
                lines.append(f"- {heading}{quote.replace(chr(10), chr(10) + '  ')} [{n}]")
                citations.append(
                    Citation(
                        n=n,
                        chunk_id=cid,
                        source=str(meta.get("source", "")),
                        title=str(meta.get("title", "")),
                        section=str(meta.get("section", "")),
                        quote=quote,
                        text=ctx.chunk.text,
                        score=round(ctx.score, 6),
                        section_en=self.section_en(str(meta.get("section", ""))) if lang == "en" else None,
                    )
                )
        return "\n".join(lines), citations

    def section_en(self, section: str) -> str:
        """The section path with the glossary's English labels beside the Chinese names."""
        parts = []
        for part in section.split(" › "):
            label = self.glossary.label(part)
            parts.append(f"{part} ({label})" if label else part)
        return " › ".join(parts)


def _heading(section: str, quote: str) -> str:
    """The deepest heading of a passage, as a prefix for its quote, unless the quote already names it."""
    leaf = section.split(" › ")[-1] if " › " in section else ""
    name = re.sub(r"^[（(][一二三四五六七八九十]+[）)]|^[一二三四五六七八九十]+、|^\d+\.\s*", "", leaf)
    if not leaf or name in quote or quote.startswith(name.split("：")[0]):
        return ""
    return f"【{leaf}】"
