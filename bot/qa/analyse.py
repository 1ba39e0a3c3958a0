"""Stage 1, analyse: what a question asks, as a frozen `QueryAnalysis` the later stages read.

It reads the question with the conversation (a follow-up is resolved first, see followup.py), normalises it,
detects its language, splits it into parts and finds the topics each part asks about: glossary terms with
their document words, the measure word of "how many", numbers, and other content words weighted by how rare
the documents make them (words the documents never use are marked unknown).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from bot.qa.config import EngineConfig
from bot.qa.followup import Reading, read
from bot.qa.glossary import Glossary, Match, Term, english_word
from bot.qa.rules import rules
from bot.qa.text import (
    BARE_YEAR,
    MAX_PARTS,
    asking_spans,
    asks,
    content_terms,
    has_verb,
    is_chinese,
    normalize_query,
    nouns,
    numbers,
    split_parts,
    without_asker,
    words_zh,
)
from bot.qa.typos import Contractions, Homophones, Misspellings
from bot.qa.vocabulary import Vocabulary

Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class Topic:
    """One thing a question asks about, satisfied by any of its alternative document words."""

    label: str
    alternatives: tuple[str, ...]
    weight: float
    text: str = ""  # as the question wrote it
    related: tuple[str, ...] = ()  # related document terms (English questions only)
    known: bool = True  # the documents use it
    number: bool = False
    general: bool = False  # an everyday glossary word (company, develop)
    kind: str = ""  # the glossary kind, when it is a glossary term
    # An English word of the question no glossary term holds that the documents' English says, with the other such
    # words of the question: a unit's English states it when it says another of them too ("customs clearance")
    english: tuple[str, ...] = ()

    def covered_by(self, text: str) -> bool:
        """True when the text says one of the topic's words."""
        low = text.lower()
        return any(says_word(a, low) for a in self.alternatives)

    def related_in(self, text: str) -> bool:
        """True when the text says one of the topic's related terms (重点布局 for 重点发展)."""
        low = text.lower()
        return any(says_word(r, low) for r in self.related)


def says_word(word: str, low: str) -> bool:
    """The lowercased text says the word: a Latin word or short form as a whole word (CAD is not said by SCADA, AI
    not by "maintain"), a Chinese word or a number anywhere (the “1” of “4311”)."""
    w = word.lower()
    if w not in low:
        return False
    return not (w[:1].isascii() and w[:1].isalpha()) or bool(_latin_word(w).search(low))


@lru_cache(maxsize=8192)
def _latin_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])")


@dataclass(frozen=True)
class PartAnalysis:
    """One part of a question (the whole question when it has one part)."""

    text: str
    topics: tuple[Topic, ...]
    expansion: tuple[tuple[str, float], ...] = ()  # document words to search for, with weights
    asks_figure: bool = False
    asks_present: bool = False
    asks_target: bool = False  # it asks what is aimed for (rules.yaml target_ask): a figure must be a target
    measures: tuple[str, ...] = ()  # what its figure must count in (家, 场)
    asks_kind: str | None = None  # it asks for a thing of a kind: "zone" (which zone), "place" (where)
    numbers: tuple[str, ...] = ()  # numbers it names (a year)
    joined: bool = False  # one of two things a part joined by "and", asked about alone (Analyser.coordinated)


@dataclass(frozen=True)
class QueryAnalysis:
    """A question made ready for retrieval and answering."""

    question: str  # as asked
    reading: Reading  # how the conversation was read (a follow-up resolved, or the question as asked)
    text: str  # the reading normalised: what is searched
    lang: Lang
    whole: PartAnalysis
    parts: tuple[PartAnalysis, ...] = ()  # the parts of a multi-part question (empty for one part)
    matches: tuple[Match, ...] = field(default=(), compare=False)
    asks_date: bool = False
    asks_person: bool = False  # it asks who (rules.yaml person)
    asks_list: bool = False
    list_heads: frozenset[str] = frozenset()  # the topics (labels) naming what a list question lists
    missing_numbers: tuple[str, ...] = ()  # numbers named that appear nowhere in the documents
    unknown_nouns: tuple[str, ...] = ()  # things named that the documents never name
    follows_present: bool = False  # a follow-up read with the previous turn that itself asks about the present

    @property
    def topics(self) -> tuple[Topic, ...]:
        return self.whole.topics

    @property
    def asks_figure(self) -> bool:
        return self.whole.asks_figure

    @property
    def about_present(self) -> bool:
        """Every part asks about the present ("already", "so far", 目前), or a follow-up does ("Which companies are
        there already?" after a question about low-carbon energy): the state of play answers it."""
        return (self.whole.asks_present and all(p.asks_present for p in self.parts)) or self.follows_present

    @property
    def figure_parts(self) -> tuple[PartAnalysis, ...]:
        """The parts a figure must be found for: those with topics, or the whole question."""
        return tuple(p for p in self.parts if p.topics) or (self.whole,)


