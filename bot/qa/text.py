"""Text utilities shared by the engine's stages: normalising a question, language, Chinese-aware tokens,
numbers and figures, question parts."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from bot.qa.rules import rules

_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


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


_added: dict[str, int] = {}  # words taught to the segmenter, with how often its dictionary counted them before


def add_words(words: Iterable[str]) -> None:
    """Teach the Chinese segmenter the documents' terms (e.g. 北虹桥片区, 汽车新势力), each once: jieba
    adds a word's frequency to its total on every call, so repeating words would shift segmentation."""
    jieba = _jieba()
    with _jieba_lock:
        for w in words:
            if _CJK_CHAR.search(w) and len(w) >= 2 and w not in _added:
                _added[w] = jieba.dt.FREQ.get(w, 0)
                jieba.add_word(w, freq=50000)


def words_zh(text: str) -> set[str]:
    """The Chinese words of a text as the segmenter cuts it (two characters or more)."""
    return {w for w in _jieba().lcut(text) if len(w) >= 2 and _CJK_RUN.fullmatch(w)}


def words_in(text: str) -> list[str]:
    """The text as the segmenter cuts it, every character kept (joined, the words give the text back)."""
    return _jieba().lcut(text)


def word_edges(text: str) -> set[int]:
    """The offsets where the segmenter's words of a text begin and end."""
    edges, at = {0}, 0
    for w in _jieba().lcut(text):
        at += len(w)
        edges.add(at)
    return edges


def word_frequency(word: str, taught: bool = False) -> int:
    """How often the segmenter's own dictionary counts the word (0 for a term only taught to it from the documents;
    with `taught`, what the dictionary counted before: 人才 8742): 甲级 209, 中兴 684, but 汇展 4 (a rare spelling,
    mostly the typo of 会展)."""
    if word in _added:
        return _added[word] if taught else 0
    return _jieba().dt.FREQ.get(word, 0)


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)")


#: A year in Chinese numerals (二〇三五年, 二零二五年) and the digits it is written with.
_ZH_YEAR = re.compile(r"[一二][〇零○][〇零○一二三四五六七八九]{2}(?=\s*年)")
_ZH_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")


def normalize_query(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), spaces collapsed, years in Chinese numerals in digits
    (二〇三五年 → 2035年) and short years spelt out where a year is meant (`到25年` → `到2025年`, but not `成立10年了`),
    English chat shorthand read as the words it stands for ("whats" → "what is", "actually" → nothing), and a relayed
    enquiry's opening
    frame ("有客户问：") dropped."""
    text = unicodedata.normalize("NFKC", text)
    text = _MD_LINK.sub(r"\1", text)  # [text](url) and ![alt](url): keep the words, drop the address
    text = _ZH_YEAR.sub(lambda m: m[0].translate(_ZH_DIGITS), text)  # 二〇三五年 → 2035年
    text = rules().short_year.sub(r"20\1年", text)
    if not is_chinese(text):  # "whats", "r", "abt": the words they stand for
        for shorthand, words in rules().chat_en:
            text = shorthand.sub(words, text)
    text = rules().relay.sub("", text.strip(), count=1) or text  # "有客户问：…": who asks, not what
    text = _enumerated(text)  # "(1) how many …? (2) which …?": the markers number the parts, they are no figures
    # NFKC turns Chinese punctuation into ASCII; the documents use the full-width forms.
    text = text.replace("?", "？") if is_chinese(text) else text
    if is_chinese(text):  # a chat tilde ends a clause as a comma does ("研究生写论文用~想问下…"), not a range ("2~3年")
        text = _TILDE.sub("，", text)
        text = _HEARSAY.sub("", text)  # "听乘客说那边要搞产业": who the asker heard it from is not what is asked
        text = _BARE_CLAUSE_ZH.sub(_which_typed_as_that, text)  # "引进人才有那些政策支持": 哪些, typed by sound
    return re.sub(r"\s+", " ", text).strip()


#: A marker numbering an item of a question ("(1)", "（2）", "3)", "②") where an item starts (at the start, after a
#: space or a stop), not a number in brackets inside a name.
_ENUM = re.compile(r"(?:^|(?<=[\s:：;；,，?？。.!！]))(?:[(（]\s*\d{1,2}\s*[)）]|\d{1,2}\)|[①-⑩])\s*")


#: A marker "1." numbering an item, before a word (not "2.4 times"); a marker only when they count from one.
_ENUM_DOT = re.compile(r"(?:^|(?<=[\s:：;；,，?？。!！]))(\d{1,2})\.(?=\s+[A-Za-z\u4e00-\u9fff])")


def _enumerated(text: str) -> str:
    """The text without its item markers; a marker after words that do not end in a break starts a new part (";")."""

    def mark(m: re.Match[str]) -> str:
        before = text[: m.start()].rstrip()
        return "" if not before or before[-1] in ":：;；,，?？。.!！" else "; "

    dotted = list(_ENUM_DOT.finditer(text))
    if [int(m[1]) for m in dotted][:2] == [1, 2]:  # "1. Does …? 2. What …?": numbered from one, markers too
        text = _ENUM_DOT.sub(lambda m: mark(m) if int(m[1]) <= len(dotted) else m[0], text)
    return re.sub(r"\s+;", ";", _ENUM.sub(mark, text))


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
    words `bigram_weight` (they catch partial and mis-segmented matches), lowercase Latin words stemmed 1.0
    (the English text and English questions meet on stems: companies ~ company)."""
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[tuple[str, float]] = []
    jieba, r = _jieba(), rules()
    for run in _CJK_RUN.findall(text):
        for w in jieba.lcut_for_search(run):
            if w in r.zh_stop:
                continue
            out.append((w, 1.0))
            if len(w) >= 3:
                out.extend((w[i : i + 2], bigram_weight) for i in range(len(w) - 1))
    out.extend((stem(w), 1.0) for w in _WORD.findall(text) if w not in r.en_stop)
    return out


