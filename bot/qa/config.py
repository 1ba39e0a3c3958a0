"""Every weight and threshold of the answer engine, in one frozen object, each with what it trades off.

The values were calibrated on the reference set (`hqbot eval`, `hqbot eval calibrate`); change one only with
the eval gate's figures beside it. Calibration builds one assistant per value (`dataclasses.replace`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EngineConfig:
    """Retrieval, selection and refusal settings."""

    # --- retrieval (bot/qa/retrieve.py) -------------------------------------------------------------
    # Weighted reciprocal-rank fusion. Measured on the reference set (recall@5 and MRR over a grid): keyword-
    # heavy fusion with a small constant beat equal weights, c = 60 and min-max score fusion. More keyword
    # weight favours exact document terms; more dense weight favours paraphrases.
    dense_weight: float = 1.0
    keyword_weight: float = 3.0
    rrf_c: int = 5
    # Each ranking is cut at this depth before fusion: deeper costs time and lets weak hits in.
    rank_depth: int = 30
    # A glossary term's related terms join the keyword query at this weight: higher finds more sections a
    # broad question may mean, lower keeps the ranking on the named term.
    related_weight: float = 0.35
    # Character bigrams inside longer Chinese words catch mis-segmented words; at full weight they drown
    # whole-word matches.
    bigram_weight: float = 0.5
    # The dense query reads the question's first characters (a longer one costs seconds, the keyword side
    # reads it all) and at most this many glossary terms (more cost tokens and add no recall).
    dense_chars: int = 400
    dense_terms: int = 4
    # Candidates fetched for reranking: more gives the rerank room, costs time.
    pool: int = 10

    # --- rerank (bot/qa/rerank.py) ------------------------------------------------------------------
    # Weight of a passage's topic coverage against its fused rank score (rank fusion rewards many hits on one
    # word; the question needs all its words).
    rerank: float = 1.0
    # "Already / so far / 目前": passages of the sections that state the present (rules.yaml present_sections) gain
    # this much, on the scale of a full topic coverage; more pulls present questions away from targets and measures.
    present_bonus: float = 0.6

    # --- select (bot/qa/select.py) ------------------------------------------------------------------
    contexts: int = 6  # passages read for the answer: more finds a second part's sentence, adds noise
    max_units: int = 5  # sentences quoted at most: longer answers cover more and are harder to read
    max_chars: int = 900  # characters quoted at most, for the same trade-off
    lead_chars: int = 20  # a first sentence this short ("北虹桥片区。") is a lead, quoted with the next one
    announce_chars: int = 20  # a name in a sentence's last this-many characters is announced, spelt out after it
    # How much a topic counts when the unit itself does not say it: a related term, its passage, its heading.
    # A related term a little under the word itself (0.98): a sentence naming the thing comes before one naming only
    # its field (虹桥大学's sentence before the talent sentences 人才 states it by). Measured over 39 sets: 1.0 → 0.98
    # no fact lost, 6 citations fewer; 0.9 lost 6 facts (related terms are near-synonyms as often: 重点布局, 重点发展).
    related: float = 0.98
    # A related term counts for a topic only when its idf is at least this share of the topic's: lower lets a broad
    # field stand for a named thing (贸易 for 全球贸易商计划); higher loses near-synonyms. Measured on 16 sets: 0.3 no
    # gain; 0.5 +3 facts and parts, 17 fewer off-topic passages; 0.7 +2 more facts but 2 parts wrongly not stated.
    related_idf: float = 0.5
    in_chunk: float = 0.7
    in_section: float = 0.6
    part_coverage: float = 0.25  # a unit added for an uncovered topic must cover this much of the question
    margin: float = 0.2  # runners-up within this score of the best are quoted too (more: fuller, noisier)
    list_margin: float = 0.25  # the same for list questions, which want every item
    # A part that borrows its subject is not stated when this share of its own words' weight is words the
    # documents never use.
    part_unknown: float = 0.5
    overview_factor: float = 0.85  # an overview lists names: prefer the passage about the thing itself
    rank_bonus: float = 0.12  # / rank: ties between units go to the better-retrieved passage
    heading_bonus: float = 0.15  # the unit's own heading names what is asked: it is about it, not mentioning it
    figure_bonus: float = 0.08  # a figure question prefers units that hold figures
    date_bonus: float = 0.15  # a date question prefers units that hold a date
    present_unit_bonus: float = 0.15  # an "already / so far" question prefers units of the state of play
    # a question asking what is aimed for ("what they want to attract") prefers the plans to the state of play
    aim_unit_bonus: float = 0.15
    document_bonus: float = 0.15  # a question naming one document ("目录里…") prefers units of that document

    # --- topics (bot/qa/analyse.py) -----------------------------------------------------------------
    # Weights of topic words the documents never use, as a share of the highest idf: too high and any
    # unusual word refuses a question, too low and questions about things the documents lack are answered.
    unknown_en: float = 0.35
    # An English word the glossary cannot read but the documents' reviewed English uses ("exchanges", "names") is
    # a word of theirs the Chinese passages cannot show, not a sign that they lack the topic: it weighs less.
    english_said: float = 0.15
    unknown_zh_noun: float = 0.8
    unknown_zh_other: float = 0.3  # unknown Chinese words jieba does not tag as nouns: how people ask
    general: float = 0.25  # everyday glossary words (company, develop) frame a question, weigh little
    measure_weight: float = 0.5  # the measure word of "how many" (家, 场), as a share of the highest idf

    # --- checks (bot/qa/check.py) -------------------------------------------------------------------
    # The refusal floor: the share of the question's weighted topics the cited units must cover. Calibrated
    # on reference + heldout + blind: the top of the flat stretch before answerable questions are refused.
    support: float = 0.45
    specific: float = 0.2  # a topic at least this heavy (share of the highest idf) is "specific"
    unknown_terms: int = 2  # unknown nouns that refuse a question
    unknown_quantity: int = 1  # unknown nouns that refuse a figure question
    figure: float = 0.5  # share of a figure question's specific topics the figure's passage must state
    figure_search: int = 4  # passages with figures searched per part when the cited units lack the figure

    # --- the coverage decision (bot/qa/decision.py) ------------------------------------------------
    # Who decides whether the evidence covers the question: a fitted `DecisionModel`, or None for the three
    # coverage rules above (unknown_terms, support, specific). The assistant takes decision.json's choice.
    decision: Any = None
