"""Stage 3, rerank: fused candidates reordered by how much of the question each passage covers.

Rank fusion rewards many hits on one word; a question needs all of its words. Each passage (with its
heading path) is scored by its fused score, normalised to the best, plus the weighted share of the
question's topics it names.
"""

from __future__ import annotations

from dataclasses import replace

from bot.qa.analyse import QueryAnalysis, Topic
from bot.qa.config import EngineConfig
from bot.qa.retrieve import Retrieved
from bot.qa.rules import rules


def coverage(topics: tuple[Topic, ...], text: str) -> float:
    """The weighted share of the topics the text names (0 when there are none)."""
    total = sum(t.weight for t in topics)
    if not total:
        return 0.0
    return sum(t.weight for t in topics if t.covered_by(text)) / total


def rerank(analysis: QueryAnalysis, retrieved: list[Retrieved], k: int, config: EngineConfig) -> list[Retrieved]:
    """The top `k` candidates by fused score plus topic coverage (plus a bonus, for a question about the present,
    for passages of the sections that state it), re-ranked 1..k."""
    topics = analysis.topics
    if not topics or not retrieved:
        return retrieved[:k]
    best = max(r.score for r in retrieved) or 1.0

    present_sections = rules().present_sections
    present = analysis.about_present and present_sections

    def score(r: Retrieved) -> float:
        section = str(r.chunk.metadata.get("section", ""))
        bonus = config.present_bonus if present and any(h in section for h in present_sections) else 0.0
        return r.score / best + config.rerank * coverage(topics, f"{section}\n{r.chunk.text}") + bonus

    ranked = sorted(retrieved, key=lambda r: -score(r))
    return [replace(r, rank=i) for i, r in enumerate(ranked[:k], 1)]
