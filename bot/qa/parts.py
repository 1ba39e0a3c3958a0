"""Stage 5b, parts: every part of a question answered with its own units, or marked as not stated.

The whole question is selected and checked first (select.py, check.py). Then each part (the whole question
when it has one) gets the chosen units that state something it asks about; a part they leave open is
selected and checked on its own. A part the documents do not answer is "not stated", with what they do say
about its subject when its subject is covered and only a detail is missing (a figure, a place to apply).
Only a question none of whose parts is covered is refused. Units that state nothing the question asks about
are dropped, so no citation is off topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from bot.qa.analyse import Analyser, PartAnalysis, QueryAnalysis, Topic
from bot.qa.check import check
from bot.qa.rerank import rerank
from bot.qa.retrieve import HybridRetriever, Retrieved
from bot.qa.select import QUOTED_TITLE, Selection, Selector, Unit, title
from bot.qa.text import how_words, how_words_en
from bot.types import Refusal, RefusalCode
from ingest.chunk import CATALOGUE_ROW

PartStatus = Literal["answered", "not_stated"]
#: Refusals that leave the subject covered and only a detail open (a figure, a year, a place): the part is
#: answered with what the documents say about its subject and the detail is marked not stated. Weak support
#: and things the documents never name mean the subject itself is not covered: nothing is quoted for it. A figure
#: of a thing they never mention (北虹桥的写字楼租金) is a detail of the subject the part names (the zone), which is
#: quoted; when the part names nothing but the CBD as a whole (rules.yaml whole_area), nothing is.
DETAIL = frozenset(
    {
        RefusalCode.UNKNOWN_NUMBER,
        RefusalCode.UNKNOWN_FIGURE_TOPIC,
        RefusalCode.UNKNOWN_PERSON,
        RefusalCode.FIGURE_MISSING,
        RefusalCode.KIND_MISSING,
        RefusalCode.DATE_MISSING,
        RefusalCode.CONDITIONS_MISSING,
        RefusalCode.BENEFIT_MISSING,
    }
)


#: The details that are a figure or a date of the subject.
FIGURES = frozenset(
    {RefusalCode.UNKNOWN_NUMBER, RefusalCode.UNKNOWN_FIGURE_TOPIC, RefusalCode.FIGURE_MISSING, RefusalCode.DATE_MISSING}
)


@dataclass(frozen=True)
class PartAnswer:
    """One part of the question: its text, whether the documents answer it, and the units that do (or that
    say what the documents do say about its subject)."""

    text: str
    status: PartStatus
    units: tuple[Unit, ...] = ()
    refusal: Refusal | None = None


@dataclass(frozen=True)
class Composition:
    """The parts of the answer, and the refusal of the whole question when no part is covered."""

    parts: tuple[PartAnswer, ...]
    refusal: Refusal | None = None
    found: tuple[Retrieved, ...] = ()  # passages found by the figure search that the answer cites

    @property
    def units(self) -> list[Unit]:
        """Every unit the answer quotes, each once, in the order of the parts."""
        seen: dict[int, Unit] = {}
        for p in self.parts:
            for u in p.units:
                seen.setdefault(id(u), u)
        return list(seen.values())


class PartAnswerer:
    """Answers each part of a question from the whole question's selection, or on its own."""

    def __init__(self, analyser: Analyser, selector: Selector, retriever: HybridRetriever) -> None:
        self.analyser = analyser
        self.selector = selector
        self.retriever = retriever
        self.config = analyser.config

    def compose(
        self,
        analysis: QueryAnalysis,
        candidates: list[Retrieved],
        selection: Selection,
        refusal: Refusal | None,
        found: list[Retrieved] = (),
    ) -> Composition:
        """The answer's parts, given the whole question's selection and check."""
        parts = analysis.parts or (analysis.whole,)
        if len(parts) == 1 and refusal is not None and not self._detail(refusal, analysis.topics):
            return Composition((PartAnswer(analysis.text, "not_stated", (), refusal),), refusal)
        answers = [self._part(analysis, part, candidates, selection, refusal) for part in parts]
        if all(a.status == "not_stated" and not a.units for a in answers):
            return Composition(tuple(answers), refusal or answers[0].refusal)
        return Composition(tuple(self._quoted_once(analysis, parts, answers)), None, tuple(found))

    def _quoted_once(
        self, analysis: QueryAnalysis, parts: tuple[PartAnalysis, ...], answers: list[PartAnswer]
    ) -> list[PartAnswer]:
        """A figure or date left open whose subject an answered part already quotes ("…增长了多少？具体新增
        了多少家？") points to that quote: what the documents say of its subject is there, and another passage
        about it is one nobody asked for. (A zone or a condition left open keeps its own passage: it is the
        nearest to what is asked.)"""
        quoted = [u for a in answers if a.status == "answered" for u in a.units]
        out = []
        for part, answer in zip(parts, answers, strict=True):
            if answer.status == "not_stated" and answer.units and quoted and answer.refusal.code in FIGURES:
                subject = [t for t in self.subjects(analysis, part) if t.label not in self.analyser.rules.whole_area]
                there = self._about(subject, quoted, strict=True, passage=False)
                answer = replace(answer, units=there[:1]) if there else answer
            out.append(answer)
        return out

    # --- one part ---------------------------------------------------------------------------------
    def _part(
        self,
        analysis: QueryAnalysis,
        part: PartAnalysis,
        candidates: list[Retrieved],
        selection: Selection,
        refusal: Refusal | None,
    ) -> PartAnswer:
        sub = analysis if part is analysis.whole else self.analyser.part_analysis(analysis, part)
        about = self.subjects(analysis, part)
        # A part that names nothing of its own borrows the things an earlier part names to pick units; those units must
        # say them, and what the part asks of them ("去哪儿申请"), themselves, not in another sentence of their passage.
        own_ids = {id(t) for t in self.own_things(part)}
        borrowed = not any(id(t) in own_ids for t in about) and bool(self.earlier_things(analysis, part))
        # "…the talent station…, and where is it located?": the zone or place asked for must be named for the borrowed
        # subject, not for nothing in particular.
        search = self._with_subject(analysis, part, about) if borrowed else sub
        kind = self.analyser.kind_subject(search)
        asks = bool(search.whole.asks_kind)  # a zone or place
        # (a zone or place asked for is checked as a kind: its word stays one the units must say)
        asked_text = "" if asks else search.text
        # One of two things joined by "and" ("FT accounts and aircraft leasing") is answered by units that say it
        # themselves, in its own words: the other thing's passage may mention it, and a related term is broader.
        alone = part.joined
        # Units are about the things named, not the CBD every passage is about, when it names others ("商务区要设的
        # 产业基金叫啥": the fund, not the area's first line).
        r = self.analyser.rules
        named = [t for t in about if t.label not in r.whole_area] or about
        mine = self._about(
            named, selection.chosen, kind, passage=not (borrowed or alone) or part is analysis.whole, related=not alone
        )
        mine = self._naming_members(part, mine)
        if part is analysis.whole and refusal is None:
            # The check passed on the chosen units; the units quoted (those about what is asked) must still give the
            # detail asked for (a figure, a date, a zone), or the answer says what they say and that the detail is not.
            units = mine or selection.chosen[:1]
            why = check(sub, replace(selection, chosen=units), self.selector)
            if why is not None and why.code in DETAIL:
                # What the documents say of the subject, once: the passage most about it. More is context nobody
                # asked for, and varies with the wording (measured: noise −26 passages over 16 sets, one fact lost).
                return PartAnswer(part.text, "not_stated", units[:1], why)
            return PartAnswer(part.text, "answered", units)

        # A part that borrows its subject is read with it (`search` above), as a follow-up is read with the turn before
        # ("重点发展哪些产业" after "环枢纽核心圈的范围…" is "环枢纽核心圈 重点发展哪些产业").

        # A part that asks about something in one document it names ("what data firms does the catalogue want") is
        # answered from that document; one about the document itself ("who drew up the catalogue") need not be.
        inside = bool(self.analyser.specific(search.topics))
        documents = self.selector.named_documents(search.topics, [*selection.units, *mine]) if inside else set()
        scope = documents if borrowed else set()  # the documents whose units alone answer the part (`_within`)

        def answers(units: tuple[Unit, ...]) -> bool:
            if not units or (borrowed and not self._asked_said(part, units)):
                return False
            if documents and not any(title(u) in documents for u in units):
                return False
            # A part asking who of a thing named before ("…a government guidance fund, …, and who manages it?") is
            # answered by a unit naming an organisation other than that thing, as one asking which companies is by one
            # naming a company: the fund's sentence names the fund and no one who manages it.
            asks_who = borrowed and self.analyser.rules.person.search(part.text)
            if asks_who and not self._naming(units, _AGENTS, about):
                return False
            share = self.selector.support(self._weighed(search.topics, asked_text, asks), units, search.list_heads)
            return check(search, Selection(units, units, share), self.selector) is None

        # A part that asks for a list by the name of a heading the items sit under ("“三轴”分别叫什么") is answered by
        # its own selection, which takes every item listed there; the whole question's units are chosen for all parts
        # and may hold one item.
        heads = [t for t in search.topics if t.label in search.list_heads]
        items = {u.context.chunk_id for t in heads for u in selection.units if self.selector.listed_under(t, u)}
        # (a catalogue sub-field the part names heads the rows of its directions: "“双碳服务”分了哪两块")
        items |= {
            u.context.chunk_id
            for t in search.topics
            for u in selection.units
            if u.kind == CATALOGUE_ROW and t.covered_by(u.leaf)
        }
        # (one such item the whole question's units leave out is answered the same way: "文体演艺主要搞哪些演出？靠哪个
        # 剧院群？" chose the plan's sentence on shows for both parts, not the row the catalogue lists under 文体演艺)
        rows = {
            u.context.chunk_id
            for t in heads
            for u in selection.units
            if u.kind == CATALOGUE_ROW and u.direction.strip() == t.label
        }
        chosen = {u.context.chunk_id for u in selection.chosen}
        listing = search.asks_list and (len(items) >= 2 or bool(rows - chosen))
        # A thing the part names itself that the chosen units only touch through a related term ("government guidance
        # fund" by the VC rows the asker's "We're an Israeli VC" brought in) is looked for in its own words first: a
        # passage that names it is the answer.
        # A part that borrows its subject ("…a government guidance fund, …, and who manages it") holds the units to the
        # thing borrowed the same way: the VC rows name funds only through a related term.
        own_names = self._own_names(part, about, borrowed)
        exact = _names_all(own_names, mine) or alone
        if borrowed and exact:  # of the units about it, those that name it themselves
            mine = tuple(u for u in mine if _names_all(own_names, (u,))) or mine
        if refusal is None and not listing and exact and answers(mine):
            return PartAnswer(part.text, "answered", _within(scope, mine))
        # The part's own retrieval: the whole question's candidates may miss a passage only it asks for.
        pool = {r.chunk_id: r for r in [*self.retriever.retrieve(search, k=self.config.pool), *candidates]}
        ranked = rerank(search, list(pool.values()), self.config.contexts, self.config)
        own = self.selector.select(search, ranked)
        own = replace(
            own,
            support=self.selector.support(
                self._weighed(search.topics, asked_text, asks), own.chosen, search.list_heads
            ),
        )
        why = check(search, own, self.selector)
        units = self._naming_members(
            part, self._about(named, own.chosen, kind, passage=not (borrowed or alone), related=not alone)
        )
        naming = tuple(u for u in units if _names_all(own_names, (u,))) if not exact else ()
        units = naming or units  # the passages that name the thing in its own words, when some do
        if why is None and answers(units):  # the units quoted, not only the ones chosen, answer it
            return PartAnswer(part.text, "answered", _within(scope, units))
        # The chosen units that touch the thing only through a related term answer for it only when no passage names it:
        # one that does and leaves the part open says the documents do not answer it.
        if refusal is None and (listing or not exact) and not naming and answers(mine):
            return PartAnswer(part.text, "answered", _within(scope, mine))
        why = why or Refusal(RefusalCode.NOTHING_SPECIFIC, "no cited sentence states what this part asks about")
        # What the documents say of the part's subject: not of the CBD as a whole, which every passage is about, nor
        # of the section a word of time reaches ("目前有几所国际学校": 发展基础 says when, not what is asked about).
        subject = [t for t in about if t.label not in r.whole_area and t.label not in r.present_sections]
        units = self._about(subject, own.chosen, kind, strict=True, passage=not (borrowed or alone), related=not alone)
        if self._detail(why, part.topics) and units:
            return PartAnswer(part.text, "not_stated", units[:1], why)
        return PartAnswer(part.text, "not_stated", (), why)

    def _detail(self, refusal: Refusal, topics: tuple[Topic, ...]) -> bool:
        """The refusal leaves the subject covered and only a detail open (DETAIL); so does one for words the documents
        never use when the question names a thing of theirs besides the CBD ("管委会的办公地址和咨询电话": the committee
        is named in the notice, its address and telephone number are not)."""
        if refusal.code in DETAIL:
            return True
        whole = self.analyser.rules.whole_area
        return refusal.code is RefusalCode.UNKNOWN_TOPIC and any(
            t.label not in whole for t in self.analyser.named(topics)
        )

    def _naming_members(self, part: PartAnalysis, units: tuple[Unit, ...]) -> tuple[Unit, ...]:
        """For a part asking for members of a class ("Which big new-energy names are already in Hongqiao"), the units
        that name one (a glossary company, a platform), when some do: a sentence about new energy that names no company
        does not say which companies."""
        kinds = self.analyser.member_kinds(part.topics, part.text)
        if not kinds:
            return units
        return self._naming(units, kinds) or units

    def _naming(
        self, units: tuple[Unit, ...], kinds: frozenset[str] | set[str], besides: list[Topic] = ()
    ) -> tuple[Unit, ...]:
        """The units that name a glossary term of one of the kinds (other than one naming a topic `besides`)."""
        match = self.analyser.glossary.match_chinese

        def other(zh: str) -> bool:
            return not any(t.covered_by(zh) for t in besides)

        return tuple(u for u in units if any(m.term.kind in kinds and other(m.term.zh) for m in match(u.text)))

    def _own_names(self, part: PartAnalysis, about: list[Topic], borrowed: bool = False) -> list[Topic]:
        """The specific things the part names itself (or, when it borrows its subject, that it borrows) among what
        it is about (a measure, a platform, an organisation: not an everyday word, a concept, a section or a
        document)."""
        own = {id(t) for t in (about if borrowed else self.own_things(part))}
        framing = ("", "general", "concept", "section", "document")
        return [t for t in about if id(t) in own and t.kind not in framing]

    def _with_subject(self, analysis: QueryAnalysis, part: PartAnalysis, about: list[Topic]) -> QueryAnalysis:
        """The part as a question of its own, with the things it borrows from an earlier part named (searched for
        and weighed as topics, as the part's own words are)."""
        subject = " ".join(dict.fromkeys(t.text or t.label for t in about))
        mine = {t.label for t in part.topics}
        topics = (*(t for t in about if t.label not in mine), *part.topics)
        return self.analyser.part_analysis(analysis, replace(part, text=f"{subject} {part.text}", topics=topics))

    def _asked_said(self, part: PartAnalysis, units: tuple[Unit, ...]) -> bool:
        """For a part that borrows its subject: the units themselves (or their headings) say what the part asks of it
        (the weighted share of its document words they say reaches the support floor: "申请" in "具体去哪儿申请"),
        and the part is not mostly words the documents never use ("what are the criteria to join"). A name asked
        through a question word ("哪些产业") is what the answer gives, not a word it must say."""
        topics = self._said_of(part.topics)
        total = sum(t.weight for t in topics)
        if not total:
            return True
        # A class noun a list asks for ("依托的是哪些载体": 载体, 平台, 企业, …, the follow-up rules' frame
        # words) is what the answer names members of, not a word it must say.
        classes = self.analyser.rules.followup.frame_words
        listed = {h for h in self.analyser.list_heads(part.text, part.topics) if h.lower() in classes}
        listed |= {t.label for t in topics if self.analyser.asks_members(t, part.text)}
        # A word for a kind of place in a part that asks for no place ("which industries will be located along it":
        # located → 片区) says how it asks, as it does of what the part is about (`_generic`).
        if not part.asks_kind:
            listed |= {t.label for t in topics if t.label in self.analyser.rules.kind_words}
        asked = [t for t in topics if t.known and t.label not in listed]
        # Said in the glossary's words or a related term ("focus on" 重点发展 is said by 重点布局).
        # A document is said by a unit of it ("…, and does the catalogue list it too?": a catalogue row).
        said = sum(
            t.weight
            for t in asked
            if any(_says(t, f"{u.leaf}\n{u.text}") or (t.kind == "document" and t.covered_by(title(u))) for u in units)
        )
        # Words the documents never use, in either language: an English word their English says ("mainly" in "which
        # industries does it mainly develop") is how the documents put things too, not a thing they leave out.
        # A Chinese word the documents never use that says where or how it asks ("沿线串了哪些平台": along the line) is
        # no thing they leave out either.
        # An English adverb or a verb in the passive ("which industries are assigned to it", "cover geographically")
        # says how a part asks, as a Chinese word of where or how does.
        says_en = self.analyser.vocabulary.says_in_english
        how = how_words(part.text) if not part.text.isascii() else how_words_en(part.text)
        unknown = sum(
            t.weight
            for t in topics
            if not t.known and not t.number and not (t.label.isascii() and says_en(t.label)) and t.label not in how
        )
        asked_weight = sum(t.weight for t in asked)
        enough = not asked_weight or said / asked_weight >= self.config.support
        return enough and unknown / total < self.config.part_unknown

    def _said_of(self, topics: tuple[Topic, ...], text: str = "") -> tuple[Topic, ...]:
        """The topics an answer must say: all but a name asked through a question word ("哪些产业" for the nine
        industries, "靠啥载体"), which the answer gives by naming its members."""
        asked = {id(t) for t in self.analyser.asked_names(topics)}
        asked |= {id(t) for t in topics if self.analyser.asks_members(t, text)}
        return tuple(t for t in topics if id(t) not in asked)

    def _weighed(self, topics: tuple[Topic, ...], text: str = "", kind: bool = False) -> tuple[Topic, ...]:
        """The topics a part's support is weighed on: those an answer must say, or, when the part asks for nothing
        but a name through a question word ("Who issued the plan": the issuing committee), that name, which the
        answer then states. In a part asking for a zone or place (`kind`), not the CBD the zones are parts of
        ("Which part of the CBD is earmarked for automotive": the zone's sentence says automotive and the zone)."""
        weighed = self._said_of(topics, text) or topics
        if not kind:
            return weighed
        return tuple(t for t in weighed if t.label not in self.analyser.rules.whole_area) or weighed

    def subjects(self, analysis: QueryAnalysis, part: PartAnalysis) -> list[Topic]:
        """What a part is about: the things it names; when it names none ("啥时候落地？" after a question about
        the bonded zone), the things the parts before it name (a part refers back, never forward). A glossary name
        reached through a question word ("哪些产业" for the nine industries) counts only when nothing else is
        named; with no glossary name at all, its specific words."""
        named = self.analyser.named
        own = self.own_things(part)
        # "…North Hongqiao…, and how large is that area / how big is it in sq km": a generic word for a zone (片区) and
        # the quantity a figure part asks for (面积) say how it asks, not of what: it is about the thing named before,
        # whose area the documents never give (of the CBD, with nothing before it, the quantity is the subject).
        if own and all(self._generic(part, t) for t in own):
            own = [t for t in self.earlier_things(analysis, part) if not self._generic(part, t)] or own
        return own or self.earlier_things(analysis, part) or named(part.topics) or self.analyser.specific(part.topics)

    def own_things(self, part: PartAnalysis) -> list[Topic]:
        """The things a part names itself; not a class noun it asks members of ("靠啥载体"); in a zone or place
        question, not the zone it asks for ("where is it located": 片区 is asked, the thing located is elsewhere in
        the question)."""
        # "how many headquarters": a name reached through "how many" is what the figure counts, its subject (not one
        # reached through "how big", which names the measure)
        things = [*self.things(part.topics), *self._counted(part)]
        # "靠啥载体" after "北虹桥片区主打啥": the class noun asked for is no subject; the part's is the earlier part's.
        things = [t for t in things if not self.analyser.asks_members(t, part.text)]
        if part.asks_kind:
            things = [t for t in things if t.label not in self.analyser.rules.kind_words]
        # "到2025年目标是多少家" after "现在有多少家总部企业": the word that asks for an aim is how the figure is asked
        # (asks_target), not what it counts: the part is about the earlier part's headquarters.
        if part.asks_target:
            things = [t for t in things if not self.analyser.rules.target_ask.fullmatch(t.text or t.label)]
        return things

    def earlier_things(self, analysis: QueryAnalysis, part: PartAnalysis) -> list[Topic]:
        """The things the parts before this one name (none for the whole question or its first part), the CBD only
        when they name nothing else; for a part that names nothing that weighs, their specific words when they name no
        glossary thing."""
        before = analysis.parts[: analysis.parts.index(part)] if part in analysis.parts else ()
        if before and self._anew(analysis, part):
            return []
        # (what an earlier part counts is a thing it names: "How many headquarters … now, and what is the target?")
        things = [t for p in before for t in (*self.things(p.topics), *self._counted(p))]
        # not the CBD (rules.yaml whole_area) when they name something else: every passage is about it ("商务区现在有
        # 综保区吗 啥时候能建成": the bonded zone)
        things = [t for t in things if t.label not in self.analyser.rules.whole_area] or things
        # A part asking for an aim ("到2025年目标是多少家") borrows the things, not the present a word of time reached
        # (现在 → 发展基础): the figure it asks is no present figure.
        if part.asks_target:
            things = [t for t in things if t.label not in self.analyser.rules.present_sections] or things
        # The measure word of "how many" (具体新增了多少家: 家) says how the part counts, not what.
        if things or self.analyser.weighty([t for t in part.topics if t.label not in part.measures]):
            return things
        # A part with no word of its own that weighs, known or not ("比上年涨了多少"), is about the specific words
        # of the parts before when they name no glossary thing either ("新增了多少家法人企业": 法人企业).
        return [t for p in before for t in self.analyser.specific(p.topics)]

    def _anew(self, analysis: QueryAnalysis, part: PartAnalysis) -> bool:
        """The question says the part asks about something new ("另外", "Separately,": rules.yaml new_subject), and
        the part has words of its own that weigh ("另外重点产业目录里说的两大产业定位是哪两个": 定位)."""
        at = analysis.text.find(part.text)
        if at <= 0 or not self.analyser.rules.new_subject.search(analysis.text[:at].lower()):
            return False
        return bool(self.analyser.weighty([t for t in part.topics if t.known and t.label not in part.measures]))

    def _generic(self, part: PartAnalysis, t: Topic) -> bool:
        """A word for a kind of place (片区), for the quantity a figure part asks (面积, GDP), or for the time it asks
        of (the present a word such as "already" reaches: "…low-carbon…? Which companies are there already?")."""
        r = self.analyser.rules
        return (
            t.label in r.kind_words
            or t.label in r.present_sections
            or (part.asks_figure and any(q.fullmatch(t.label) for _, q in r.figure_quantity))
        )

    def _counted(self, part: PartAnalysis) -> list[Topic]:
        """The names a figure part counts through "how many" / 多少 (not one reached through "how big")."""
        if not part.asks_figure:
            return []
        return [t for t in self.analyser.asked_names(part.topics) if _COUNTING.search(t.text)]

    def things(self, topics: tuple[Topic, ...]) -> list[Topic]:
        """The glossary names among the topics, except a name asked through a question word ("哪些产业")."""
        asked = {id(t) for t in self.analyser.asked_names(topics)}
        return [t for t in self.analyser.named(topics) if id(t) not in asked]

    def _about(
        self,
        specific: list[Topic],
        units: tuple[Unit, ...] | list[Unit],
        kind: tuple[frozenset[str], tuple[str, ...]] = (frozenset(), ()),
        strict: bool = False,
        passage: bool = True,
        related: bool = True,
    ) -> tuple[Unit, ...]:
        """The units whose passage (its text, headings or catalogue direction) states one of the things the part is
        about, and the sentence naming the zone a "which zone suits X" question asks for; when it is about nothing
        specific, all of them (none if `strict`). Without `related`, a related term of a thing does not state it."""
        if not specific:
            return () if strict else tuple(units)
        kinds, family = kind

        def states(u: Unit) -> bool:
            text = f"{u.section}\n{u.direction}\n{u.chunk_text if passage else u.text}"
            # (a document is stated by a unit of it: "目录里说的两大产业定位" is answered by a catalogue sentence that
            # does not name the catalogue; not by the notice's title, which quotes the other two documents' names)
            return any(
                (_says(t, text) if related else t.covered_by(text))
                or (t.kind == "document" and t.covered_by(QUOTED_TITLE.sub("", title(u))))
                for t in specific
            )

        # A unit is about the question when it, its headings or its catalogue direction state a specific thing
        # asked, or when its passage does (a section is about one thing: its other sentences go with it); for
        # things a part borrows from the rest of the question (`passage` False), the unit itself must say them.
        return tuple(
            u
            for u in units
            if states(u)
            or any(self.selector.cover_states(t, u) for t in specific)  # a cover states its document's date
            or (kinds and self.selector.answers_kind(u, kinds, family))  # the zone select.py brought in for X
        )


#: The glossary kinds of a thing that can be the answer to "who".
_AGENTS = frozenset({"org"})

#: How a name asked for counts its members ("how many headquarters", "多少家总部").
_COUNTING = re.compile(r"\bhow many\b|多少|几", re.IGNORECASE)


def _within(documents: set[str], units: tuple[Unit, ...]) -> tuple[Unit, ...]:
    """The units from the documents a part borrowing its subject names, when it names some ("…, and does the catalogue
    list it too?": the catalogue's row, not the plan's paragraph on the same thing). (A part naming a thing of its own
    names a document as where it was mentioned: "通知里提到的“四高五新”…指哪四个产业" is answered by the plan.)"""
    return (tuple(u for u in units if title(u) in documents) or units) if documents else units


def _names_all(things: list[Topic], units: tuple[Unit, ...]) -> bool:
    """Some unit says each thing in its own words (its passage, headings or catalogue direction), not only a related
    term of it."""
    return all(any(t.covered_by(f"{u.section}\n{u.direction}\n{u.chunk_text}") for u in units) for t in things)


def _says(topic: Topic, text: str) -> bool:
    """The text says the topic in one of its forms or a related term."""
    return topic.covered_by(text) or topic.related_in(text)
