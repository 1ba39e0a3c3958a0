"""The bilingual glossary (`corpus/glossary.yaml`): English questions get the documents' Chinese terms,
typos and colloquial forms are normalised, and Chinese names get English labels for display."""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from bot.errors import ConfigError
from bot.qa.text import word_edges
from ingest.chunk import SECTION_SEP

logger = logging.getLogger(__name__)

_NOT_KEY_TERMS = {"general", "section", "document"}
_HYPHENED = re.compile(r"\b([A-Za-z]+)-([A-Za-z]+)\b")
_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+[.、]\s*)")


@lru_cache(maxsize=1)
def _english_words() -> dict[str, int]:
    """A general English word list with frequencies (pyspellchecker's, offline): the words that are not typos."""
    from spellchecker import SpellChecker

    return SpellChecker(distance=1).word_frequency.dictionary


def english_frequency(word: str) -> int:
    """How common a lowercase English word is (0 for none)."""
    return _english_words().get(word, 0)


def english_word(word: str) -> bool:
    """True when the lowercase word is an English word (a typo of a glossary word is not)."""
    return word in _english_words()


#: A counted name spelled out with its measure word and quotes: 四个“高”, 五个“新”.
_SPELLED = re.compile(r"([一二三四五六七八九十两])个[“\"‘']?([\u4e00-\u9fff])[”\"’']?")
#: A numeral in a name that counts what it groups (五新, 四高, 三轴, 4311).
_COUNTED = re.compile(r"[一二三四五六七八九十两百千\d]")


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    zh: str
    en: str
    kind: str = "concept"
    aliases: tuple[str, ...] = ()
    zh_aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    @property
    def search_terms(self) -> tuple[str, ...]:
        """The document words to search for when this term is asked about."""
        return (self.zh, *self.related)


@dataclass
class Match:
    """A glossary term found in a question, with the span of the question it covers."""

    term: Term
    start: int
    end: int
    text: str


