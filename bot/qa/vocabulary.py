"""What the indexed documents say, as statistics the stages weigh a question's words with."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.qa.text import numbers, stem, tokens


@dataclass(frozen=True)
class Vocabulary:
    """Document frequencies of the chunks' tokens, the whole text (lowercase) and every number in it, and the stems
    of every word of the documents' reviewed English."""

    doc_freq: dict[str, int]
    n_docs: int
    text: str
    numbers: frozenset[str]
    english: frozenset[str] = frozenset()
    english_words: frozenset[str] = frozenset()  # the words of the documents' English as written (lowercase)

    @classmethod
    def of(cls, texts: Iterable[str], english: Iterable[str] = ()) -> Vocabulary:
        """Statistics over passages (each a chunk's heading path and text) and their English, when translated."""
        texts = list(texts)
        doc_freq: Counter[str] = Counter()
        for t in texts:
            doc_freq.update(set(tokens(t)))
        corpus = "\n".join(texts)
        words = {w for t in english for w in _ENGLISH_WORD.findall(t.lower())}
        stems = frozenset(stem(w) for w in words)
        return cls(
            dict(doc_freq), max(1, len(texts)), corpus.lower(), frozenset(numbers(corpus)), stems, frozenset(words)
        )

    @property
    def max_idf(self) -> float:
        """The weight of a word no passage uses."""
        return math.log(1 + self.n_docs)

    def idf(self, term: str) -> float:
        """BM25-style inverse document frequency; a word only found inside other words counts as one passage."""
        low = term.lower()
        df = self.doc_freq.get(low)
        if df is None:
            df = 1 if low in self.text else 0
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)) if df else self.max_idf

    def knows(self, term: str) -> bool:
        """True when the documents use the word."""
        return term.lower() in self.text

    def writes_in_english(self, word: str) -> bool:
        """True when the documents' English writes this very word (a misspelling may share a stem: componants)."""
        return word.lower() in self.english_words

    def says_in_english(self, word: str) -> bool:
        """True when the documents' English uses the word (any form of it: "rents" for "rent")."""
        return stem(word.lower()) in self.english


_ENGLISH_WORD = re.compile(r"[a-z]+")
