"""Stage 5, check: whether the documents answer the question, as an ordered list of checks.

Each check looks at the analysis and the selection and returns a typed `Refusal` or None; the first refusal
wins. The order goes from the plainest reason (nothing found) to the subtlest (a figure asked for and not
given), so the reason shown is the most basic one that applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.qa.analyse import QueryAnalysis
from bot.qa.decision import features
from bot.qa.figures import date_event_en, figure_gap, says_en
from bot.qa.select import Selection, Selector
from bot.types import Refusal, RefusalCode

Check = Callable[[QueryAnalysis, Selection, Selector], Refusal | None]


def no_evidence(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    if not selection.chosen:
        return Refusal(RefusalCode.NO_EVIDENCE, "no retrieved sentence shares a topic word with the question")
    return None


def unknown_number(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    if analysis.missing_numbers:
        return Refusal(RefusalCode.UNKNOWN_NUMBER, f"the documents never mention {', '.join(analysis.missing_numbers)}")
    return None


def unknown_figure_topic(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    unknown = analysis.unknown_nouns
    if analysis.asks_figure and len(unknown) >= selector.config.unknown_quantity:
        detail = f"asks for a figure about {_names(unknown)}, which the documents never mention"
        return Refusal(RefusalCode.UNKNOWN_FIGURE_TOPIC, detail)
    return None


def unknown_person(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    """ "管委会现在的主任是谁？": who holds a post the documents never name is a detail of its subject they leave
    open, as a figure of something they never name is."""
    unknown = analysis.unknown_nouns
    if analysis.asks_person and len(unknown) >= selector.config.unknown_quantity:
        detail = f"asks who holds {_names(unknown)}, which the documents never mention"
        return Refusal(RefusalCode.UNKNOWN_PERSON, detail)
    return None


def unknown_topic(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    if len(analysis.unknown_nouns) >= selector.config.unknown_terms:
        return Refusal(RefusalCode.UNKNOWN_TOPIC, f"the documents never mention {_names(analysis.unknown_nouns)}")
    return None


def low_support(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    floor = selector.config.support
    if selection.support < floor:
        detail = f"the evidence covers {selection.support:.0%} of the question (needs {floor:.0%})"
        return Refusal(RefusalCode.LOW_SUPPORT, detail)
    return None


def nothing_specific(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    """Some specific thing asked must be stated; a year or number the documents use counts ("2021年…增长咋样")."""
    specific = [*selector.analyser.specific(analysis.topics), *(t for t in analysis.topics if t.number and t.known)]
    if _about_the_documents(analysis, selection, selector):
        return None
    if not any(selector.level(t, u) > 0 for t in specific for u in selection.chosen):
        return Refusal(RefusalCode.NOTHING_SPECIFIC, "the question names nothing specific that the documents discuss")
    return None


def _about_the_documents(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> bool:
    """The question is about the documents themselves ("这个规划和目录是谁编制的？", "who drew up the catalogue?"):
    it names one, and a cited sentence states everything else it asks (编制), in words the documents use."""
    named = [t for t in analysis.topics if t.kind == "document"]
    asked = [t for t in analysis.topics if t.kind != "document" and not t.number]
    return bool(named and asked) and all(
        t.known and any(selector.level(t, u) >= 1.0 for u in selection.chosen) for t in asked
    )


def figure_missing(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    if analysis.asks_figure and (gap := figure_gap(analysis, list(selection.chosen), selector)):
        return Refusal(RefusalCode.FIGURE_MISSING, f"asks for a figure, and no cited sentence gives one for {gap}")
    return None


def kind_missing(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    """ "Which zone …?", "Where …?": a cited sentence, or the heading it sits under, must name a zone (a place),
    and the sentence must state the main thing the question names (its subject), when it names one."""
    kind = analysis.whole.asks_kind
    if kind is None:
        return None
    # "Which zone suits EV makers?": the zone's sentence must state the main thing the question names (or a
    # term of its family: the industry it belongs to), not only name a zone.
    kinds, family = selector.analyser.kind_subject(analysis)
    if any(selector.answers_kind(u, kinds, family) for u in selection.chosen):
        return None
    return Refusal(RefusalCode.KIND_MISSING, f"asks for a {kind}, and no cited sentence names one for what it asks")


def date_missing(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    """ "When …?", "哪年…？": a cited sentence must give a date or a year; in English, one whose English says what the
    date is of, when no glossary term names it ("by what date must they report back": the print date is no reporting
    deadline)."""
    if not analysis.asks_date:
        return None
    dated = [u for u in selection.chosen if _YEARISH.search(u.text)]
    one = len(analysis.parts) <= 1  # a multi-part question: each part is checked on its own (parts.py)
    if dated and one and analysis.lang == "en" and (event := date_event_en(analysis, selector)):
        dated = [u for u in dated if u.english is None or says_en(u.english, event)]
    if not dated:
        return Refusal(RefusalCode.DATE_MISSING, "asks when, and no cited sentence gives a date or a year")
    return None


def conditions_missing(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    """ "What are the eligibility criteria?", "申请条件是什么？": a cited sentence must state a condition or a
    procedure (条件, 申请, 标准, …); the documents' plans for a programme are not its entry rules."""
    rules = selector.analyser.rules
    if len(analysis.parts) > 1:
        return None  # each part is checked on its own (parts.py): the one asking how to apply is marked
    if rules.conditions.search(analysis.text) and not any(
        rules.conditions_stated.search(u.text) for u in selection.chosen
    ):
        return Refusal(RefusalCode.CONDITIONS_MISSING, "asks how to qualify or apply, and no cited sentence says")
    return None