@dataclass
class Glossary:
    """Lookup tables built from the glossary file."""

    terms: list[Term] = field(default_factory=list)
    variants: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # English phrases are keyed by their word sequence, so matching is one pass over the question.
        self._en: dict[tuple[str, ...], list[Term]] = {}
        for t in self.terms:
            for phrase in (t.en, *t.aliases):
                for form in plural_forms(phrase.lower().strip()):
                    words = tuple(w for w, _, _ in _words(form))
                    if words:
                        self._en.setdefault(words, []).append(t)
        self._en_max = max((len(k) for k in self._en), default=0)
        # Words that are part of some phrase are real words, never typos to be corrected; they are also
        # what a typo is corrected to.
        self._known_words = {w for k in self._en for w in k}
        # Typos rarely change a word's first letter: candidates share it ("reductions" is not "education").
        self._en_words: dict[str, list[str]] = {}
        for w in sorted(self._known_words):
            if len(w) >= 5 and w.isalpha():
                self._en_words.setdefault(w[0], []).append(w)
        # Fuzzy matching is the slow part of a question: each distinct word is looked up once.
        self._closest = lru_cache(maxsize=8192)(self._closest_alias)
        self._zh: dict[str, list[Term]] = {}
        for t in self.terms:
            for phrase in (t.zh, *t.zh_aliases):
                self._zh.setdefault(phrase, []).append(t)
        self._zh_patterns = sorted(self._zh, key=len, reverse=True)
        self._by_zh = {t.zh: t for t in self.terms}
        # Who lists a term as related, for relations() both ways without a pass over every term per call.
        self._listed_by: dict[str, list[str]] = {}
        for t in self.terms:
            for r in t.related:
                self._listed_by.setdefault(r, []).append(t.zh)
        self._families: dict[tuple[str, int], tuple[str, ...]] = {}
        self._words_of: dict[tuple[str, bool], frozenset[str]] = {}
        self._kinds_named: dict[tuple[str, frozenset[str]], frozenset[str]] = {}
        self._variant_patterns = [
            (_ascii_word(k) if k.isascii() else None, k, v)
            for k, v in sorted(self.variants.items(), key=lambda kv: -len(kv[0]))
        ]

    @property
    def chinese_terms(self) -> list[str]:
        """Every Chinese term, alias and related term (taught to the segmenter)."""
        out = {t.zh for t in self.terms} | {r for t in self.terms for r in (*t.related, *t.zh_aliases)}
        return sorted(w for w in out if w)

    def family(self, zh: str, depth: int = 3) -> tuple[str, ...]:
        """A name with its Chinese aliases, the terms it lists as related, and the terms above it: those that
        list it, and those that list them, up to `depth` levels (会展公司 → 策展办展服务 → 会展服务 → 高溢出会展经济),
        as a zone is described by the industries it prioritises."""
        key = (zh, depth)
        if key in self._families:
            return self._families[key]
        term = self._by_zh.get(zh)
        words = [zh, *(term.zh_aliases if term else ()), *(term.related if term else ())]
        level = {zh}
        for _ in range(depth):
            level = {t.zh for t in self.terms if level & set(t.related)} - set(words)
            words += sorted(level)
        self._families[key] = tuple(dict.fromkeys(w for w in words if w))
        return self._families[key]

    def relations(self, zh: str) -> tuple[str, ...]:
        """The terms a term lists as related and the terms that list it (重点发展 ↔ 重点布局), one level each way."""
        term = self._by_zh.get(zh)
        listed = term.related if term else ()
        listing = tuple(self._listed_by.get(zh, ()))
        return tuple(dict.fromkeys(w for w in (*listed, *listing) if w and w != zh))

    def members(self, zh: str) -> tuple[str, ...]:
        """The named members of a concept that groups them (五新: 数字新经济, 生命新科技, …): the related terms of a
        concept whose name counts its members (a numeral: 五新, 四高五新, 五型经济), except those that extend the name
        (新四化融合 is a form of 新四化, not a member). Other concepts' related terms are narrower or broader things
        (人才: 人才驿站), not members a list question asks for: none."""
        term = self._by_zh.get(zh)
        if term is None or term.kind != "concept" or not _COUNTED.search(term.zh):
            return ()
        return tuple(r for r in term.related if term.zh not in r)

    def kinds_named(self, text: str, besides: frozenset[str] = frozenset()) -> frozenset[str]:
        """The glossary kinds of the names a Chinese text says, other than the names `besides` (cached: passages are
        asked about repeatedly)."""
        key = (text, besides)
        if key not in self._kinds_named:
            if len(self._kinds_named) > 4096:
                self._kinds_named.clear()
            # A heading's name (北向“创新新势力发展轴”, a section) holds the name of the thing it heads (创新新势力
            # 发展轴, an axis): the text names both.
            matches = [m for m in self.match_chinese(text) if m.term.zh not in besides]
            kinds = {m.term.kind for m in matches}
            kinds |= {
                inner.kind
                for m in matches
                if m.term.kind == "section"
                for r in m.term.related
                if r in m.text and (inner := self._by_zh.get(r)) is not None
            }
            self._kinds_named[key] = frozenset(kinds)
        return self._kinds_named[key]

    def knows_english(self, word: str) -> bool:
        """True when a lowercase word is a word of the glossary's English names or aliases (programme, guochao)."""
        return word in self._known_words

    def normalize(self, text: str) -> str:
        """Apply the variants table: misspellings and colloquial forms become the documents' words."""
        for pattern, wrong, right in self._variant_patterns:
            text = pattern.sub(right, text) if pattern is not None else text.replace(wrong, right)
        return _SPELLED.sub(self._counted, _HYPHENED.sub(self._joined, text))

    def _counted(self, m: re.Match[str]) -> str:
        """A counted name spelled out ("四个“高”", "五个新") is the name (四高, 五新) when the glossary has it."""
        name = f"{m[1]}{m[2]}"
        return name if name in self._by_zh else m[0]

    def _joined(self, m: re.Match[str]) -> str:
        """A hyphenated word whose closed form is a glossary word ("off-shore": offshore), written closed."""
        closed = f"{m[1]}{m[2]}"
        return closed if closed.lower() in self._known_words and m[0].lower() not in self._known_words else m[0]

    def match_english(self, text: str) -> list[Match]:
        """Glossary terms named in an English text, longest phrases first, non-overlapping."""
        # A misspelt word ("biotek", "autonomus") becomes the closest glossary word, so phrases still match; a real
        # English word the glossary lacks ("director", "contact", "plots") is left alone, not read as its neighbour.
        # A possessive ("Pinduoduo's expansion") names the owner: the word without its "'s".
        words = [
            ((self._closest(w) or w) if len(w) >= 5 and w.isalpha() and w not in self._known_words else w, s, e)
            for w, s, e in ((_owner(w), s, e) for w, s, e in _words(text.lower()))
        ]
        found: list[Match] = []
        i = 0
        while i < len(words):
            for n in range(min(self._en_max, len(words) - i), 0, -1):
                key = tuple(w for w, _, _ in words[i : i + n])
                if n == 1 and key not in self._en:
                    # a verb's past or -ing form ("copied", "cc'd") names what its base form names ("copy", "cc"), when
                    # that is something done with a document: "based" is no 基地, "focused" no 发展重点
                    key = next(((b,) for b in _base_forms(key[0]) if self._action((b,))), key)
                if key in self._en:
                    start, end = words[i][1], words[i + n - 1][2]
                    named = self._narrowed(text, words, i, _unique(self._en[key]))
                    if named is not None:  # "the 'digital' development axis": the one axis called digital
                        found = [m for m in found if m.end <= named[1]]  # (its modifier was matched alone: 数字)
                        found.append(Match(named[0], named[1], end, text[named[1] : end]))
                        i += n
                        break
                    found.extend(Match(t, start, end, text[start:end]) for t in _unique(self._en[key]))
                    found += self._shared_head(text, words, i, key)
                    i += n
                    break
            else:
                i += 1
        return sorted(found, key=lambda m: m.start)

    def _narrowed(
        self, text: str, words: list[tuple[str, int, int]], i: int, terms: list[Term]
    ) -> tuple[Term, int] | None:
        """ "the 'digital' development axis", "the southern 'life sci innovation corridor'": a name for a group of
        things of one kind (the three axes) after a word only one of its members' English names has (digital, life,
        south; the name itself, not an alias: "last year's CIIE" is no year-round platform) names that member, from
        that word on. The word is one of the three before the name, in the same clause (quotes aside), with no article
        or question word between (`_NO_MODIFIERS`), and no word of the group's own names."""
        if len(terms) != 1 or terms[0].kind in _NOT_KEY_TERMS:  # (a heading's members are sections, not things)
            return None
        group = terms[0]
        members = [m for r in group.related if (m := self._by_zh.get(r)) is not None and m.kind == group.kind]
        if len(members) < 2:
            return None
        own = self._name_words(group)
        for w, s, e in reversed(words[max(0, i - _MODIFIER_REACH) : i]):
            if _CLAUSE_BREAK.search(text[e : words[i][1]]) or w in _NO_MODIFIERS:
                return None
            having = [m for m in members if w in self._name_words(m, label=True)]
            if len(having) == 1 and w not in own:
                return having[0], s
        return None

    def _name_words(self, term: Term, label: bool = False) -> frozenset[str]:
        """The words of a term's English name and aliases (of its name alone: `label`)."""
        key = (term.zh, label)
        if key not in self._words_of:
            names = (term.en,) if label else (term.en, *term.aliases)
            self._words_of[key] = frozenset(w for p in names for w, _, _ in _words(p.lower()))
        return self._words_of[key]

    def _shared_head(self, text: str, words: list[tuple[str, int, int]], i: int, key: tuple[str, ...]) -> list[Match]:
        """ "the southern and northern development axes", "North and South Hongqiao": a word joined by "and" or "or" to
        the first word of a matched phrase shares the rest of it, and names what that phrase names for it."""
        if len(key) < 2 or i < 2 or words[i - 1][0] not in _JOINS:
            return []
        word, start, end = words[i - 2]
        shared = (word, *key[1:])
        if shared not in self._en or shared == key:
            return []
        return [Match(t, start, end, text[start:end]) for t in _unique(self._en[shared])]

    def _action(self, key: tuple[str, ...]) -> bool:
        """The words name only what is done with a document (copied to, issued, printed)."""
        return key in self._en and all(t.kind in _ACTION_KINDS for t in self._en[key])

    def _closest_alias(self, word: str) -> str | None:
        """The glossary word a misspelt word most resembles, if it is close enough (none for a real English word)."""
        if english_word(word):
            return None
        close = difflib.get_close_matches(word, self._en_words.get(word[0], []), n=1, cutoff=0.85)
        return close[0] if close else None

    def match_chinese(self, text: str) -> list[Match]:
        """Glossary terms (or their Chinese aliases) in a Chinese text, longest first, non-overlapping."""
        taken = [False] * len(text)
        found: list[Match] = []
        edges: set[int] | None = None
        for phrase in self._zh_patterns:
            start = text.find(phrase)
            while start >= 0:
                end = start + len(phrase)
                # a one-character everyday word (沿, 涨) is a word of its own, not a character inside one (沿线); a
                # one-character name of a thing (氢) is one in its compounds too (氢燃料电池)
                alone = len(phrase) == 1 and all(t.kind == "general" for t in self._zh[phrase])
                if alone and edges is None:
                    edges = word_edges(text)
                if not any(taken[start:end]) and (not alone or {start, end} <= (edges or set())):
                    for i in range(start, end):
                        taken[i] = True
                    found.extend(Match(t, start, end, phrase) for t in _unique(self._zh[phrase]))
                start = text.find(phrase, end)
        return sorted(found, key=lambda x: x.start)

    def label(self, zh: str) -> str | None:
        """The English label of a Chinese name or section heading, if the glossary knows it."""
        name = _NUMBERING.sub("", zh).strip()
        if name in self._by_zh:
            return self._by_zh[name].en
        head = re.split(r"[：:]", name)[0]
        if head in self._by_zh:
            return self._by_zh[head].en
        return None

    def section_en(self, section: str) -> str:
        """A section path with the English labels beside the Chinese names (for English readers)."""
        parts = []
        for part in section.split(SECTION_SEP):
            label = self.label(part)
            parts.append(f"{part} ({label})" if label else part)
        return SECTION_SEP.join(parts)

    def terms_in(self, text: str, limit: int = 8) -> list[Term]:
        """The key terms of a Chinese passage with English labels (for English readers), longest first;
        headings, document names and everyday words are left out."""
        seen: dict[str, Term] = {}
        for m in self.match_chinese(text):
            if m.term.zh == m.text and m.term.zh not in seen and m.term.kind not in _NOT_KEY_TERMS:
                seen[m.term.zh] = m.term
        return sorted(seen.values(), key=lambda t: -len(t.zh))[:limit]