_stemmer_lock = threading.Lock()


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """The English stem of a lowercase word (Snowball, through PyStemmer), American spellings read as the British ones
    the documents' English uses ("organizers" as "organisers", "center" as "centre", "analyze" as "analyse")."""
    word = _AMERICAN.get(word) or _IZE.sub(r"\1s\2", word)
    with _stemmer_lock:
        return _stemmer().stemWord(word)


@lru_cache(maxsize=4096)
def english_stems(text: str) -> frozenset[str]:
    """The stems of the words of an English text."""
    return frozenset(stem(w) for w in re.findall(r"[a-z]+", text.lower()))


#: -ize / -yze after a stem of three letters or more ("organize", "prioritized", "analyzing"; not "size", "prize").
_IZE = re.compile(r"(?<=[a-z]{3})([iy])z(e|es|ed|ing|er|ers|ation|ations)$")
#: American spellings of words the documents' English spells the British way.
_AMERICAN = {
    "center": "centre",
    "centers": "centres",
    "program": "programme",
    "programs": "programmes",
    "catalog": "catalogue",
    "catalogs": "catalogues",
    "labor": "labour",
}


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """Keyword tokens of a passage or question (see `weighted_tokens`)."""
    return [t for t, _ in weighted_tokens(text)]


#: The question word a jieba word may open ("哪些产业", "什么样的企业"), with its measure word.
_ASKED_PREFIX = re.compile(
    r"^(?:哪[些个种类家所座条项位块]?|(?:什么|啥)样?的?|多少|几[个家种类项条所座位块]?|怎样的?|如何)"
)


def content_terms(text: str) -> list[str]:
    """The topic words of a question (jieba words without stopwords and question words; English words
    without stopwords; numbers)."""
    text = unicodedata.normalize("NFKC", text).lower()
    jieba, r = _jieba(), rules()
    out: list[str] = []
    for run in _CJK_RUN.findall(r.which_count_zh.sub(" ", text)):
        for w in jieba.lcut(run):
            if r.question_word_zh.match(w):  # 哪些产业 (one jieba word): the question word asks, 产业 is the topic
                w = _ASKED_PREFIX.sub("", w)
            # (two characters that are each a word of no topic, glued by the segmenter: 说要, 问下, 还有; a verb and
            # the measure word after it: 建个, 搞个)
            glued = len(w) == 2 and (all(c in r.zh_stop for c in w) or w[1] == "个")
            if w not in r.zh_stop and len(w) >= 2 and not r.question_word_zh.match(w) and not glued:
                out.append(w)
    for w in _WORD.findall(text):
        w = w.removesuffix("'s")
        if w not in r.en_stop and (len(w) > 2 or w.isdigit()):
            out.append(w)
    return out


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


