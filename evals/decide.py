"""`hqbot eval decide`: fit the answer-or-refuse model (bot/qa/decision.py) and compare it with the rules.

Every item of every committed set gives one row: the named features of its question and chosen evidence, and
its label: what the decision should say given what the rest of the engine does with the question when the
decision lets it through (see `label`). The model is a logistic regression (classes weighted equally, a small
L2 penalty) fitted by Newton's method; its threshold stops the most unanswerable training rows while refusing
at most REFUSED_BUDGET of the answerable ones. Cross-validation is by set: for each set, fit on
all the others, then ask that set's questions through the real `ask` with the fitted model, and count its
errors (answerable questions refused outright, unanswerable ones answered as if covered). The rules are
asked the same questions. The model is written to decision.json as `use` only when its out-of-fold errors are
lower than the rules' by more than one item's worth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.qa.decision import FEATURES, MODEL_FILE, DecisionModel, Features, features
from evals.dataset import EvalItem, load_dataset
from evals.score import item_values

REFUSED_BUDGET = 0.03  # share of the training rows' answerable questions the threshold may refuse (target: 5 %)
L2 = 1.0  # penalty on the standardised weights: keeps eight weights fitted on ~600 rows from chasing noise


@dataclass
class Row:
    item: EvalItem
    set: str
    x: Features
    y: int | None  # what the decision should say; None when the checks after it decide the item either way


def open_gate() -> DecisionModel:
    """A model that lets every question through: what the later checks and the parts do on their own."""
    n = len(FEATURES)
    return DecisionModel(weights=(0.0,) * n, bias=0.0, means=(0.0,) * n, scales=(1.0,) * n, threshold=0.0)


def label(item: EvalItem, open_answer: dict[str, Any]) -> int | None:
    """What the coverage decision should say, given what the rest of the engine does when it lets the question
    through: 1 for an answerable question the engine then answers; 0 for an unanswerable one it would then
    answer as if covered (only the decision can stop it); None when the later checks refuse, or mark the
    missing part not stated, without it (the decision does not change the outcome)."""
    if item.answerable:
        return None if open_answer["abstained"] else 1
    return 0 if item_values(item, open_answer)["answered_as_covered"] else None


def collect(assistant: Any, sets: dict[str, list[EvalItem]]) -> list[Row]:
    """The features of every item's question and chosen evidence (through `ask`'s own first stages), and its
    label from the answer the engine gives with the decision left open."""
    rows = []
    opened = assistant.with_config(decision=open_gate())
    for name, items in sets.items():
        for item in items:
            analysis, _, _, selection = assistant.evidence(item.question, item.history)
            x = features(analysis, selection, assistant.engine.selector)
            rows.append(Row(item, name, x, label(item, opened.ask(item.question, item.history).to_json())))
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> DecisionModel:
    """Weighted logistic regression on standardised features, then the threshold that stops the most unanswerable
    rows while refusing at most REFUSED_BUDGET of the answerable ones."""
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - means) / scales])
    pos = y.sum()
    sample = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * (len(y) - pos)))
    beta = np.zeros(z.shape[1])
    penalty = np.diag([0.0] + [l2] * (z.shape[1] - 1))
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -30, 30)))
        grad = z.T @ (sample * (p - y)) + penalty @ beta
        hess = (z * (sample * p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    p = 1 / (1 + np.exp(-np.clip(z @ beta, -30, 30)))
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    # The targets bound answerable questions refused (5 %); within that, stop the most unanswerable ones.
    allowed = [t for t in grid if np.mean(p[y == 1] < t) <= REFUSED_BUDGET] or [grid[0]]
    threshold = float(min(allowed, key=lambda t: (np.mean(p[y == 0] >= t), abs(t - 0.5))))
    return DecisionModel(
        weights=tuple(float(b) for b in beta[1:]),
        bias=float(beta[0]),
        means=tuple(float(m) for m in means),
        scales=tuple(float(s) for s in scales),
        threshold=threshold,
    )


def fit_rows(rows: list[Row]) -> DecisionModel:
    """The model fitted on the rows whose outcome the decision changes."""
    rows = [r for r in rows if r.y is not None]
    return fit(np.array([r.x.vector() for r in rows]), np.array([r.y for r in rows], dtype=float))


@dataclass
class Errors:
    """What one decision does to one set, asked through `ask`."""

    answerable: int = 0
    refused: int = 0  # answerable questions refused outright
    unanswerable: int = 0
    answered: int = 0  # unanswerable questions answered as if the documents covered them
    facts: float = 0.0  # answerable questions whose key facts are in the answer
    items: list[str] = field(default_factory=list)  # ids of the items it got wrong

    def add(self, other: Errors) -> None:
        self.answerable += other.answerable
        self.refused += other.refused
        self.unanswerable += other.unanswerable
        self.answered += other.answered
        self.facts += other.facts
        self.items += other.items

    @property
    def refused_rate(self) -> float:
        return self.refused / self.answerable if self.answerable else 0.0

    @property
    def answered_rate(self) -> float:
        return self.answered / self.unanswerable if self.unanswerable else 0.0

    @property
    def cost(self) -> float:
        """The sum of the two error rates: each kind of error counts for its share of its own items."""
        return self.refused_rate + self.answered_rate

    def to_json(self) -> dict[str, Any]:
        return {
            "answerable_refused": f"{self.refused}/{self.answerable}",
            "unanswerable_answered": f"{self.answered}/{self.unanswerable}",
            "refused_rate": round(self.refused_rate, 4),
            "answered_rate": round(self.answered_rate, 4),
            "fact_in_answer": round(self.facts / self.answerable, 4) if self.answerable else 0.0,
            "wrong": self.items,
        }


def errors(assistant: Any, items: list[EvalItem]) -> Errors:
    out = Errors()
    for item in items:
        answer = assistant.ask(item.question, item.history)
        values = item_values(item, answer.to_json())
        if item.answerable:
            out.answerable += 1
            out.refused += answer.abstained
            out.facts += values["fact_in_answer"]
            if answer.abstained:
                out.items.append(item.id)
        else:
            out.unanswerable += 1
            out.answered += int(values["answered_as_covered"])
            if values["answered_as_covered"]:
                out.items.append(item.id)
    return out


@dataclass
class Comparison:
    """Out-of-fold errors of the model beside the rules' errors, per held-out set and in all."""

    model: dict[str, Errors]
    rules: dict[str, Errors]
    final: DecisionModel

    def total(self, side: dict[str, Errors]) -> Errors:
        out = Errors()
        for e in side.values():
            out.add(e)
        return out

    @property
    def margin(self) -> float:
        """The resolution of the comparison: one item of the smaller class, as a share of that class."""
        r = self.total(self.rules)
        return 1 / min(r.answerable, r.unanswerable) if min(r.answerable, r.unanswerable) else 0.0

    @property
    def use(self) -> str:
        """The model decides when its out-of-fold errors are lower than the rules' by more than one item's worth
        (`margin`); a smaller difference is within what one question more or less would change."""
        better = self.total(self.rules).cost - self.total(self.model).cost
        return "model" if better > self.margin + 1e-9 else "rules"


