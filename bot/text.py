"""Text utilities shared by retrieval and answering: language, Chinese-aware tokens, sentences."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_SENTENCE = re.compile(r"[^。；！？!?;\n]+(?:[。；！？!?;]+[”’」』）)]*|(?=\n)|$)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


def _stopwords() -> tuple[frozenset[str], frozenset[str]]:
    data = yaml.safe_load((Path(__file__).with_name("stopwords.yaml")).read_text(encoding="utf-8"))
    return frozenset(data["zh"].split() + data.get("zh_fluff", "").split()), frozenset(data["en"].split())


#: Function and question words that say nothing about the topic (data in `stopwords.yaml`).
ZH_STOP, EN_STOP = _stopwords()

_jieba_lock = threading.Lock()
_jieba_ready = False


def _jieba():
    global _jieba_ready
    import jieba

    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(60)
            jieba.initialize()
            _jieba_ready = True
    return jieba


_added: set[str] = set()


def add_words(words: Iterable[str]) -> None:
    """Teach the Chinese segmenter the documents' terms (e.g. 北虹桥片区, 汽车新势力), each once: jieba
    adds a word's frequency to its total on every call, so repeating words would shift segmentation."""
    jieba = _jieba()
    with _jieba_lock:
        for w in words:
            if _CJK_CHAR.search(w) and len(w) >= 2 and w not in _added:
                jieba.add_word(w, freq=50000)
                _added.add(w)


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_SHORT_YEAR = re.compile(r"(?<![\d.])([0-4]\d)\s*年")


def normalize_query(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), spaces collapsed, short years spelt out (`25年` → `2025年`)."""
    text = unicodedata.normalize("NFKC", text)
    text = _MD_LINK.sub(r"\1", text)  # [text](url) and ![alt](url): keep the words, drop the address
    text = _SHORT_YEAR.sub(r"20\1年", text)
    # NFKC turns Chinese punctuation into ASCII; the documents use the full-width forms.
    text = text.replace("?", "？") if is_chinese(text) else text
    return re.sub(r"\s+", " ", text).strip()


def has_control_chars(text: str) -> bool:
    """True when text holds control characters other than tab and newline."""
    return bool(_CONTROL.search(text))


def is_chinese(text: str) -> bool:
    """True when the text is mostly Chinese (more CJK characters than Latin words)."""
    cjk = len(_CJK_CHAR.findall(text))
    words = len(re.findall(r"[A-Za-z]{2,}", text))
    return cjk > 0 and cjk >= words


def weighted_tokens(text: str, bigram_weight: float = 0.5) -> list[tuple[str, float]]:
    """Keyword tokens with weights: jieba words (search mode) 1.0, the character bigrams inside longer
    words `bigram_weight` (they catch partial and mis-segmented matches), lowercase Latin words 1.0."""
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[tuple[str, float]] = []
    jieba = _jieba()
    for run in _CJK_RUN.findall(text):
        for w in jieba.lcut_for_search(run):
            if w in ZH_STOP:
                continue
            out.append((w, 1.0))
            if len(w) >= 3:
                out.extend((w[i : i + 2], bigram_weight) for i in range(len(w) - 1))
    out.extend((w, 1.0) for w in _WORD.findall(text) if w not in EN_STOP)
    return out


def tokens(text: str) -> list[str]:
    """Keyword tokens of a passage or question (see `weighted_tokens`)."""
    return [t for t, _ in weighted_tokens(text)]


_QUESTION_WORD = re.compile(r"^(几|多少|多|哪|什么|怎|如何|是否|有没有)")


def content_terms(text: str) -> list[str]:
    """The topic words of a question (jieba words without stopwords and question words; English words
    without stopwords; numbers)."""
    text = unicodedata.normalize("NFKC", text).lower()
    jieba = _jieba()
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend(w for w in jieba.lcut(run) if w not in ZH_STOP and len(w) >= 2 and not _QUESTION_WORD.match(w))
    for w in _WORD.findall(text):
        w = w.removesuffix("'s")
        if w not in EN_STOP and (len(w) > 2 or w.isdigit()):
            out.append(w)
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of a passage; every span is a verbatim slice."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start] in " \t":
            start += 1
        if end - start >= 2:
            spans.append((start, end))
    return spans


_CHINESE_AMOUNT = re.compile(r"(?<![\d\s.])[一二三四五六七八九十两]*[百千万亿]+(?=级|元|家|人|个|项|亩|吨|余|多|平方)")
_YEAR = re.compile(r"(?:19|20)\d\d\s*年|〔\d+〕|^\s*\d{1,2}\s*[.、](?!\d)", re.MULTILINE)


def figures(text: str) -> list[str]:
    """The numbers of a text that count or measure something (years and document numbers left out),
    including amounts written in Chinese numerals (五百亿级, 千亿级)."""
    text = unicodedata.normalize("NFKC", text)
    return numbers(_YEAR.sub(" ", text)) + _CHINESE_AMOUNT.findall(text)


def numbers(text: str) -> list[str]:
    """The numbers written in a text (years, amounts, percentages)."""
    return _NUMBER.findall(unicodedata.normalize("NFKC", text))


_PART_BREAK = re.compile(
    r"[？?；;]\s*|[，,]\s*(?=(?:and\s+)?(?:what|which|how|where|when|who|is|are|does|do|can|will)\b)"
    r"|\s+and\s+(?=(?:what|which|how|where|when|who|is|are|does|do|can|will)\b)"
    r"|\s+(?:versus|vs\.?|compared (?:to|with))\s+|(?:以及|另外|同时|并且|相比)"
    r"|[，,](?=[^，,。？?]*(?:几|多少|哪|什么|怎么|如何|是否|有没有|吗|呢))(?<=[\u3400-\u9fff][，,])",
    re.IGNORECASE,
)


MAX_PARTS = 4
_COUNTS = re.compile(r"(?:几|多少)[个家场项份条类种所座名位次期批]")


def split_parts(question: str) -> list[str]:
    """The parts of a multi-part question ("哪个片区？到2025年多大规模", "Which zones …, and what's …");
    a single question gives an empty list."""
    parts = [p.strip(" ，,。.") for p in _PART_BREAK.split(question)]
    parts = [p for p in parts if len(p) >= 4 and (content_terms(p) or _COUNTS.search(p))][:MAX_PARTS]
    return parts if len(parts) > 1 else []


#: jieba part-of-speech flags of words that name a thing (nouns, verbal nouns, abbreviations).
_NOUN_FLAGS = ("n", "vn", "j", "nz", "nt", "ns", "nr")


@lru_cache(maxsize=2048)
def nouns(text: str) -> frozenset[str]:
    """The words jieba tags as nouns in a Chinese text (what a question asks about, not how it asks)."""
    import jieba.posseg

    _jieba()
    return frozenset(w.word for w in jieba.posseg.lcut(text) if w.flag.startswith(_NOUN_FLAGS) and len(w.word) >= 2)