#: Hearsay: who the asker heard something from ("听乘客说", "听朋友讲").
_HEARSAY = re.compile(r"听[\u4e00-\u9fff]{1,4}?(?:说|讲)(?:过)?")

#: A clause of a Chinese question without its punctuation: up to a stop, a comma or a space.
_BARE_CLAUSE_ZH = re.compile(r"[^，,。？?！!；;：:\s]+")


def _which_typed_as_that(m: re.Match[str]) -> str:
    """A clause that asks nothing but says 那些 asks "which ones" (哪些, the same sound: "有那些政策支持
    住房补贴标准多少"); in a clause that asks something else, 那些 points back ("那些企业在哪个片区")."""
    clause = m.group(0)
    return clause if rules().question_cue.search(clause) else clause.replace("那些", "哪些")


#: A chat tilde between words (not in a range of numbers).
_TILDE = re.compile(r"(?<!\d)[~～]+(?!\d)")


#: Parts of a question kept at most (more cost time and are rarely real parts).
MAX_PARTS = 4


#: What ends a piece that asks something even without a question word.
_ASKED_END = re.compile(r"[?？+＋&]")

#: A subject, a colon or a spaced dash, and the things asked of it, to a question mark.
_LISTED = re.compile(r"^(?P<head>[^:?]{2,80}?)(?::|\s[-–—]\s)\s*(?P<items>[^:?]+)\?\s*$")
#: Between the items of such a list: a comma or semicolon (with "and"), or "and" before the last.
_ITEM_BREAK = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+(?=[^,]*$)")

#: A break that lists items ("… + …").
_PLUS = re.compile(r"[+＋]")


def split_parts(question: str) -> list[str]:
    """The parts of a multi-part question ("哪个片区？到2025年多大规模", "Which zones …, and what's …");
    a single question gives an empty list."""
    r = rules()
    if bracketed := _bracketed_items(question):
        return bracketed
    pieces: list[str] = []
    asked: set[int] = set()  # pieces that end at a question mark ask something ("anything on FT accounts?")
    start = 0
    listed = False  # the piece follows a "+": an item of a telegraphic list, which asks as the one before it does
    for m in [*r.part_break.finditer(question), None]:
        piece = question[start : m.start() if m else len(question)].strip(" ，,。.")
        if m and _PLUS.fullmatch(m.group(0).strip()) and about_asker(piece):
            continue  # "we're an aviation services + fintech company, …": two things the asker is, not two asked
        if piece:
            # a piece that ends at a question mark asks something; so does a telegraphic item ended by "+" or "&"
            # ("north hongqiao - main industries + how big is it?") or one after a "+" ("… + target sectors?")
            if (m and _ASKED_END.search(m.group(0))) or listed:
                asked.add(len(pieces))
            pieces.append(piece)
        listed = bool(m and _PLUS.search(m.group(0)))
        start = m.end() if m else start
    parts: list[str] = []
    pending = ""
    for i, piece in enumerate(pieces):  # a fragment that asks nothing goes with the part after it
        joined = f"{pending}{'，' if is_chinese(piece) else ', '}{piece}" if pending else piece
        if i in asked or r.question_cue.search(piece):
            parts.append(joined)
            pending = ""
        else:
            pending = joined
    if pending and parts and about_asker(pending):  # "…？我这边要核对一下分发名单": who asks and why, not what
        pending = ""
    if pending:  # a closing remark that asks nothing ("…? by the end of this year") goes with the last part
        sep = "，" if is_chinese(pending) else ", "
        parts = [*parts[:-1], f"{parts[-1]}{sep}{pending}"] if parts else [pending]
    # a part asking for a figure or a date asks something even in everyday words only ("and how much could we get per
    # show", "哪天发的")
    parts = [
        p
        for p in parts
        if len(p) >= 4 and (content_terms(p) or r.measure.search(p) or r.figure.search(p) or r.date.search(p))
    ]
    parts = _predicate_shared(parts)
    if len(parts) < 2:
        parts = _listed_items(question) or parts
    parts = parts[:MAX_PARTS]
    return parts if len(parts) > 1 else []


