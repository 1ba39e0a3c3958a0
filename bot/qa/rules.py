"""The question cues of `rules.yaml` and the stopwords of `stopwords.yaml`, loaded and validated once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError

RULES_FILE = Path(__file__).with_name("rules.yaml")
STOPWORDS_FILE = Path(__file__).with_name("stopwords.yaml")
LANGS = ("zh", "en")


@dataclass(frozen=True)
class FollowupRules:
    """When a question leans on the previous turn (see `followup` in rules.yaml)."""

    filler: re.Pattern[str]
    cue: re.Pattern[str]
    question_words: re.Pattern[str]
    pronoun: re.Pattern[str]
    pronoun_kinds: tuple[tuple[str, re.Pattern[str]], ...]  # (kind of referent, pattern)
    referent_kinds: dict[str, frozenset[str]]  # kind of pronoun → glossary kinds it may refer to
    frame_words: frozenset[str]
    document_words: frozenset[str]
    subject_kinds: frozenset[str]
    short_zh_chars: int
    short_en_words: int


@dataclass(frozen=True)
class Rules:
    """Compiled question cues; each pattern covers both languages."""

    figure: re.Pattern[str]
    asking: re.Pattern[str]
    date: re.Pattern[str]
    person: re.Pattern[str]  # the question asks who
    target_ask: re.Pattern[str]  # the question asks what is aimed for
    present: re.Pattern[str]
    present_sections: frozenset[str]  # headings of the sections that state the present (the state of play)
    formulae: frozenset[str]  # closing formulae of official documents (特此通知): never quoted on their own
    whole_area: frozenset[str]  # glossary names of the area the whole corpus is about (商务区)
    target_text: re.Pattern[str]
    meaning: re.Pattern[str]  # the question asks what a name means
    list: re.Pattern[str]
    list_before: re.Pattern[str]  # a list question's cue just before the name of what it lists
    list_after: re.Pattern[str]  # … or just after it
    asks_for_before: re.Pattern[str]  # a question word just before a class noun ("靠啥载体"): members are asked for
    asks_for_after: re.Pattern[str]  # …or just after it ("定位是要成为什么")
    asks_kind: tuple[tuple[str, re.Pattern[str]], ...]  # (kind of thing asked for, pattern)
    kind_referents: dict[str, tuple[str, ...]]  # kind asked for → glossary kinds that answer it, best first
    kind_words: frozenset[str]  # generic nouns a zone or place question asks with (片区)
    measure_words: str
    measure_units: frozenset[str]  # units a figure is written in (亿元, 平方公里)
    measure: re.Pattern[str]  # 几家 / 多少场 / 多少亿元: group 1 is the measure word or unit
    measure_noun: re.Pattern[str]  # 场次 / 家数: a count named by its measure word (group 1)
    counted_en: tuple[tuple[str, re.Pattern[str]], ...]  # (measure word, "how many <noun>" pattern)
    asked_thing_en: re.Pattern[str]  # the noun phrase an English question asks for: group `thing`
    asked_which_en: re.Pattern[str]  # the same after "what / which", up to the verb that asks: group `thing`
    figure_thing_en: re.Pattern[str]  # what an English figure question bounds or sums: group `thing`
    figure_noun_en: re.Pattern[str]  # what an English figure question prices or rates: group `thing`
    figure_quantity: tuple[tuple[str, re.Pattern[str]], ...]  # (quantity, the words naming it in either language)
    duration: re.Pattern[str]  # the question asks how long something takes
    duration_count: re.Pattern[str]  # a figure that counts time (3 小时)
    conditions: re.Pattern[str]  # the question asks what it takes to qualify or how to apply
    conditions_stated: re.Pattern[str]  # a sentence that states a condition or a procedure
    benefits: tuple[
        tuple[str, re.Pattern[str], re.Pattern[str]], ...
    ]  # (benefit, the question asks it, a sentence names it)
    furniture: tuple[tuple[str, re.Pattern[str]], ...]  # (glossary term that asks for it, the line's pattern)
    cover_says: frozenset[str]  # glossary terms a document's cover states besides its title (its date)
    question_word_zh: re.Pattern[str]
    which_count_zh: re.Pattern[str]  # 哪四个 / 哪两类: which-plus-a-count, a question word
    count_zh: re.Pattern[str]  # 三个 / 两类: a count in Chinese numerals
    part_break: re.Pattern[str]
    new_subject: re.Pattern[str]  # before a part: it asks about something new ("另外", "Separately,")
    joins: re.Pattern[str]  # all that may stand between two things a part names to read it as one part per thing
    between: re.Pattern[str]  # …before the first thing: the two are asked about together ("between X and Y")
    relation: re.Pattern[str]  # …after the second thing: the same ("X和Y的区别")
    question_cue: re.Pattern[str]
    short_year: re.Pattern[str]
    relay: re.Pattern[str]  # the opening of a relayed enquiry ("有客户问："): who asks, not what
    asker: re.Pattern[str]  # the opening of a statement about the asker ("We're a …", "我这边要…")
    asker_asks: re.Pattern[str]  # …which asks all the same ("我想了解一下…", "we'd like to know if …")
    chat_en: tuple[tuple[re.Pattern[str], str], ...]  # English chat shorthand ("r", "abt") and the words it stands for
    member_kinds: dict[str, frozenset[str]]  # a class noun → the glossary kinds that name its members
    members_before: re.Pattern[str]  # a question word in front of the phrase a class noun ends
    followup: FollowupRules
    zh_stop: frozenset[str]
    en_stop: frozenset[str]

    def is_target_year(self, number: str) -> bool:
        """A number that is a year aimed for (2025, 2035) as target_ask reads "by <year>"; not 2021 or 30."""
        return bool(self.target_ask.search(f"by {number}"))


def _compile(value: object, where: str) -> re.Pattern[str]:
    """One pattern from a string, or from a {zh, en, any} mapping (joined as alternatives)."""
    if isinstance(value, dict):
        unknown = set(value) - {*LANGS, "any"}
        if unknown:
            raise ConfigError(f"{RULES_FILE.name}: {where} has unknown keys {sorted(unknown)}: use zh, en or any.")
        parts = [str(value[k]) for k in ("any", "en", "zh") if value.get(k)]
    elif isinstance(value, str):
        parts = [value]
    else:
        raise ConfigError(f"{RULES_FILE.name}: {where} must be a pattern or a zh/en mapping of patterns.")
    try:
        return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{RULES_FILE.name}: {where} is not a valid pattern ({exc}).") from None


def _words(value: object, where: str) -> frozenset[str]:
    if isinstance(value, dict):
        return frozenset(w.lower() for k in LANGS for w in str(value.get(k, "")).split())
    raise ConfigError(f"{RULES_FILE.name}: {where} must be a zh/en mapping of space-separated words.")


def _shorthand(value: object) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each shorthand as a pattern matching it standing alone: not inside a word, a name or a short form ("R&D"); with
    the period of an abbreviation when the sentence goes on after it ("(approx. 800 staff)": no sentence ends there;
    not of one or two letters, which may be an initial: "N. Hongqiao")."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{RULES_FILE.name}: chat_en must map each shorthand to the words it stands for.")
    edge = r"[\w&/.'’-]"
    dot = r"(?:\.(?=\s+(?-i:[a-z0-9(])))?"
    return tuple(
        (re.compile(rf"(?<!{edge}){re.escape(str(k))}{dot if len(str(k)) > 2 else ''}(?!{edge})", re.IGNORECASE), v)
        for k, v in value.items()
    )


def _need(data: dict[str, Any], key: str, where: str = "") -> Any:
    if key not in data:
        raise ConfigError(f"{RULES_FILE.name}: {where}{key} is missing.")
    return data[key]


def parse_rules(data: dict[str, Any], stopwords: dict[str, Any]) -> Rules:
    """Rules from the parsed YAML files; a ConfigError names the first key that is missing or wrong."""
    measure_words = str(_need(data, "measure_words"))
    units = sorted(str(_need(data, "measure_units")).split(), key=len, reverse=True)  # longest first: 亿元 before 元
    words = str(_need(data, "measure_not_words")).split()  # words a measure character begins: 人才
    if not re.fullmatch(r"[\u3400-\u9fff]+", measure_words):
        raise ConfigError(f"{RULES_FILE.name}: measure_words must be Chinese characters only.")
    counted = _need(data, "counted_en")
    if not isinstance(counted, dict):
        raise ConfigError(f"{RULES_FILE.name}: counted_en must map a measure word to English nouns.")
    year = _need(data, "short_year")
    not_after, not_before = re.escape(str(year["not_after"])), re.escape(str(year["not_before"]))
    f = _need(data, "followup")
    kinds = f.get("subject_kinds")
    if not isinstance(kinds, list) or not kinds:
        raise ConfigError(f"{RULES_FILE.name}: followup.subject_kinds must be a list of glossary kinds.")
    if set(data.get("asks_kind") or {}) != set(data.get("kind_referents") or {}):
        raise ConfigError(f"{RULES_FILE.name}: asks_kind and kind_referents must name the same kinds.")
    if set(f.get("pronoun_kinds") or {}) != set(f.get("referent_kinds") or {}):
        raise ConfigError(f"{RULES_FILE.name}: followup.pronoun_kinds and referent_kinds must name the same kinds.")
    return Rules(
        figure=_compile(_need(data, "figure"), "figure"),
        asking=_compile(_need(data, "asking"), "asking"),
        date=_compile(_need(data, "date"), "date"),
        person=_compile(_need(data, "person"), "person"),
        target_ask=_compile(_need(data, "target_ask"), "target_ask"),
        present=_compile(_need(data, "present"), "present"),
        present_sections=_words(_need(data, "present_sections"), "present_sections"),
        whole_area=_words(_need(data, "whole_area"), "whole_area"),
        formulae=_words(_need(data, "formulae"), "formulae"),
        target_text=_compile(_need(data, "target_text"), "target_text"),
        meaning=_compile(_need(data, "meaning"), "meaning"),
        list=_compile(_need(data, "list"), "list"),
        list_before=_compile(_need(data, "list_head")["before"], "list_head.before"),
        list_after=_compile(_need(data, "list_head")["after"], "list_head.after"),
        asks_for_before=_compile(_need(data, "asks_for_before"), "asks_for_before"),
        asks_for_after=_compile(_need(data, "asks_for_after"), "asks_for_after"),
        asks_kind=tuple((str(k), _compile(v, f"asks_kind.{k}")) for k, v in _need(data, "asks_kind").items()),
        kind_referents={str(k): tuple(v) for k, v in _need(data, "kind_referents").items()},
        kind_words=_words(_need(data, "kind_words"), "kind_words"),
        measure_words=measure_words,
        measure_units=frozenset(units),
        measure=re.compile(
            rf"(?:(?<![哪那这])几|多少)\s*({'|'.join(map(re.escape, units))}|(?!{'|'.join(map(re.escape, words))})"
            rf"[{measure_words}])"
        ),
        measure_noun=re.compile(rf"([{measure_words}])[次数]"),
        counted_en=tuple(
            (str(m), re.compile(rf"\bhow many\b(?:\s+[\w-]+){{0,3}}?\s+(?:{nouns})\b", re.IGNORECASE))
            for m, nouns in counted.items()
        ),
        asked_thing_en=_compile(_need(data, "asked_thing_en"), "asked_thing_en"),
        asked_which_en=_compile(_need(data, "asked_which_en"), "asked_which_en"),
        figure_thing_en=_compile(_need(data, "figure_thing_en"), "figure_thing_en"),
        figure_noun_en=_compile(_need(data, "figure_noun_en"), "figure_noun_en"),
        figure_quantity=tuple(
            (str(k), _compile(v, f"figure_quantity.{k}")) for k, v in _need(data, "figure_quantity").items()
        ),
        duration=_compile(_need(_need(data, "duration"), "asks", "duration."), "duration.asks"),
        conditions=_compile(_need(_need(data, "conditions"), "asks", "conditions."), "conditions.asks"),
        conditions_stated=_compile(_need(data["conditions"], "states", "conditions."), "conditions.states"),
        benefits=tuple(
            (
                str(k),
                _compile(_need(v, "asks", f"benefits.{k}."), f"benefits.{k}.asks"),
                _compile(_need(v, "states", f"benefits.{k}."), f"benefits.{k}.states"),
            )
            for k, v in _need(data, "benefits").items()
        ),
        duration_count=_compile(
            rf"\d\s*(?:多|余)?\s*(?:{_need(data['duration'], 'counts', 'duration.')})", "duration.counts"
        ),
        furniture=tuple((str(k), _compile(v, f"furniture.{k}")) for k, v in _need(data, "furniture").items()),
        cover_says=_words(_need(data, "cover_says"), "cover_says"),
        question_word_zh=_compile(_need(data, "question_word_zh"), "question_word_zh"),
        which_count_zh=_compile(_need(data, "which_count_zh"), "which_count_zh"),
        count_zh=_compile(_need(data, "count_zh"), "count_zh"),
        part_break=_compile(_need(data, "part_break"), "part_break"),
        new_subject=_compile(_need(data, "new_subject"), "new_subject"),
        joins=_compile(_need(_need(data, "coordination"), "joins", "coordination."), "coordination.joins"),
        between=_compile(_need(data["coordination"], "between", "coordination."), "coordination.between"),
        relation=_compile(_need(data["coordination"], "relation", "coordination."), "coordination.relation"),
        question_cue=_compile(_need(data, "question_cue"), "question_cue"),
        short_year=re.compile(rf"(?<![\d.{not_after}])([0-4]\d)\s*年(?![{not_before}])"),
        relay=_compile(_need(data, "relay"), "relay"),
        asker=_compile(_need(_need(data, "asker"), "opens", "asker."), "asker.opens"),
        asker_asks=_compile(_need(data["asker"], "asks", "asker."), "asker.asks"),
        chat_en=_shorthand(_need(data, "chat_en")),
        member_kinds={str(k): frozenset(v) for k, v in _need(_need(data, "members"), "kinds", "members.").items()},
        members_before=_compile(_need(data["members"], "before", "members."), "members.before"),
        followup=FollowupRules(
            filler=_compile(_need(f, "filler", "followup."), "followup.filler"),
            cue=_compile(_need(f, "cue", "followup."), "followup.cue"),
            question_words=_compile(_need(f, "question_words", "followup."), "followup.question_words"),
            pronoun=_compile(_need(f, "pronoun", "followup."), "followup.pronoun"),
            pronoun_kinds=tuple(
                (str(k), _compile(v, f"followup.pronoun_kinds.{k}"))
                for k, v in _need(f, "pronoun_kinds", "followup.").items()
            ),
            referent_kinds={str(k): frozenset(v) for k, v in _need(f, "referent_kinds", "followup.").items()},
            frame_words=_words(_need(f, "frame_words", "followup."), "followup.frame_words"),
            document_words=_words(_need(f, "document_words", "followup."), "followup.document_words"),
            subject_kinds=frozenset(str(k) for k in kinds),
            short_zh_chars=int(_need(f, "short_zh_chars", "followup.")),
            short_en_words=int(_need(f, "short_en_words", "followup.")),
        ),
        zh_stop=frozenset(str(stopwords["zh"]).split() + str(stopwords.get("zh_fluff", "")).split()),
        en_stop=frozenset(str(stopwords["en"]).split()),
    )


@cache
def rules() -> Rules:
    """The project's rules, read from the package's data files once per process."""

    def read(path: Path) -> dict[str, Any]:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path.name} cannot be read ({type(exc).__name__}): restore it from git.") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path.name} must be a mapping of rule names to patterns.")
        return data

    return parse_rules(read(RULES_FILE), read(STOPWORDS_FILE))
