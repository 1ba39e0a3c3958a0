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
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import lazy_pinyin

from bot.qa.text import word_edges, word_frequency

_HAN = re.compile(r"^[\u3400-\u9fff]+$")
#: A span the segmenter's dictionary counts this often is a word of its own (甲级 209, 中兴 684), not a typo; rare
#: entries are mostly common misspellings (汇展 4).
REAL_WORD = 50


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
                if i in edges and i + n in edges:
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
        pairs = [text[j - 1 : j + 1] if j == i and i > 0 else "", text[j : j + 2] if j == i + n - 1 else ""]
        return any(len(p) == 2 and p in self.documents for p in pairs)

    def _name_for(self, span: str, heard: tuple[str, ...]) -> str | None:
        if len(heard) < 2 or not _HAN.match(span) or span in self.names or span in self.documents:
            return None
        if word_frequency(span) >= REAL_WORD:  # a real word the documents do not use (甲级, 中兴): not a typo
            return None
        for name in self.by_sound.get(heard, ()):
            if sum(a != b for a, b in zip(name, span, strict=True)) == 1:
                return name
        return None