_WORDS = re.compile(r"[a-z0-9]+(?:['’&+][a-z0-9]+)*")


def _words(text: str) -> list[tuple[str, int, int]]:
    """Lowercase words with their spans (`r&d` stays one word; hyphens split, on both sides of a match)."""
    return [(m.group(0).replace("’", "'"), m.start(), m.end()) for m in _WORDS.finditer(text)]


def _owner(word: str) -> str:
    """A possessive's owner ("pinduoduo's" → "pinduoduo"); any other word as it is ("r&d", "it's")."""
    return word[:-2] if word.endswith("'s") and len(word) > 4 else word


#: How many words before a group's name may say which member is meant ("southward 'life sci innovation corridor'").
_MODIFIER_REACH = 3
#: What ends the phrase before a name: a clause break (a comma, a question mark, a dash between spaces, a colon).
_CLAUSE_BREAK = re.compile(r"[,;:?!.]|\s[-–—]\s")
#: Words before a name that never pick a member: articles and words of how a question asks.
_NO_MODIFIERS = frozenset({"the", "a", "an", "this", "that", "which", "what", "each", "every", "all", "its", "their"})

#: Words that join two modifiers of one head ("southern and northern axes"; "&" and "/" are no words of `_words`).
_JOINS = frozenset({"and", "or"})