#: A part that ends at what it asks for, with no verb of its own ("…, which zones"), and the next part's "which axes"
#: and the predicate both share ("… and which development axes have low-carbon industries as a focus?").
_AUX = r"(?:is|are|was|were|do|does|did|will|would|can|could|should|has|have)\b"
_ASKED_WORDS = rf"(?:which|what)(?:\s+(?!{_AUX})[\w-]+)"  # "which development axes", up to the verb
_BARE_ASKED = re.compile(rf"\b{_ASKED_WORDS}{{1,3}}\s*$", re.IGNORECASE)
_SHARED_PREDICATE = re.compile(rf"^(?:and\s+)?{_ASKED_WORDS}{{1,3}}?\s+(?P<predicate>{_AUX}.+)$", re.IGNORECASE)


def _predicate_shared(parts: list[str]) -> list[str]:
    """Each part asking only "which <things>" with the predicate of the part after it, when that part asks "which
    <other things>" of the same predicate ("Which zones and which development axes have low-carbon industries as a
    focus?": which zones have them, which axes have them)."""
    out = list(parts)
    for i in range(len(out) - 1, 0, -1):
        later = _SHARED_PREDICATE.match(out[i].strip())
        if later and _BARE_ASKED.search(out[i - 1]):
            out[i - 1] = f"{out[i - 1].rstrip()} {later['predicate'].rstrip(' ?？')}"
    return out


#: A question ending in brackets that list what it asks with "+" ("… legal services (existing base + what they want?)").
_BRACKETED = re.compile(r"^(?P<head>[^()（）]+?)\s*[(（](?P<items>[^()（）]+?\s[+＋]\s[^()（）]+?)[)）]\s*[?？.!]?\s*$")


def _bracketed_items(question: str) -> list[str]:
    """A question whose closing brackets list, joined by "+", the aspects it asks about ("What does the plan say
    about legal services in Hongqiao (existing base + what they want to attract)?"): one part per aspect, each with
    the question before the brackets."""
    m = _BRACKETED.match(question.strip())
    if not m:
        return []
    items = [i.strip(" ,，") for i in re.split(r"\s[+＋]\s", m["items"]) if i.strip(" ,，")]
    head = m["head"].strip(" ,，:：-")
    return [f"{head}: {i}" for i in items][:MAX_PARTS] if len(items) > 1 else []


def _listed_items(question: str) -> list[str]:
    """A telegraphic English question that names its subject and lists what it asks of it ("Existing base: number of
    aviation cos, R&D firm ratio vs. Shanghai avg, and # of legal firms?", "2025 targets - gdp growth and sales
    volume?"): one part per item, each with the subject. Not when the subject asks itself ("What does the plan say
    about talent — housing, schooling?": the list gives examples of what it asks)."""
    r = rules()
    m = _LISTED.match(question.strip())
    if not m or is_chinese(question) or r.question_cue.search(m["head"].lower()):
        return []
    items = [i.strip() for i in _ITEM_BREAK.split(m["items"]) if i.strip()]
    if len(items) < 2 or any(r.question_cue.search(i.lower()) for i in items):
        return []
    return [f"{m['head'].strip()}: {i}" for i in items]


def about_asker(text: str) -> bool:
    """The text is a statement about the asker that asks nothing ("We are a UK law firm thinking about …", "I need both
    for a board memo", "我这边要核对一下分发名单"; not "我想了解一下…", "we'd like to know if …")."""
    r = rules()
    low = text.strip().rstrip("-–— ").lower()  # (a label may end in a spaced dash: "Aussie wine exporter -")
    return bool(r.asker.match(low)) and not r.asker_asks.search(low)


