"""Chinese typos of sound: a word the documents never write that sounds like a name they do.

Chinese is typed by sound, so the common typo is a homophone: 虹乔 or 虹侨 for 虹桥, 汇展 for 会展. A span of
a question is read as a name when it is as long as the name, sounds the same (toneless pinyin, character by
character), differs from it in exactly one character, and is never written in the documents (a real word is
never rewritten). Names are the glossary's Chinese names that the documents use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import lazy_pinyin

_HAN = re.compile(r"^[\u3400-\u9fff]+$")


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
        self.names = {n for n in names if _HAN.match(n) and len(n) >= 2 and n in documents}
        self.by_sound: dict[tuple[str, ...], list[str]] = {}
        for name in sorted(self.names):
            self.by_sound.setdefault(sound(name), []).append(name)
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)

    def fix(self, text: str) -> str:
        """The text with each sound-alike typo of a name replaced by the name, longest names first."""
        if not self.names or not re.search(r"[\u3400-\u9fff]", text):
            return text
        sounds = sound(text)
        out: list[str] = []
        i = 0
        while i < len(text):
            for n in self.lengths:
                name = self._name_for(text[i : i + n], sounds[i : i + n])
                if name is not None:
                    out.append(name)
                    i += n
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def _name_for(self, span: str, heard: tuple[str, ...]) -> str | None:
        if len(heard) < 2 or not _HAN.match(span) or span in self.names or span in self.documents:
            return None
        for name in self.by_sound.get(heard, ()):
            if sum(a != b for a, b in zip(name, span, strict=True)) == 1:
                return name
        return None