#: The kinds of glossary terms a verb form may name through its base form (抄送 "copy", 印发 "issue").
_ACTION_KINDS = frozenset({"document"})


def _base_forms(word: str) -> list[str]:
    """The base forms an English verb form may have: "copied" → copy, "issued" → issue/issu, "cc'd" → cc, "listing" →
    list/liste (only forms the glossary holds are taken)."""
    if word.endswith("'d") and len(word) > 3:
        return [word[:-2]]
    if len(word) < 5 or not word.isalpha():
        return []
    if word.endswith("ied"):
        return [word[:-3] + "y"]
    if word.endswith("ed"):
        return [word[:-2], word[:-1], *([word[:-3]] if word[-3] == word[-4] else [])]
    if word.endswith("ing"):
        return [word[:-3], word[:-3] + "e", *([word[:-4]] if word[-4] == word[-5] else [])]
    return []


def _unique(terms: list[Term]) -> list[Term]:
    return list({t.zh: t for t in terms}.values())


def _ascii_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", re.IGNORECASE)


def plural_forms(phrase: str) -> set[str]:
    """A phrase and its simple plural/singular forms."""
    forms = {phrase}
    if not phrase or not phrase[-1].isalpha():
        return forms
    if phrase.endswith("is") and len(phrase) > 3:  # axis → axes, and the common "axises"
        forms |= {phrase[:-2] + "es", phrase + "es"}
    elif phrase.endswith("ies"):
        forms.add(phrase[:-3] + "y")
    elif phrase.endswith("s") and not phrase.endswith("ss") and len(phrase) > 3:
        forms.add(phrase[:-1])
    elif phrase.endswith("y") and len(phrase) > 3 and phrase[-2] not in "aeiou":
        forms.add(phrase[:-1] + "ies")
    else:
        forms.add(phrase + ("es" if phrase.endswith(("s", "x", "ch", "sh")) else "s"))
    return forms


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        return (str(value),)
    return tuple(str(v) for v in value if v is not None and str(v).strip())