def benefit_missing(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    """ "What tax incentives apply to aircraft lessors?", "有没有税收优惠": a benefit asked for by name must be named by
    a cited sentence (or its reviewed English); the documents' support for the business is no tax break."""
    rules = selector.analyser.rules
    if len(analysis.parts) > 1:
        return None  # each part is checked on its own (parts.py)
    for benefit, asks, states in rules.benefits:
        if asks.search(analysis.text) and not any(
            states.search(f"{u.text} {u.english or ''}") for u in selection.chosen
        ):
            return Refusal(RefusalCode.BENEFIT_MISSING, f"asks about {benefit}, and no cited sentence names one")
    return None


def _names(words: tuple[str, ...]) -> str:
    """Words listed in their own language's way ("cash, reward"; "租金、所得税")."""
    return ", ".join(words) if all(w.isascii() for w in words) else "、".join(words)


_YEARISH = re.compile(r"(?:19|20)\d\d\s*年|\d{4}\s*年\s*\d{1,2}\s*月")


def not_covered(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    """The fitted decision model (decision.py) in place of the three coverage rules."""
    model = selector.config.decision
    x = features(analysis, selection, selector)
    p = model.probability(x)
    if p < model.threshold:
        against = [name for name, part in model.explain(x) if part < 0][:2]
        detail = f"the evidence covers the question with probability {p:.2f} (needs {model.threshold:.2f})"
        detail += f"; held back most by {' and '.join(against)}" if against else ""
        unknown = bool(against) and against[0].startswith("unknown")  # the words it asks about are not there
        return Refusal(RefusalCode.UNKNOWN_TOPIC if unknown else RefusalCode.LOW_SUPPORT, detail)
    return None


#: Is anything there at all? Asked before coverage.
PRECHECKS: tuple[Check, ...] = (no_evidence, unknown_number, unknown_figure_topic, unknown_person)
#: Does the evidence cover what the question asks about? Asked three ways by the rules, once by the model.
COVERAGE: tuple[Check, ...] = (unknown_topic, low_support, nothing_specific)
#: Is the detail asked for there? Asked after coverage, of evidence that covers the subject.
DETAILS: tuple[Check, ...] = (figure_missing, kind_missing, date_missing, conditions_missing, benefit_missing)
CHECKS: tuple[Check, ...] = (*PRECHECKS, *COVERAGE, *DETAILS)
#: The same order with the decision model where the three coverage rules stood.
MODEL_CHECKS: tuple[Check, ...] = (*PRECHECKS, not_covered, *DETAILS)


def checks(selector: Selector) -> tuple[Check, ...]:
    """The ordered checks: the rules, or the decision model in the rules' place when one is configured."""
    return CHECKS if selector.config.decision is None else MODEL_CHECKS


def check(analysis: QueryAnalysis, selection: Selection, selector: Selector) -> Refusal | None:
    """The first refusal of the ordered checks, or None when the documents answer the question."""
    for rule in checks(selector):
        if (refusal := rule(analysis, selection, selector)) is not None:
            return refusal
    return None