def without_asker(part: str) -> str:
    """A part without the sentences in it that are statements about the asker, unless nothing else is left."""
    # (a leading clause too: "我是跑虹桥条线的记者，想核实一下…还抄送了哪些单位？"; a whole sentence about the asker
    # goes whole: "我退伍前在部队干航空机务的，现在想自己创业。", its later clauses are the asker's too)
    sentences = [
        c
        for m in _SENTENCE.finditer(part)
        for c in ([m.group(0)] if _states_only(m.group(0)) else _leading_clause(m.group(0)))
    ]
    kept = [s for s in sentences if not about_asker(s)]
    return "".join(kept).strip() if kept and len(kept) < len(sentences) else part


def _states_only(sentence: str) -> bool:
    """A sentence about the asker that asks nothing at all: no question word, no question mark."""
    return about_asker(sentence) and not asks(sentence) and "?" not in sentence and "？" not in sentence


def _leading_clause(sentence: str) -> list[str]:
    """A sentence as its first clause and the rest, when the first clause (up to a comma or a spaced dash) is about the
    asker ("我是跑虹桥条线的记者，…", "As a consultant for a Brazilian agritech group, I'd like to know …", "Aussie wine
    exporter again - …")."""
    dash = _SPACED_DASH.search(sentence)
    commas = [c for c in ("，", ",") if c in sentence]
    comma = min(commas, key=sentence.index) if commas else ","  # the first, of either width
    # (not when the rest refers back to what the asker said: "We do aviation leasing - is that a priority sector?")
    refers = dash is not None and _REFERS_BACK.search(sentence[dash.end() :].lower())
    if dash and not refers and (comma not in sentence or dash.start() < sentence.index(comma)):
        head, comma, rest = sentence[: dash.start()], dash.group(0), sentence[dash.end() :]
    else:
        head, comma, rest = sentence.partition(comma)
    if comma and rest.strip() and about_asker(head):
        return [head + comma, rest]
    return [sentence]


#: A dash between spaces ends a label as a comma does ("Australian wine exporter - which zone …").
_SPACED_DASH = re.compile(r"\s+[-–—]+\s+")
#: Words by which a question refers back to what the asker said of themselves (it, that, us).
_REFERS_BACK = re.compile(r"\b(?:it|its|that|this|they|them|their|these|those|we|us|our)\b")

#: A sentence, or a label ending in a colon ("Airline HQ relocation question: how many …": the label asks nothing).
_SENTENCE = re.compile(r"[^.!?。！？;；:：]+[.!?。！？;；:：]*")


def asks(text: str) -> bool:
    """The text has a question word (English matched in lowercase)."""
    return bool(rules().question_cue.search(text.lower() if text.isascii() else text))


