"""Chinese typos of sound: a word the documents never write that sounds like a name they do.

Chinese is typed by sound, so the common typo is a homophone: 虹乔 or 虹侨 for 虹桥, 汇展 for 会展. A span of
a question is read as a name when it is as long as the name, sounds the same (toneless pinyin, character by
character), differs from it in exactly one character, and is never written in the documents (a real word is
never rewritten, nor the edge of one: in "核心环包括", 环包 sounds like 环保 but its 包 begins 包括), nor a common
word of the segmenter's dictionary (甲级 sounds like 家级 of 国家级, but is a word of its own). Names are the words the
documents write (as segmented) and the glossary's Chinese names and aliases, which the glossary reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from pypinyin import lazy_pinyin

from bot.qa.glossary import english_frequency
from bot.qa.text import word_edges, word_frequency, words_in

_HAN = re.compile(r"^[\u3400-\u9fff]+$")
#: A span the segmenter's dictionary counts this often is a word of its own (甲级 209, 中兴 684), not a typo; rare
#: entries are mostly common misspellings (汇展 4).
REAL_WORD = 50
#: …unless the name it sounds like is this many times commoner (人材 50, 人才 8742: a variant written for the name).
RARER = 100


@lru_cache(maxsize=8192)
def _char_sound(ch: str) -> str:
    return lazy_pinyin(ch)[0]


def sound(text: str) -> tuple[str, ...]:
    """The toneless pinyin of each character (a character without one stands for itself)."""
    return tuple(_char_sound(ch) for ch in text)


class Homophones:
    """The documents' names by their sound, and the one-character sound-alike typos of a question fixed."""

    def __init__(self, names: Iterable[str], documents: str) -> None:
        self.documents = documents
        self.names = {n for n in names if _HAN.match(n) and len(n) >= 2}
        self.by_sound: dict[tuple[str, ...], list[str]] = {}
        for name in sorted(self.names):
            self.by_sound.setdefault(sound(name), []).append(name)
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)

    def fix(self, text: str) -> str:
        """The text with each sound-alike typo of a name replaced by the name, longest names first."""
        if not self.names or not re.search(r"[\u3400-\u9fff]", text):
            return text
        sounds = sound(text)
        edges: set[int] | None = None  # segmented only when a sound-alike span is found (most questions have none)
        out: list[str] = []
        i = 0
        while i < len(text):
            for n in self.lengths:
                name = self._name_for(text[i : i + n], sounds[i : i + n])
                if name is None or self._word_across(text, i, n, name):
                    continue
                # The span is words of the question as segmented, not part of one ("政策上有没有": 上有 sounds like 上游
                # but its 有 begins 有没有).
                edges = word_edges(text) if edges is None else edges
                if (i in edges or _leaning(text, i, edges)) and (i + n in edges or _clinging(text, i + n, edges)):
                    out.append(name)
                    i += n
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def _word_across(self, text: str, i: int, n: int, name: str) -> bool:
        """The character the fix would change forms, with its neighbour outside the span, a word the documents
        write: the span is no typo but the edge of a real word ("核心环包括": 包括, not 环保)."""
        j = i + next(k for k in range(n) if text[i + k] != name[k])
        # (not with a word of grammar glued on: "规化的原则" is 规化 + 的, though 化的 is in the documents)
        before = text[j - 1 : j + 1] if j == i and i > 0 and text[j - 1] not in _LEANING else ""
        after = text[j : j + 2] if j == i + n - 1 and text[j + 1 : j + 2] not in _CLINGING else ""
        return any(len(p) == 2 and p in self.documents for p in (before, after))

    def _name_for(self, span: str, heard: tuple[str, ...]) -> str | None:
        if len(heard) < 2 or not _HAN.match(span) or span in self.names or span in self.documents:
            return None
        seen = word_frequency(span)
        for name in self.by_sound.get(heard, ()):
            # a real word the documents do not use (甲级, 中兴) is no typo, unless the name it sounds like is a hundred
            # times commoner: then it is a variant nobody means (人材 for 人才)
            if sum(a != b for a, b in zip(name, span, strict=True)) == 1 and (
                seen < REAL_WORD or seen * RARER < word_frequency(name, taught=True)
            ):
                return name
        return None


#: One-character words of place and grammar that the segmenter glues onto a typo it does not know ("规化里": 规化 + 里;
#: "基本原泽有哪几条": 原泽 + 有).
_CLINGING = "里上中内外的了呢吗啊呀有"
#: …and in front of one ("了解下规化": 下 + 规化).
_LEANING = "下在从对把给向和与跟"