def load_glossary(path: Path) -> Glossary:
    """Read the glossary file; a missing file means an empty glossary, a broken one is a ConfigError."""
    if not path.is_file():
        logger.warning("No glossary at %s: English questions will not get Chinese terms.", path)
        return Glossary()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The glossary {path} is not valid YAML ({type(exc).__name__}): fix or remove it.") from None
    terms: dict[str, Term] = {}
    for raw in data.get("terms", []) or []:
        if not isinstance(raw, dict) or not raw.get("zh") or not raw.get("en"):
            continue
        term = Term(
            zh=str(raw["zh"]).strip(),
            en=str(raw["en"]).strip(),
            kind=str(raw.get("kind", "concept")),
            aliases=_strings(raw.get("aliases")),
            zh_aliases=_strings(raw.get("zh_aliases")),
            related=_strings(raw.get("related")),
        )
        first = terms.get(term.zh)
        if first is not None:  # one entry per Chinese term: later entries add words, the first keeps its label
            term = Term(
                first.zh,
                first.en,
                first.kind,
                tuple(dict.fromkeys(first.aliases + term.aliases)),
                tuple(dict.fromkeys(first.zh_aliases + term.zh_aliases)),
                tuple(dict.fromkeys(first.related + term.related)),
            )
        terms[term.zh] = term
    variants = {str(k): str(v) for k, v in (data.get("variants") or {}).items()}
    return Glossary(list(terms.values()), variants)