def asking_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences of a text that ask something start and end (all of it when none asks)."""
    return [m.span() for m in _SENTENCE.finditer(text) if asks(m.group(0))] or [(0, len(text))]


@lru_cache(maxsize=2048)  # figure checks ask it of the same part once per candidate unit
def asking_text(text: str) -> str:
    """The sentences of a text that ask something, without the statements around them ("We provide aviation
    services. How many aviation companies are here?": the second); the whole text when none asks."""
    asking = [s.strip() for s in _SENTENCE.findall(text) if asks(s)]
    return " ".join(asking) or text


_CLAUSE = re.compile(r"(.*?)([，。!?！？;；]|,(?!\d)|\.(?=\s|$)|$)")
#: A year as written alone (2021, 2035).
BARE_YEAR = re.compile(r"(?:19|20)\d\d")


def premises(text: str) -> list[str]:
    """The numbers a question states as known rather than asks about: those of a clause that asks nothing (no
    question word, no question mark) and states a figure other than a year ("21年税收346亿，往后每年涨多少？": 2021 and
    346), when another clause asks."""
    return list(_premises(text))


@lru_cache(maxsize=2048)  # figure checks ask it of the same part once per candidate unit
def _premises(text: str) -> tuple[str, ...]:
    clauses = [(m[1], m[2]) for m in _CLAUSE.finditer(text) if m[1].strip()]
    asking = [end.strip(" ,，") in ("?", "？") or asks(c) for c, end in clauses]
    if all(asking) or not any(asking):
        return ()
    stated = [
        c
        for (c, _), a in zip(clauses, asking, strict=True)
        if not a and any(not BARE_YEAR.fullmatch(n) for n in figures(c))
    ]
    return tuple(n for c in stated for n in numbers(c))


#: jieba part-of-speech flags of words that name a thing (nouns, verbal nouns, abbreviations).
_NOUN_FLAGS = ("n", "vn", "j", "nz", "nt", "ns", "nr")
#: jieba flags of the word after a verbal noun that make it a verb: a pronoun (哪类), an adverb, a preposition, a verb.
_VERB_NEXT = ("r", "d", "p", "v")


@lru_cache(maxsize=2048)
def nouns(text: str) -> frozenset[str]:
    """The words jieba tags as nouns in a Chinese text (what a question asks about, not how it asks)."""
    import jieba.posseg

    _jieba()
    words = jieba.posseg.lcut(text)
    # A verbal noun used as a verb is how a question asks ("争取设置哪类…", "尝试率先建设"): followed by a
    # question word, an adverb, a preposition or another verb, it is no thing asked about.
    after = [w.flag for w in words[1:]] + ["x"]
    return frozenset(
        w.word
        for w, nxt in zip(words, after, strict=True)
        if (w.flag.startswith(_NOUN_FLAGS) or (w.flag == "l" and _ends_in_noun(w.word)))
        and len(w.word) >= 2
        and not (w.flag == "vn" and nxt[:1] in _VERB_NEXT)
    )


def _ends_in_noun(phrase: str) -> bool:
    """A set phrase that ends in a noun names a thing (联系电话: 电话); one that does not is how a question asks
    (哪几个, 怎么回事)."""
    import jieba.posseg

    tail = jieba.posseg.lcut(phrase[-2:]) if len(phrase) >= 3 else []
    return len(tail) == 1 and tail[0].flag.startswith("n")


#: jieba flags of words that say how or where a question asks, not what about: a locality word (沿线, 周边), an adverb,
#: a preposition, a conjunction, a particle, a pronoun, a numeral or measure word.
_HOW_FLAGS = ("f", "d", "p", "c", "u", "r", "m", "q", "y", "e", "o")


@lru_cache(maxsize=2048)  # a borrowed part is asked it once per set of units tried
def how_words(text: str) -> frozenset[str]:
    """The words of a Chinese text that say how it asks (沿线 in "沿线串了哪些平台"), by their part of speech."""
    import jieba.posseg

    _jieba()
    return frozenset(w.word for w in jieba.posseg.lcut(text) if w.flag.startswith(_HOW_FLAGS))


#: An English adverb of manner ("geographically", "exactly"), a verb in the passive after a form of "be" ("are
#: assigned", "is located", "are strung": -ed or an irregular participle) or the verb after an auxiliary and a
#: pronoun ("what platforms does it lean on", "when will it open"): how a question asks, not a thing it asks about.
_IRREGULAR = (
    "built|strung|held|laid|led|set|run|found|made|given|taken|brought|bought|sent|spent|kept|put|shown|known|grown|"
    "drawn|seen|done|won|begun|chosen|written|driven|sold|told|thought|meant|lent|left|paid|understood|hung|spun|"
    "struck|stuck|bound|spread|cut|shut|cast|upheld|overseen|undertaken|withheld"
)
_HOW_EN = re.compile(
    rf"\b([a-z]{{3,}}ly)\b|\b(?:is|are|was|were|be|been|being)\s+([a-z]{{3,}}ed|{_IRREGULAR})\b"
    r"|\b(?:do|does|did|will|would|can|could|should|shall|may|might)\s+(?:it|they|this|that|these|those|we|you|i)\s+([a-z]{3,})\b"
)


def how_words_en(text: str) -> frozenset[str]:
    """The words of an English text that say how it asks (adverbs, passive verbs), lowercased."""
    return frozenset(w for m in _HOW_EN.finditer(text.lower()) for w in m.groups() if w)


def has_verb(text: str) -> bool:
    """The Chinese text holds a word jieba tags as a verb (求证, 关注): it states an action, not only a topic."""
    import jieba.posseg

    _jieba()
    return any(w.flag.startswith("v") for w in jieba.posseg.lcut(text))