def _clinging(text: str, at: int, edges: set[int]) -> bool:
    """The span ends one character before a word edge, and that character is a word of place or grammar the segmenter
    glued on ("规化里咋说的": the typo 规化 and 里)."""
    return at < len(text) and text[at] in _CLINGING and at + 1 in edges


def _leaning(text: str, at: int, edges: set[int]) -> bool:
    """The span starts one character after a word edge, and that character is a word the segmenter glued on in front
    ("了解下规化里": 下 and the typo 规化)."""
    return at > 0 and text[at - 1] in _LEANING and at - 1 in edges


class Misspellings:
    """English typos: a word of a question that is no English word and that the documents' English never uses, one
    edit (a letter added, dropped, changed or two swapped) away from a word that is (ammount, subsidey, componants,
    expansoin). It becomes that word when the documents' English uses it or it asks for a figure (amount); of several,
    the commonest English one. Names and shorthand the dictionary lacks (Pinduoduo, robotaxi) are words the documents
    use, and short forms (intl, govts) are left as typed: only words of five letters or more are read."""

    def __init__(self, known: Callable[[str], bool], english: Callable[[str], bool], cue: re.Pattern[str]) -> None:
        self.known = known  # the documents' English or the glossary writes the word
        self.english = english  # the word is English
        self.cue = cue  # a word that asks for a figure
        self._fixes: dict[str, str] = {}

    def fix(self, text: str) -> str:
        return _WORD_EN.sub(lambda m: self._fixed(m[0]), text)

    def _fixed(self, word: str) -> str:
        low = word.lower()
        if len(low) < 5 or self.english(low) or self.known(low) or any(self.english(w) for w in _american(low)):
            return word
        if low not in self._fixes:
            near = [w for w in _edits(low) if self.english(w) and (self.known(w) or self.cue.fullmatch(w))]
            self._fixes[low] = max(near, key=lambda w: (english_frequency(w), w)) if near else low
        fixed = self._fixes[low]
        return word if fixed == low else fixed


#: British spellings and their American forms: a British word (metre, centre, licence, organise) is no typo, though
#: the dictionary is American.
_BRITISH = ((r"re$", "er"), (r"res$", "ers"), (r"our", "or"), (r"is(e|ed|es|ing|ation|ations)$", r"iz\1"),
            (r"ys(e|ed|es|ing)$", r"yz\1"), (r"ogue$", "og"), (r"mme$", "m"), (r"ll(ed|ing|er)$", r"l\1"),
            (r"ence$", "ense"), (r"ae", "e"), (r"oe", "e"))  # fmt: skip


def _american(word: str) -> list[str]:
    return [re.sub(p, r, word) for p, r in _BRITISH if re.search(p, word)]


_WORD_EN = re.compile(r"(?<![\w-])[A-Za-z]+(?![\w-])")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits(word: str) -> set[str]:
    """Every string one edit from the word (Damerau: a swap of two neighbours is one edit)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in _LETTERS),
        *(a + c + b for a, b in splits for c in _LETTERS),
    }


class Contractions:
    """Chinese contractions of a name: a word the documents never write, kept short by dropping characters of a
    name they do write (航司 for 航空公司, 引才 for 引进人才, 展会 for 展览会). A word is read as the name when it keeps
    the name's first and last characters and the rest in order, is one to three characters shorter, is no common
    word of the segmenter's dictionary (平米 is a word of its own, not 平方千米), and one name alone fits it."""

    def __init__(self, names: Iterable[str], documents: str) -> None:
        self.documents = documents
        self.by_ends: dict[tuple[str, str], list[str]] = {}
        for name in sorted({n for n in names if _HAN.match(n) and len(n) >= 3}):
            self.by_ends.setdefault((name[0], name[-1]), []).append(name)

    def fix(self, text: str) -> str:
        """The text with each contraction of a name spelt out."""
        if not self.by_ends or not re.search(r"[\u3400-\u9fff]", text):
            return text
        return "".join(self.name_for(w) or w for w in words_in(text))

    @lru_cache(maxsize=4096)  # noqa: B019 (one instance per index, few distinct words)
    def name_for(self, word: str) -> str | None:
        if not _HAN.match(word) or not 2 <= len(word) <= 3 or word in self.documents:
            return None
        if word_frequency(word) >= REAL_WORD:
            return None
        fits = [n for n in self.by_ends.get((word[0], word[-1]), ()) if len(word) < len(n) <= len(word) + 3]
        fits = [n for n in fits if _in_order(word, n)]
        return fits[0] if len(fits) == 1 else None


def _in_order(short: str, name: str) -> bool:
    """Every character of `short` appears in `name`, in the same order."""
    rest = iter(name)
    return all(ch in rest for ch in short)
