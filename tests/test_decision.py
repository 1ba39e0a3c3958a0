"""The answer-or-refuse decision: its features on hand-built inputs, the model, its fit and its place among
the checks."""

import dataclasses
import json

import numpy as np
import pytest

from bot.qa.check import CHECKS, MODEL_CHECKS, check, checks, not_covered
from bot.qa.config import EngineConfig
from bot.qa.decision import FEATURES, DecisionModel, Features, features, load_decision
from bot.qa.select import Selection, Selector, units_of
from bot.types import RefusalCode
from evals.dataset import EvalItem
from evals.decide import fit, label, open_gate
from tests.stages import analysis, passage, tiny_analyser, topic

NORTH = units_of([passage("北虹桥片区。重点发展汽车新势力、低碳新能源等产业。", dense=0.8, keyword=4.0)], 20)


def _selector(decision=None) -> Selector:
    config = EngineConfig(decision=decision)
    return Selector(tiny_analyser("北虹桥片区", "南虹桥片区", "会展", "汽车", "金融", config=config))


def _model(**weights: float) -> DecisionModel:
    """A model that reads only the named features, each standardised as is (mean 0, scale 1)."""
    n = len(FEATURES)
    return DecisionModel(
        weights=tuple(weights.get(f, 0.0) for f in FEATURES),
        bias=weights.get("bias", 0.0),
        means=(0.0,) * n,
        scales=(1.0,) * n,
    )


def test_features_name_what_the_evidence_covers() -> None:
    selector = _selector()
    a = analysis(topic("北虹桥片区", 2.0), topic("写字楼", 1.0, known=False), unknown_nouns=("写字楼",))
    x = features(a, Selection(tuple(NORTH), tuple(NORTH), 0.6), selector)
    assert x.support == 0.6
    assert x.unknown_weight == pytest.approx(1 / 3)
    assert x.unknown_things == 1.0
    assert x.specific_covered == 1.0  # 北虹桥片区 is stated; the unknown word is not specific
    assert x.dense == pytest.approx(0.8)
    assert x.keyword == pytest.approx(np.log1p(4.0))
    empty = features(a, Selection((), (), 0.0), selector)
    assert empty.best_sentence == empty.dense == empty.specific_covered == 0.0


def test_the_model_is_a_logistic_over_standardised_features_and_explains_itself() -> None:
    model = _model(support=4.0, unknown_weight=-6.0, bias=-2.0)
    covered = Features(1.0, 1.0, 1.0, 0.0, 0.0, 0.5, 1.0)
    unknown = dataclasses.replace(covered, unknown_weight=0.8)
    assert model.probability(covered) == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert model.covers(covered) and not model.covers(unknown)
    assert model.explain(unknown)[0] == ("unknown_weight", pytest.approx(-4.8))
    assert DecisionModel.from_json(model.to_json()) == model


def test_a_model_fitted_on_other_features_is_refused() -> None:
    with pytest.raises(ValueError, match="features"):
        DecisionModel((1.0,), 0.0, (0.0,), (1.0,), names=("dense",))


def test_the_model_takes_the_place_of_the_three_coverage_rules_only() -> None:
    assert checks(_selector()) is CHECKS
    model_checks = checks(_selector(_model(bias=1.0)))
    assert model_checks is MODEL_CHECKS and not_covered in model_checks
    assert len(MODEL_CHECKS) == len(CHECKS) - 2  # unknown_topic, low_support and nothing_specific become one


def test_the_model_decides_where_the_rules_would_refuse_and_says_why() -> None:
    a = analysis(topic("北虹桥片区", 2.0))
    weak = Selection(tuple(NORTH), tuple(NORTH), 0.3)  # the rules' support floor (0.45) refuses this
    assert check(a, weak, _selector()).code is RefusalCode.LOW_SUPPORT
    assert check(a, weak, _selector(_model(support=1.0, bias=0.0))) is None  # p = σ(0.3) > 0.5
    centred = dataclasses.replace(_model(support=2.0), means=(0.8,) + (0.0,) * (len(FEATURES) - 1))
    refusal = check(a, weak, _selector(centred))  # z = 2 × (0.3 − 0.8) = −1
    assert refusal.code is RefusalCode.LOW_SUPPORT
    assert "probability 0.27" in refusal.detail and "held back most by support" in refusal.detail
    unknown = analysis(topic("北虹桥片区", 2.0), topic("写字楼", 2.0, known=False))
    by_words = check(unknown, Selection(tuple(NORTH), tuple(NORTH), 1.0), _selector(_model(unknown_weight=-10.0)))
    assert by_words.code is RefusalCode.UNKNOWN_TOPIC


def test_fit_separates_what_the_features_separate_and_keeps_within_the_refusal_budget() -> None:
    rng = np.random.default_rng(0)
    n = 400
    x = rng.uniform(0, 1, size=(n, len(FEATURES)))
    y = (x[:, FEATURES.index("support")] > 0.4).astype(float)
    model = fit(x, y)
    assert max(model.weights, key=abs) == model.weights[FEATURES.index("support")] > 0
    p = np.array([model.probability(Features(*row)) for row in x])
    assert np.mean(p[y == 1] < model.threshold) <= 0.03
    assert np.mean(p[y == 0] >= model.threshold) < 0.1


def _item(answerable: bool) -> EvalItem:
    return EvalItem("x", "zh", "zone" if answerable else "unanswerable", "问题？", "", ["北虹桥"] if answerable else [])


def test_labels_are_what_the_decision_should_say_given_the_rest_of_the_engine() -> None:
    answered = {"answer": "北虹桥", "abstained": False, "parts": [], "citations": []}
    marked = {**answered, "parts": [{"status": "not_stated"}]}
    refused = {"answer": "", "abstained": True, "parts": [], "citations": []}
    assert label(_item(True), answered) == 1
    assert label(_item(True), refused) is None  # a later check refused it: the decision cannot help
    assert label(_item(False), answered) == 0  # only the decision can stop it being answered as covered
    assert label(_item(False), marked) is None  # the missing part is already marked not stated
    assert open_gate().covers(Features(0, 0, 0, 1, 5, 0, 0))


def test_decision_json_names_the_side_that_decides(tmp_path) -> None:
    path = tmp_path / "decision.json"
    data = {"use": "rules", "model": _model(bias=1.0).to_json()}
    path.write_text(json.dumps(data))
    assert load_decision(path) is None
    path.write_text(json.dumps({**data, "use": "model"}))
    assert load_decision(path) == _model(bias=1.0)
    assert load_decision(tmp_path / "missing.json") is None


def test_the_model_decides_only_when_it_errs_less_by_more_than_one_item() -> None:
    from evals.decide import Comparison, Errors

    def side(refused: int, answered: int) -> dict[str, Errors]:
        return {"a": Errors(answerable=100, refused=refused, unanswerable=20, answered=answered)}

    final = _model(bias=1.0)
    assert Comparison(side(2, 3), side(2, 4), final).use == "rules"  # one item fewer: within the resolution
    assert Comparison(side(2, 2), side(2, 4), final).use == "model"  # two items fewer
    assert Comparison(side(2, 4), side(2, 3), final).use == "rules"
    assert Comparison(side(2, 2), side(2, 4), final).margin == pytest.approx(1 / 20)