def cross_validate(assistant: Any, paths: list[Path]) -> Comparison:
    """Leave one set out: fit on the others' rows, ask the held-out set with that fit; the rules beside it."""
    sets = {p.stem: load_dataset(p) for p in paths}
    base = assistant.with_config(decision=None)  # the rules choose the evidence the features are read from
    rows = collect(base, sets)
    model_errors, rule_errors = {}, {}
    for name, items in sets.items():
        fold = fit_rows([r for r in rows if r.set != name])
        model_errors[name] = errors(assistant.with_config(decision=fold), items)
        rule_errors[name] = errors(base, items)
    return Comparison(model_errors, rule_errors, fit_rows(rows))


def write(comparison: Comparison, path: Path = MODEL_FILE) -> None:
    """decision.json: the model fitted on every set, which side decides, and the figures that chose it."""
    data = {
        "use": comparison.use,
        "why": "the model decides when the sum of its two out-of-fold error rates is lower than the rules' by more "
        "than one item of the smaller class (hqbot eval decide)",
        "model": comparison.final.to_json(),
        "out_of_fold": {
            "model": comparison.total(comparison.model).to_json() | {"wrong": None},
            "rules": comparison.total(comparison.rules).to_json() | {"wrong": None},
        },
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def table(comparison: Comparison) -> str:
    """Per held-out set: answerable refused and unanswerable answered as covered, model beside rules."""
    lines = [f"{'held-out set':<14} {'model: refused':>15} {'answered':>9} {'facts':>6}   {'rules: refused':>15} "
             f"{'answered':>9} {'facts':>6}"]  # fmt: skip

    def cells(e: Errors) -> str:
        facts = e.facts / e.answerable if e.answerable else 0.0
        return f"{e.refused:>9}/{e.answerable:<5} {e.answered:>4}/{e.unanswerable:<4} {facts:6.3f}"

    for name in comparison.model:
        lines.append(f"{name:<14} {cells(comparison.model[name])}   {cells(comparison.rules[name])}")
    m, r = comparison.total(comparison.model), comparison.total(comparison.rules)
    lines.append(f"{'all':<14} {cells(m)}   {cells(r)}")
    lines.append(
        f"error rates: model {m.refused_rate:.1%} refused + {m.answered_rate:.1%} answered = {m.cost:.3f}; "
        f"rules {r.refused_rate:.1%} + {r.answered_rate:.1%} = {r.cost:.3f}; the model must be lower by more than "
        f"{comparison.margin:.3f} (one item) -> {comparison.use} decides"
    )
    final = comparison.final
    lines.append("model fitted on every set (weight per standard deviation of each feature):")
    lines += [f"  {n:<17} {w:+.3f}" for n, w in zip(FEATURES, final.weights, strict=True)]
    lines.append(f"  {'bias':<17} {final.bias:+.3f}   threshold {final.threshold:.2f}")
    return "\n".join(lines)