#: A Chinese clause: up to a comma, a stop, a tilde or a question mark (not a comma inside a number).
#: The verb between a list's name and the count asked of it ("基本原则一共有几条").
_COUNT_VERB = re.compile(r"(?:一共|总共|共|都)?(?:有|是)?\s*$")
_CLAUSE_ENDS = "，,。！!；;？?~～ "
_CLAUSE_ZH = re.compile(r"(?:[^，。！!；;？?~～,]|(?<=\d),(?=\d))+(?:[，,。！!；;？?~～]\s*)*")

#: Modal verbs that jieba fuses with the one-character verb after them (要建, 想做, 能办).
_MODALS = frozenset("要想能会可将该")

#: "target" as a verb after its auxiliary or "to" ("does the catalogue target", "want to target"), not the noun.
_TARGET_VERB = re.compile(
    r"\b(?:does|do|did|will|would|should|to)(?:\s+[\w'-]+){0,2}\s+target\b(?!\s+(?:for|of|is|are)\b)"
)

#: Quotation marks, straight or curly (a name in quotes is one name: "life science and innovation").
_QUOTE = re.compile(r"[\"“”「」『』]|(?<![A-Za-z])['‘’]|['‘’](?![A-Za-z])")


class Analyser:
    """Analyses questions against one index's vocabulary and the glossary."""

    def __init__(self, glossary: Glossary, vocabulary: Vocabulary, config: EngineConfig) -> None:
        self.glossary = glossary
        self.vocabulary = vocabulary
        self.config = config
        self.rules = rules()
        self.topics = lru_cache(maxsize=4096)(self._topics)
        # what a text asks: read for the whole question, each part and its unknown things (POS tagging: once each)
        self.asked = lru_cache(maxsize=4096)(self._asked)
        names = [*glossary.chinese_terms, *words_zh(vocabulary.text)]
        self.homophones = Homophones(names, vocabulary.text)
        self.contractions = Contractions(names, vocabulary.text)
        # a misspelt word becomes one the documents' English or the glossary writes, or an everyday word of how a
        # question asks ("somthing": something), which then weighs nothing
        stop = self.rules.en_stop
        self.misspellings = Misspellings(
            lambda w: vocabulary.writes_in_english(w) or glossary.knows_english(w) or w in stop,
            english_word,
            self.rules.figure,
        )

    def analyse(self, question: str, history: list[dict[str, str]] | None = None) -> QueryAnalysis:
        """The analysis of a (checked) question, read with the conversation so far."""
        reading = read(question, history, self)
        text = self.normalize(reading.text)
        lang: Lang = "zh" if is_chinese(text) else "en"
        related = lang == "en"
        matches = tuple(self.matches(text))
        whole = self.part(text, related, matches)
        # the parts asked, each of two things a part joins by "and" asked about alone (coordinated)
        pieces: list[tuple[str, bool]] = []
        for piece in split_parts(text) or [text]:
            piece = self._question_of(piece)
            ones = self.coordinated(piece)
            pieces += [(one, len(ones) > 1) for one in ones]
        pieces = pieces[:MAX_PARTS]
        parts = tuple(dataclasses.replace(self.part(p, related), joined=joined) for p, joined in pieces)
        parts = self._dated(self._elliptical(parts), text) if len(parts) > 1 else ()
        topics = whole.topics
        return QueryAnalysis(
            question=question,
            reading=reading,
            text=text,
            lang=lang,
            whole=whole,
            parts=parts,
            matches=matches,
            asks_date=bool(self.rules.date.search(text)),
            asks_person=bool(self.rules.person.search(text)),
            asks_list=bool(self.rules.list.search(text)),
            list_heads=self.list_heads(text, topics),
            missing_numbers=tuple(n for n in numbers(text) if n not in self.vocabulary.numbers and len(n) >= 2),
            unknown_nouns=self._unknown_nouns(text, topics),
            follows_present=reading.resolved
            and bool(self.rules.present.search(question))
            and len(split_parts(self.normalize(question))) <= 1,
        )

    def _asked(self, text: str) -> str:
        """What a text asks: without the statements about the asker (text.without_asker), and without the Chinese
        clauses that say only the asker's circumstances ("老同志想弄明白，…", "退休了关心下家门口发展，…",
        "…？想写篇稿子"). Such a clause asks nothing (no question word, no question mark), names nothing the
        documents name (no glossary name but an everyday word, no number), and most of its words are words the
        documents never use; a clause that names the subject in the documents' words stays ("企业在区里租写字楼，
        有没有房租补贴？"). Kept whole when no other clause is left."""
        bare = without_asker(text)
        label, colon, rest = bare.partition("：") if "：" in bare else bare.partition(":")
        if colon and rest.strip() and asks(rest) and (self._context_label(label) or self._lead_in(label, rest)):
            bare = rest.strip()  # "财经记者求证几个数：…": the asker's action, then the question
        clauses = _CLAUSE_ZH.findall(bare)
        if len(clauses) < 2:
            return bare
        kept = [c for c in clauses if not self._context_clause(c)]
        return "".join(kept).strip() if kept and len(kept) < len(clauses) else bare

    def said_in_asked(self, topics: list[Topic], text: str) -> list[Topic]:
        """The topics the text says in what it asks, not only in what the asker says of themselves (`asked`); all of
        them when it says nothing of the asker, or when what it asks names no thing ("We're a BeiDou company. Which
        zone should we look at?": the statement holds the subject)."""
        asked = self.asked(text)
        low = asked.lower()
        said = [t for t in topics if t.number or (t.text or t.label).lower() in low]
        # (a word for a kind of place asked for, "which zone", names no thing: 片区)
        things = [t for t in said if t.label not in self.rules.kind_words]
        return said if asked != text and things else topics

    def _context_label(self, label: str) -> bool:
        """A Chinese label before a colon that states what the asker does (a verb: 求证, 关注) and names nothing the
        documents name (no glossary name but an everyday word, no number); a label naming the topic ("北虹桥片区：",
        "租金水平：") is part of the question."""
        body = label.strip()
        if not body or not is_chinese(body) or numbers(body) or not has_verb(body):
            return False
        return not self._names_a_thing(body)

    def _lead_in(self, label: str, rest: str) -> bool:
        """A Chinese label before a colon whose last clause announces what follows with a verb and names nothing
        ("…，需要核实三个数：", "我是…政府办的，要给领导做收文登记："), when what follows names a thing of its own: the
        clauses before the announcement say who asks and why ("在做虹桥数字经济和专业服务的稿子"), not what."""
        clauses = [c.strip().rstrip(_CLAUSE_ENDS) for c in _CLAUSE_ZH.findall(label)]
        clauses = [c for c in clauses if c]
        return len(clauses) > 1 and self._context_label(clauses[-1]) and self._names_a_thing(rest)

    def _names_a_thing(self, text: str) -> bool:
        """The text names something the documents name: a glossary name other than an everyday word."""
        return any(m.term.kind not in ("", "general") for m in self.matches(text))

    def _context_clause(self, clause: str) -> bool:
        body = clause.strip().rstrip(_CLAUSE_ENDS)
        if not body or not is_chinese(body) or clause.strip()[-1:] in ("?", "？") or asks(body) or numbers(body):
            return False
        if self._names_a_thing(body):
            return False
        words = content_terms(body)
        unknown = [w for w in words if not self.vocabulary.knows(w)]
        return len(unknown) > len(words) - len(unknown)

    def _question_of(self, piece: str) -> str:
        """A part without what it says of the asker ("We're a regional logistics company weighing Hongqiao against ….
        How large is the CBD": the question is the second sentence), when what is left names a thing or asks for a
        figure; otherwise the statement holds the part's subject ("We make GNSS receivers. Where do we fit?")."""
        bare = self.asked(piece)
        if bare == piece:
            return piece
        # a thing of its own: not an everyday word, a concept that frames the question (zone, target), a document or
        # the CBD, which "Which zone should we look at" and "Is that something the catalogue targets" name too
        # (a document is framing, not a thing of the document such as its distribution list: 抄送, 印发; a concept is
        # framing when it is a word for a kind of place or an aim, not when it names a thing: 功能平台)
        framing = ("", "general", "section")
        documents = [w for w in self.rules.followup.document_words if not w.isascii()]

        def frames(term: Term) -> bool:
            r = self.rules
            aim = term.kind == "concept" and (term.zh in r.kind_words or r.target_ask.search(term.zh))
            return (
                term.kind in framing or bool(aim) or (term.kind == "document" and any(w in term.zh for w in documents))
            )

        named = [m for m in self.matches(bare) if not frames(m.term) and m.term.zh not in self.rules.whole_area]
        # (a year the documents use is a thing of its own too: "What does the plan aim for by 2025 overall")
        years = [n for n in numbers(bare) if n in self.vocabulary.numbers and BARE_YEAR.fullmatch(n)]
        return bare if named or years or self.rules.figure.search(bare) else piece

    def _elliptical(self, parts: tuple[PartAnalysis, ...]) -> tuple[PartAnalysis, ...]:
        """A part that asks only by leaning on the one before it ("商品销售额 25年目标多少 35年呢", "…, and what about
        2035?") asks what that part asks: a figure in its measure, a zone."""
        f = self.rules.followup
        out: list[PartAnalysis] = []
        for part in parts:
            before = out[-1] if out else None
            low = part.text.lower()
            own_question = f.question_words.search(low) or any(
                f.question_words.match(w) for w in re.findall(r"[a-z]+", low)
            )
            if before is not None and f.cue.search(low) and not own_question:
                part = dataclasses.replace(
                    part,
                    asks_figure=part.asks_figure or before.asks_figure,
                    measures=part.measures or before.measures,
                    asks_kind=part.asks_kind or before.asks_kind,
                )
            out.append(part)
        return tuple(out)

    def _dated(self, parts: tuple[PartAnalysis, ...], text: str = "") -> tuple[PartAnalysis, ...]:
        """A figure part that names no year of its own is of the year the part before it names when that part
        sets a target for it ("到2035年要达到啥目标？有没有定具体的税收数字？": 2035's figures, not 2025's), or
        when it asks about the same thing, naming nothing that weighs but how it counts ("2021年新增的法人企业
        增长了多少？具体新增了多少家？": the number added in 2021, not the 2025 target). A part about something
        else is not dated by a year of the state of play (the documents' 2021 figures seldom repeat the year);
        one asking about the present never. A part asking for a target names the question's one target year."""
        out: list[PartAnalysis] = []
        for part in parts:
            before = out[-1] if out else None
            years = tuple(n for n in (before.numbers if before else ()) if BARE_YEAR.fullmatch(n))
            own = [t for t in part.topics if t.label not in part.measures]
            framing = before is not None and bool(self.rules.target_text.search(before.text))
            if (
                years
                and part.asks_figure
                and not part.asks_present
                and not any(BARE_YEAR.fullmatch(n) for n in part.numbers)
                and (framing or not self.weighty(own))
            ):
                part = dataclasses.replace(part, numbers=(*part.numbers, *years))
            elif part.asks_target and part.asks_figure and not any(BARE_YEAR.fullmatch(n) for n in part.numbers):
                # "I need the 2025 growth targets: …, and how many headquarters do they want by then?": the one target
                # year the question names (the label naming it is no part)
                targets = {n for n in numbers(text) if self.rules.is_target_year(n)}
                if len(targets) == 1:
                    part = dataclasses.replace(part, numbers=(*part.numbers, *targets))
            out.append(part)
        return tuple(out)

    def part_analysis(self, analysis: QueryAnalysis, part: PartAnalysis) -> QueryAnalysis:
        """One part of a question as a question of its own: its topics, cues, numbers and unknown things."""
        return dataclasses.replace(
            analysis,
            text=part.text,
            whole=part,
            parts=(),
            matches=(),
            asks_date=bool(self.rules.date.search(part.text)),
            asks_person=bool(self.rules.person.search(part.text)),
            asks_list=bool(self.rules.list.search(part.text)),
            list_heads=self.list_heads(part.text, part.topics),
            missing_numbers=tuple(n for n in analysis.missing_numbers if n in part.numbers),
            unknown_nouns=tuple(w for w in analysis.unknown_nouns if w in part.text),
            follows_present=False,  # a part asks about the present by its own words
        )

    def normalize(self, text: str) -> str:
        """NFKC, short years, the glossary's variants (typos and colloquial forms), then sound-alike typos of
        the documents' names and contractions of them (航司: 航空公司; typos.py)."""
        fixed = self.homophones.fix(self.misspellings.fix(self.glossary.normalize(normalize_query(text))))
        return self.contractions.fix(fixed) if is_chinese(fixed) else fixed

    def coordinated(self, text: str) -> list[str]:
        """A part naming two things joined by "and" as one part per thing ("What does the plan say about FT accounts
        and aircraft leasing?": the same question about each), the words they share kept in both; the part itself
        when it joins no two things (two glossary names of a kind, not everyday words, not the CBD or a document), or
        asks about the two together ("the difference between X and Y"). Only in a sentence that asks: what the asker
        says of themselves ("We build EDA tools and MES software.") is no question."""
        r = self.rules
        asking = asking_spans(text)  # "We build EDA tools and MES software. What …": what the asker does is no part
        things = sorted(
            (
                m
                for m in self.matches(text)
                if m.term.kind not in ("", "general", "document")
                and m.term.zh not in r.whole_area
                and any(start <= m.start and m.end <= end for start, end in asking)
            ),
            key=lambda m: (m.start, -m.end),
        )
        for first in things:
            # the next thing named after it (the longest name starting first there)
            second = next((m for m in things if m.start >= first.end), None)
            if second is None or first.term.zh == second.term.zh:
                continue
            if not r.joins.search(text[first.end : second.start]):  # first: the checks below cost more
                continue
            # one subject under two names ("life sciences and pharma": pharma is a related term of life sciences), or
            # a name in quotes ("the 'life science and innovation' axis")
            if second.term.zh in first.term.related or first.term.zh in second.term.related:
                continue
            if len(_QUOTE.findall(text[: first.start])) % 2:
                continue
            # the documents name the two together ("美妆及日用品": one catalogue item)
            if any(self._paired(a, b) for a in {first.text, first.term.zh} for b in {second.text, second.term.zh}):
                continue
            # classes asked for ("which districts and towns"): one list asked, of members of both
            frame = r.followup.frame_words
            if any(m.text.lower() in frame or m.term.zh in frame for m in (first, second)):
                continue
            if r.between.search(text[: first.start]) or r.relation.search(text[second.end :]):
                return [text]
            # each thing asked about alone, in the sentence that asks (without what the asker says of themselves,
            # which may name the other thing: "We're a bank with an aircraft leasing arm.")
            start, end = next((a, b) for a, b in asking if a <= first.start and second.end <= b)
            one = (text[start : first.end] + text[second.end : end]).strip()
            other = (text[start : first.start] + text[second.start : end]).strip()
            return [*self.coordinated(one), *self.coordinated(other)]
        return [text]

    def _paired(self, first: str, second: str) -> bool:
        """The documents write the two names joined as one item (美妆及日用品), either way round; a list (研发设计软件、
        生产控制软件) names items apart."""
        join = r"\s*(?:和|及|与)\s*"
        a, b = re.escape(first), re.escape(second)
        return bool(re.search(f"{a}{join}{b}|{b}{join}{a}", self.vocabulary.text))

    def matches(self, text: str) -> list[Match]:
        return self.glossary.match_chinese(text) + self.glossary.match_english(text)

    def part(self, text: str, related: bool, matches: tuple[Match, ...] | None = None) -> PartAnalysis:
        """One part's topics, search words and figure cues."""
        r = self.rules
        expansion: dict[str, float] = {}
        for m in matches if matches is not None else self.matches(text):
            for word, weight in [(m.term.zh, 1.0)] + [(w, self.config.related_weight) for w in m.term.related]:
                if word not in text:
                    expansion[word] = max(expansion.get(word, 0.0), weight)
        # what is asked, not what the asker says of themselves ("…a game studio that earns most revenue overseas. Is
        # gaming something Hongqiao wants?" asks no figure)
        asked = self.asked(text)
        measures = [*r.measure.findall(asked), *(m for m, pattern in r.counted_en if pattern.search(asked))]
        if r.figure.search(asked):  # "举办场次…定为多少": the count is named by its measure word (场次: 场)
            nouns_of = (r.measure_noun.fullmatch(term) for term in content_terms(asked))
            measures += [m for n in nouns_of if n for m in n.groups()]
        measures = list(dict.fromkeys(measures))
        topics = self.topics(text, related)
        if _TARGET_VERB.search(text.lower()):
            # "What kind of firms does the catalogue target?": the verb asks what is aimed for (asks_target); it names
            # no target a passage must state (目标)
            topics = tuple(t for t in topics if (t.text or "").lower() != "target")
        if asked != text:
            # A word the documents never use that only the asker's statement says ("写论文研究北斗产业，…": 论文) says
            # who asks, not what: no document can say it, so it weighs nothing against the evidence. (What the
            # statement names that the documents do discuss stays: "We're a cyber security firm" is the subject.)
            low = asked.lower()
            topics = tuple(t for t in topics if t.known or t.number or (t.text or t.label).lower() in low)
        return PartAnalysis(
            text=text,
            topics=topics,
            expansion=tuple(expansion.items()),
            asks_figure=bool(r.figure.search(asked)) and not self._counts_a_list(asked, topics),
            asks_present=bool(r.present.search(asked)),
            asks_target=bool(r.target_ask.search(asked)) and not r.present.search(asked),
            measures=tuple(measures),
            numbers=tuple(dict.fromkeys(numbers(text))),
            asks_kind=next((kind for kind, pattern in r.asks_kind if pattern.search(text)), None),
        )

    def weighty(self, topics: tuple[Topic, ...] | list[Topic]) -> list[Topic]:
        """The words of a question that weigh, whether the documents use them or not (not everyday words, not
        numbers)."""
        floor = self.config.specific * self.vocabulary.max_idf
        return [t for t in topics if not t.number and not t.general and t.weight >= floor]

    def specific(self, topics: tuple[Topic, ...] | list[Topic]) -> list[Topic]:
        """The things a question names that the documents discuss (not everyday words, not numbers)."""
        return [t for t in self.weighty(topics) if t.known]

    def named(self, topics: tuple[Topic, ...] | list[Topic]) -> list[Topic]:
        """The things a question names by their glossary names (a zone, an industry, a platform, an org):
        what it is about, as against the words that frame what it asks of them (范围, 载体, 申请)."""
        return [t for t in self.specific(topics) if t.kind and t.kind != "general"]

    def list_heads(self, text: str, topics: tuple[Topic, ...]) -> frozenset[str]:
        """The topics naming what a list question lists ("基本原则有哪几条", "which platforms"): said right after
        or right before its list cue."""
        r, low, heads = self.rules, text.lower(), set()
        for t in topics:
            if not t.text or t.number:
                continue
            for m in re.finditer(re.escape(t.text.lower()), low):
                if r.list_before.search(self._bare(low[: m.start()])) or r.list_after.search(low[m.end() :]):
                    heads.add(t.label)
        return frozenset(heads)

    def _counts_a_list(self, text: str, topics: tuple[Topic, ...]) -> bool:
        """Every figure the text asks is how many items a list has, asked right after what it lists ("基本原则一共有
        几条、分别是什么"): the answer gives the count by naming them, as "有哪几条" asks them; the documents write no
        such count."""
        heads = [t.text for t in topics if t.text and t.label in self.list_heads(text, topics)]
        cues = list(self.rules.figure.finditer(text))

        def counts(m: re.Match[str]) -> bool:
            before = _COUNT_VERB.sub("", text[: m.start()])
            return m.group(0).startswith("几") and any(before.endswith(h) for h in heads)

        return bool(cues) and all(counts(m) for m in cues)

    def _bare(self, before: str) -> str:
        """The text before a word without the class nouns that end it: in "哪些平台载体" both nouns are listed."""
        classes = self.rules.followup.frame_words
        stripped = True
        while stripped:
            stripped = False
            for w in classes:
                if w and before.endswith(w) and not w.isascii():
                    before, stripped = before[: -len(w)], True
        return before

    def asked_for(self, topic: Topic, text: str) -> bool:
        """A question word stands just before the topic in the text ("靠啥载体", "which platforms"), or just after it
        with a verb of being between ("定位是要成为什么")."""
        low, word = text.lower(), (topic.text or topic.label).lower()
        r = self.rules
        return any(
            r.asks_for_before.search(low[: m.start()]) or r.asks_for_after.match(low[m.end() :])
            for m in re.finditer(re.escape(word), low)
        )

    def member_kinds(self, topics: tuple[Topic, ...], text: str) -> frozenset[str]:
        """The glossary kinds whose members the text asks for through a class noun ("Which big new-energy names …":
        companies, org; "依托哪些平台": platform), by rules.yaml `members`."""
        r, low, kinds = self.rules, text.lower(), set()
        for t in topics:
            if t.label in r.member_kinds and t.text:
                word = t.text.lower()
                if any(r.members_before.search(low[: m.start()]) for m in re.finditer(re.escape(word), low)):
                    kinds |= r.member_kinds[t.label]
        return frozenset(kinds)

    def asks_members(self, topic: Topic, text: str) -> bool:
        """The topic is a class noun (载体, 平台: the follow-up rules' frame words) asked for through a question word
        ("靠啥载体", "which platforms"): what the answer names members of, not a thing it must say."""
        return topic.label in self.rules.followup.frame_words and self.asked_for(topic, text)

    def asked_names(self, topics: tuple[Topic, ...] | list[Topic]) -> list[Topic]:
        """The glossary names reached through a question word ("哪些产业", "which industries" for the nine
        industries): what the answer gives by naming members, not a word it must say."""
        cue = self.rules.question_cue
        return [t for t in self.named(topics) if cue.search(t.text)]

    def kind_subject(self, analysis: QueryAnalysis) -> tuple[frozenset[str], tuple[str, ...]]:
        """For a "which zone / where" question: the glossary kinds that answer it, and the words that state the
        main thing it names (its heaviest glossary name, not the words that ask for the zone, with its
        alternatives and glossary family). No kinds when it asks for none; no words when it names nothing."""
        kind = analysis.whole.asks_kind
        if kind is None:
            return frozenset(), ()
        kinds = frozenset(self.rules.kind_referents[kind])
        asking = " ".join(m.group(0).lower() for _, p in self.rules.asks_kind for m in p.finditer(analysis.text))

        # In a question of several parts, the subject is what the part asking for the zone names ("Life sciences:
        # which axis is it on, and how big is the sector supposed to be?": not the size), or the whole question's
        # when that part names nothing (it borrows its subject).
        def things(topics: tuple[Topic, ...] | list[Topic]) -> list[Topic]:
            return [t for t in self.named(topics) if t.kind not in kinds and t.text.lower() not in asking]

        subjects = things([t for p in analysis.parts if p.asks_kind for t in p.topics]) or things(analysis.topics)
        # "Which zone lists low-carbon new energy among its focus industries": a concept that groups named members
        # (四高五新) is the set the thing belongs to; the thing named is the subject.
        subjects = [t for t in subjects if not self.glossary.members(t.label)] or subjects
        # A word that frames what is asked of a thing (目标, "targets", 政策) is not the thing (the follow-up rules'
        # frame words): "which corridor targets carmakers" is about carmakers.
        frame = self.rules.followup.frame_words
        subjects = [t for t in subjects if t.label not in frame and t.text.lower() not in frame] or subjects
        if not subjects:
            return kinds, ()
        main = max(subjects, key=lambda t: t.weight)
        return kinds, tuple(dict.fromkeys([*main.alternatives, *main.related, *self.glossary.family(main.label)]))

    def _topics(self, text: str, related: bool) -> tuple[Topic, ...]:
        """The text's topics: glossary phrases (one topic per span, satisfied by any of its readings), the
        measure word of "how many", numbers, then the remaining content words."""
        c, vocab = self.config, self.vocabulary
        topics: list[Topic] = []
        covered = [False] * len(text)
        spans: dict[tuple[int, int], list[Match]] = {}
        for m in self.matches(text):
            spans.setdefault((m.start, m.end), []).append(m)
        for (start, end), ms in spans.items():
            if any(covered[start:end]):
                continue
            for i in range(start, end):
                covered[i] = True
            named = [x for x in ms if x.term.kind != "general"] or ms
            m = min(named, key=lambda x: vocab.idf(x.term.zh))  # the commoner specific reading labels the topic
            alts = tuple(dict.fromkeys(a for x in ms for a in (x.term.zh, *x.term.zh_aliases, x.text)))
            general = all(x.term.kind == "general" for x in ms)
            weight = vocab.idf(m.term.zh) * (c.general if general else 1.0)
            # A related term stands for the topic (its level, parts' "said") only when it is about as specific: a
            # programme's broad field (贸易 for 全球贸易商计划) is said by half the documents.
            floor = c.related_idf * vocab.idf(m.term.zh)
            rel = tuple(w for x in ms for w in x.term.related if vocab.idf(w) >= floor) if related else ()
            if general and not related:
                # An everyday word of a Chinese question is said by its glossary relations either way (重点布局 and
                # 重点发展: "北虹桥重点布局哪些行业" is answered by "北虹桥片区…重点发展…"): how the documents put it.
                rel = self.glossary.relations(m.term.zh)
            topics.append(Topic(m.term.zh, alts, weight, m.text, rel, general=general, kind=m.term.kind))
        rest = "".join(" " if c_ else ch for ch, c_ in zip(text, covered, strict=True))
        # The words that ask for a date ("落款日期是哪天") are answered by the date a sentence gives, not said by it.
        rest = self.rules.date.sub(lambda m: " " * len(m.group(0)), rest)
        for unit in self.rules.measure.findall(rest):
            topics.append(Topic(unit, (unit,), c.measure_weight * vocab.max_idf, unit))
        # A year inside an English glossary phrase ("by 2035", "2021 tax") is still a year asked about, unless the
        # term's own name holds it (沪虹商管〔2022〕76号).
        phrased = [
            n
            for (start, end), ms in spans.items()
            for n in numbers(text[start:end])
            if BARE_YEAR.fullmatch(n) and not any(n in x.term.zh for x in ms)
        ]
        for n in dict.fromkeys([*numbers(rest), *phrased]):
            topics.append(Topic(n, (n,), vocab.idf(n), n, known=n in vocab.numbers, number=True))
        named_nouns = nouns(text)
        for term in content_terms(rest):
            if term.isdigit() or any(term in t.alternatives for t in topics):
                continue
            known = vocab.knows(term)
            if self.rules.count_zh.match(term):  # 三个“突出”: how it counts, not what it asks
                continue
            if not known and len(term) == 2 and term[0] in _MODALS:  # 要建, 想做: a modal and a verb are how it asks
                continue
            if (count := self.rules.measure_noun.fullmatch(term)) and self.rules.figure.search(text):
                # 场次, 家数: the measure word a figure must count in, as in 多少场
                topics.append(Topic(count[1], (count[1],), c.measure_weight * vocab.max_idf, count[1]))
                continue
            if known:
                weight = vocab.idf(term)
            elif term.isascii():
                weight = vocab.max_idf * (c.english_said if vocab.says_in_english(term) else c.unknown_en)
            else:
                weight = vocab.max_idf * (c.unknown_zh_noun if term in named_nouns else c.unknown_zh_other)
            topics.append(Topic(term, (term,), weight, term, known=known))
        said = [t.label for t in topics if not t.known and t.label.isascii() and vocab.says_in_english(t.label)]
        if len(said) > 1:
            together = {w: tuple(x for x in said if x != w) for w in said}
            topics = [dataclasses.replace(t, english=together[t.label]) if t.label in together else t for t in topics]
        return tuple(topics)

    def _unknown_nouns(self, text: str, topics: tuple[Topic, ...]) -> tuple[str, ...]:
        """Things the question asks about that the documents never name: Chinese nouns (写字楼, 租金, 所得税; unknown
        verbs and fillers such as 比如, 进驻, 中间 are how people ask, not what they ask about), and the words of the
        thing an English question asks for ("how much cash reward", "the current director") that neither the glossary
        nor the documents' English ever uses."""
        # (not a class noun asked for through a question word, whose members the answer names: "哪个部门出的")
        unknown = [t.label for t in topics if not t.known and not t.number and not self.asks_members(t, text)]
        if not unknown:
            return ()
        # (not what a statement about the asker names: "我是跑虹桥条线的记者，…还抄送了哪些单位")
        named = nouns(self._question_of(text))
        # a post asked who holds ("主任是谁", which jieba may not tag as a noun) is a thing named too
        posts = {w for w in unknown if re.search(rf"{re.escape(w)}(?:是谁|是哪位)|谁是{re.escape(w)}", text)}
        chinese = [w for w in unknown if not w.isascii() and (w in named or w in posts)]
        things = (self.rules.asked_thing_en, self.rules.asked_which_en)
        # each word asked, with the hyphenated word it is part of ("long-term objective": long and term are one thing)
        compound = {
            w.lower(): c.lower()
            for p in things
            for m in p.finditer(text)
            for c in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", m["thing"])
            for w in c.split("-")
        }
        english = [w for w in unknown if w.isascii() and w in compound and not self.vocabulary.says_in_english(w)]
        english = list({compound[w]: w for w in english}.values())
        return tuple(chinese + english)
