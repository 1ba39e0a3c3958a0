"""Builders of hand-made stage inputs: chunks, retrieved passages, topics and analyses."""

from __future__ import annotations

from bot.qa.analyse import Analyser, PartAnalysis, QueryAnalysis, Topic
from bot.qa.config import EngineConfig
from bot.qa.followup import Reading
from bot.qa.glossary import Glossary
from bot.qa.retrieve import Retrieved
from bot.qa.vocabulary import Vocabulary
from ingest.store import StoredChunk

SECTION = "产业发展规划 › 四、产业发展布局 › （二）四区：产业功能片区 › 北虹桥片区"


def passage(
    text: str,
    cid: str = "c1",
    *,
    section: str = SECTION,
    kind: str = "prose",
    rank: int = 1,
    score: float = 1.0,
    dense: float = 0.5,
    keyword: float | None = None,
    **meta: str,
) -> Retrieved:
    """A retrieved passage with its chunk (its keyword score is its fused score unless given)."""
    chunk = StoredChunk(cid, text, {"section": section, "kind": kind, "source": "plan.txt", "title": "规划", **meta})
    return Retrieved(chunk, score, dense, score if keyword is None else keyword, rank)


def topic(label: str, weight: float = 1.0, *alternatives: str, **kw) -> Topic:
    return Topic(label, (label, *alternatives), weight, text=label, **kw)


def analysis(
    *topics: Topic,
    text: str = "问题",
    lang: str = "zh",
    parts: tuple[PartAnalysis, ...] = (),
    asks_figure: bool = False,
    asks_list: bool = False,
    asks_date: bool = False,
    asks_person: bool = False,
    missing_numbers: tuple[str, ...] = (),
    unknown_nouns: tuple[str, ...] = (),
    measures: tuple[str, ...] = (),
    numbers: tuple[str, ...] = (),
    present: bool = False,
    list_heads: frozenset[str] = frozenset(),
) -> QueryAnalysis:
    whole = PartAnalysis(
        text, tuple(topics), asks_figure=asks_figure, asks_present=present, measures=measures, numbers=numbers
    )
    return QueryAnalysis(
        question=text,
        reading=Reading(text),
        text=text,
        lang=lang,
        whole=whole,
        parts=parts,
        asks_date=asks_date,
        asks_person=asks_person,
        asks_list=asks_list,
        list_heads=list_heads,
        missing_numbers=missing_numbers,
        unknown_nouns=unknown_nouns,
    )


def tiny_analyser(*texts: str, config: EngineConfig | None = None) -> Analyser:
    """An analyser over a few passages and an empty glossary (max idf = log(1 + number of passages))."""
    return Analyser(Glossary(), Vocabulary.of(texts or ["文本"]), config or EngineConfig())
