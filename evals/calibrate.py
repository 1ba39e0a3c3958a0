"""`hqbot eval calibrate`: the refusal trade-off. For each value of one answer threshold, the share of
answerable questions refused, the unanswerable questions answered, and the key facts in the answers,
through the same `ask` path as the UI, over one or more eval sets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.qa.decision import MODEL_FILE, DecisionModel, fitted_decision
from evals.dataset import EvalItem, load_dataset
from evals.score import item_values

DEFAULT_VALUES = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
#: The sweep parameter that stands for the fitted decision model's threshold (bot/qa/decision.json).
MODEL_THRESHOLD = "model_threshold"


@dataclass(frozen=True)
class TradeOff:
    """One threshold value and what it does to refusals and answers."""

    value: float
    answerable: int
    false_abstain: int  # answerable questions refused outright
    unanswerable: int
    answered_unanswerable: int  # unanswerable questions answered as if the documents covered them
    fact_in_answer: float
    partial_answerable: int = 0  # answerable questions answered with a part marked not stated
    partial_unanswerable: int = 0  # unanswerable questions answered with what the documents do say, marked

    @property
    def false_abstain_rate(self) -> float:
        return self.false_abstain / self.answerable if self.answerable else 0.0

    @property
    def abstain_on_unanswerable(self) -> float:
        return 1 - self.answered_unanswerable / self.unanswerable if self.unanswerable else 0.0


def sweep(assistant: Any, items: list[EvalItem], parameter: str, values: list[float]) -> list[TradeOff]:
    """Ask every item once per value of `parameter` (a field of `bot.qa.config.EngineConfig`), each value
    with a fresh assistant over the same model and index."""
    if parameter != MODEL_THRESHOLD and parameter not in {f.name for f in dataclasses.fields(assistant.config)}:
        raise ValueError(f"{parameter!r} is not an answer threshold; see EngineConfig in bot/qa/config.py.")
    rows = []
    for value in values:
        trial = assistant.with_config(**changes(parameter, value))
        refused = answered = found = partial = marked = 0
        for item in items:
            answer = trial.ask(item.question, item.history)
            values = item_values(item, answer.to_json())  # scored as `hqbot eval` scores it
            if item.answerable:
                refused += answer.abstained
                partial += (not answer.abstained) and any(p.status == "not_stated" for p in answer.parts)
                found += values["fact_in_answer"]
            else:
                answered += values["answered_as_covered"]
                marked += (not answer.abstained) and not values["answered_as_covered"]
        n_ans = sum(i.answerable for i in items)
        rows.append(
            TradeOff(
                value, n_ans, refused, len(items) - n_ans, answered, found / n_ans if n_ans else 0.0, partial, marked
            )
        )
    return rows


def fitted_model() -> DecisionModel:
    """The decision model of decision.json, whichever side decides."""
    _, model = fitted_decision()
    if model is None:
        raise ValueError(f"{MODEL_FILE} is missing: run `hqbot eval decide --write` first.")
    return model


def changes(parameter: str, value: float) -> dict[str, Any]:
    """The engine settings one sweep value stands for: a field of EngineConfig, or the decision model's
    threshold (the model then decides, in the rules' place)."""
    if parameter == MODEL_THRESHOLD:
        return {"decision": dataclasses.replace(fitted_model(), threshold=value)}
    return {parameter: value}


def load_sets(paths: list[Path]) -> list[EvalItem]:
    return [item for path in paths for item in load_dataset(path)]


def table(rows: list[TradeOff], parameter: str, current: float) -> str:
    """The trade-off as a terminal table; the value in use is marked."""
    lines = [
        f"{parameter:>10}  answerable refused  answerable partial  unanswerable as covered  unanswerable partial"
        "  fact_in_answer"
    ]
    for r in rows:
        mark = "  <- in use" if abs(r.value - current) < 1e-9 else ""
        lines.append(
            f"{r.value:>10g}  {r.false_abstain:>4}/{r.answerable:<4} {r.false_abstain_rate:6.1%}"
            f"  {r.partial_answerable:>8}/{r.answerable:<8}  {r.answered_unanswerable:>10}/{r.unanswerable:<12}"
            f"  {r.partial_unanswerable:>9}/{r.unanswerable:<10}  {r.fact_in_answer:6.3f}{mark}"
        )
    return "\n".join(lines)
