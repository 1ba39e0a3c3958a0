"""The figures of a Chinese text and the English forms that render each one faithfully.

The conversions are defined once, here, and used by the translation checks (tests) and by the evaluation of
English answers: 5000 亿元 → 500 billion yuan; 2 个百分点 → 2 percentage points; 千亿级 → 100-billion-yuan;
1500 家 → 1,500; 2022年9月14日 → 14 September 2022; 〔2022〕76号 → [2022] No. 76; 三个 → three; 第二 → second.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_ORDINALS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_DATE_DMY = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_MY = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d)")
_DOC_NO = re.compile(r"〔(\d{4})〕\s*(\d+)\s*号")
_YI = re.compile(r"(\d+(?:\.\d+)?)\s*亿元")
_POINTS = re.compile(r"(\d+(?:\.\d+)?)\s*个百分点")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\d.])")
_CN_AMOUNT = re.compile(r"([一二三四五六七八九两]?)([百千])亿级")
_CN_COUNT = re.compile(
    r"(?<![第一二三四五六七八九十两统唯同单进之逐万])([一二两三四五六七八九十]+)(?=个|大|条|型|圈|区|轴|项|类|种|家|场)"
)
_CN_ORDINAL = re.compile(r"第([一二三四五六七八九十]+)")


@dataclass(frozen=True)
class Figure:
    """A figure as the Chinese writes it and the English forms that render it (any one will do)."""

    zh: str
    forms: tuple[str, ...]

    def in_text(self, english: str) -> bool:
        flat = _flat(english)
        return any(_flat(f) in flat for f in self.forms)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).replace("‑", "-").replace("–", "-")).lower()


def _plain(x: float) -> str:
    return f"{x:.10g}"


def _numbers(n: str) -> tuple[str, ...]:
    """A number as digits, with a thousands comma from 1,000 up (years excepted by the caller)."""
    value = float(n)
    forms = [n]
    if value >= 1000 and value == int(value):
        forms.append(f"{int(value):,}")
    return tuple(forms)


def _cn_int(text: str) -> int:
    """A Chinese numeral up to 99 (十九 → 19, 三 → 3)."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return _CN_DIGIT.get(text, 0)


def _count_forms(n: int) -> tuple[str, ...]:
    words = [str(n)]
    if n < len(_WORDS):
        words.append(_WORDS[n])
    return tuple(words)


def _ordinal_forms(n: int) -> tuple[str, ...]:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    forms = [f"{n}{suffix}"]
    if n < len(_ORDINALS):
        forms.append(_ORDINALS[n])
    return tuple(forms)


def figures_of(zh: str) -> list[Figure]:
    """Every figure of a Chinese text, each with its English forms; each digit run is claimed once, by the
    most specific rule (a date before its year, an amount before its number)."""
    text = unicodedata.normalize("NFKC", zh).replace("，", ",")
    out: list[Figure] = []
    taken = [False] * len(text)

    def claim(m: re.Match[str], forms: tuple[str, ...]) -> None:
        if any(taken[m.start() : m.end()]):
            return
        for i in range(m.start(), m.end()):
            taken[i] = True
        out.append(Figure(m.group(0), forms))

    for m in _DATE_DMY.finditer(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        claim(m, (f"{d} {MONTHS[mo - 1]} {y}", f"{MONTHS[mo - 1]} {d}, {y}"))
    for m in _DATE_MY.finditer(text):
        claim(m, (f"{MONTHS[int(m[2]) - 1]} {m[1]}",))
    for m in _DOC_NO.finditer(text):
        claim(m, (f"[{m[1]}] No. {m[2]}",))
    for m in _YI.finditer(text):
        billions = _plain(float(m[1]) / 10)
        claim(m, (f"{billions} billion",))
    for m in _POINTS.finditer(text):
        claim(m, (f"{m[1]} percentage point",))
    for m in _PERCENT.finditer(text):
        claim(m, (f"{m[1]}%", f"{m[1]} percent"))
    for m in _CN_AMOUNT.finditer(text):
        scale = (_CN_DIGIT.get(m[1], 1) if m[1] else 1) * (100 if m[2] == "百" else 1000) / 10
        claim(m, (f"{_plain(scale)}-billion-yuan", f"{_plain(scale)} billion yuan", f"{_plain(scale)} billion"))
    for m in _NUMBER.finditer(text):
        n = m[1]
        year = len(n) == 4 and n.startswith(("19", "20"))
        claim(m, (n,) if year else _numbers(n))
    for m in _CN_ORDINAL.finditer(text):
        claim(m, _ordinal_forms(_cn_int(m[1])))
    for m in _CN_COUNT.finditer(text):
        n = _cn_int(m[1])
        claim(m, _count_forms(n) + (_ordinal_forms(n) if n >= 10 else ()))
    return out


def missing_figures(zh: str, en: str) -> list[str]:
    """The figures of a Chinese unit that its English does not render in any equivalent form."""
    return [f.zh for f in figures_of(zh) if not f.in_text(en)]
