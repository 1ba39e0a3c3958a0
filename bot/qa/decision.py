"""The answer-or-refuse decision as a small, transparent model over named features.

Three of the checks (check.py) ask one question three ways, each with its own threshold: does the evidence
cover what the question asks about? Unknown words (`unknown_topic`), too little of the question covered
(`low_support`), nothing specific matched (`nothing_specific`). `DecisionModel` asks it once: a logistic
model over the named features below, fitted on every committed eval set with cross-validation by set
(`hqbot eval decide`, evals/decide.py), its weights and the figures that chose it stored in
`decision.json` beside this file. Which of the two decides is that file's `use` ("model" or "rules"): the
one with fewer out-of-fold errors.

Features are computed from the analysis and the chosen units only, so a part of a question is decided the
same way as a whole one.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from bot.qa.analyse import QueryAnalysis
from bot.qa.select import Selection, Selector

MODEL_FILE = Path(__file__).with_name("decision.json")


@dataclass(frozen=True)
class Features:
    """What the decision reads of a question and its chosen evidence (each named for what it measures)."""

    support: float  # weighted share of the question's topics the chosen sentences cover (their passage counts less)
    specific_covered: float  # share of the specific things asked that a chosen sentence or its heading states
    best_sentence: float  # the best single sentence's share of the question's topics
    unknown_weight: float  # share of the question's topic weight in words the documents never use
    unknown_things: float  # things named (nouns) that the documents never name, counted
    dense: float  # best cosine similarity between the question and a cited passage
    keyword: float  # log(1 + best keyword score of a cited passage)

    def vector(self) -> list[float]:
        return [float(getattr(self, f.name)) for f in fields(self)]

    def to_json(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


FEATURES: tuple[str, ...] = tuple(f.name for f in fields(Features))


def features(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Features:
    """The named features of a question (or one of its parts) and the units chosen to answer it."""
    topics = analysis.topics
    chosen = list(selection.chosen)
    total = sum(t.weight for t in topics) or 1.0
    specific = selector.analyser.specific(topics)
    stated = [t for t in specific if any(selector.level(t, u) >= selector.config.in_section for u in chosen)]
    return Features(
        support=selection.support,
        specific_covered=len(stated) / len(specific) if specific else 0.0,
        best_sentence=max((u.coverage for u in chosen), default=0.0),
        unknown_weight=sum(t.weight for t in topics if not t.known) / total,
        unknown_things=float(len(analysis.unknown_nouns)),
        dense=max((u.context.dense for u in chosen), default=0.0),
        keyword=math.log1p(max((u.context.keyword for u in chosen), default=0.0)),
    )


@dataclass(frozen=True)
class DecisionModel:
    """A logistic model: p(covered) = σ(bias + Σ weight·(x − mean)/scale); refuse below `threshold`."""

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    threshold: float = 0.5
    names: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        if self.names != FEATURES:
            raise ValueError(f"the decision model was fitted on features {self.names}, the engine computes {FEATURES}")
        if not len(self.weights) == len(self.means) == len(self.scales) == len(FEATURES):
            raise ValueError("the decision model has one weight, mean and scale per feature")

    def probability(self, x: Features) -> float:
        z = self.bias + sum(
            w * (v - m) / s for w, v, m, s in zip(self.weights, x.vector(), self.means, self.scales, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def covers(self, x: Features) -> bool:
        return self.probability(x) >= self.threshold

    def explain(self, x: Features) -> list[tuple[str, float]]:
        """Each feature's contribution to the log-odds, largest first (why it answered or refused)."""
        parts = [
            (n, w * (v - m) / s)
            for n, w, v, m, s in zip(self.names, self.weights, x.vector(), self.means, self.scales, strict=True)
        ]
        return sorted(parts, key=lambda p: -abs(p[1]))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.names),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "means": [round(m, 6) for m in self.means],
            "scales": [round(s, 6) for s in self.scales],
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecisionModel:
        return cls(
            weights=tuple(float(w) for w in data["weights"]),
            bias=float(data["bias"]),
            means=tuple(float(m) for m in data["means"]),
            scales=tuple(float(s) for s in data["scales"]),
            threshold=float(data.get("threshold", 0.5)),
            names=tuple(data["features"]),
        )


def fitted_decision(path: Path = MODEL_FILE) -> tuple[str, DecisionModel | None]:
    """decision.json's side that decides ("model" or "rules") and its fitted model (None when there is no file)."""
    if not path.is_file():
        return "rules", None
    data = json.loads(path.read_text(encoding="utf-8"))
    return str(data.get("use", "rules")), DecisionModel.from_json(data["model"])


def load_decision(path: Path = MODEL_FILE) -> DecisionModel | None:
    """The fitted model when its file says to use it, None when the rules decide (or there is no file)."""
    use, model = fitted_decision(path)
    return model if use == "model" else None
