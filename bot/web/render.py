"""How the web app shows things: chat messages as escaped markdown, the evidence panel as escaped HTML.

Nothing a user typed and nothing from the corpus reaches the page unescaped; the only markup is ours.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import yaml

from bot.types import Answer, Citation, Context

CLOSEST = "Closest passages (not citations)"
EMPTY_EVIDENCE = (
    '<div class="hq-evidence hq-empty">Ask a question: the passages each answer quotes appear here, '
    "with the quoted sentence highlighted. 提问后，这里显示答案引用的原文段落。</div>"
)
_MD_PUNCT = re.compile(r"([!-%'-/:;=?@\[-`{-~])")  # ASCII punctuation except & < > (html.escape handles those)
_MD_INLINE = re.compile(r"([\\`*_~|$])")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>|&#?\w+;")


def esc(text: str) -> str:
    """HTML-escape text for the page."""
    return html.escape(text, quote=True)


def has_markup(text: str) -> bool:
    """True when the text holds HTML tags or entities."""
    return bool(_MARKUP.search(text))


def user_markdown(text: str) -> str:
    """A user's message as markdown that renders exactly as typed: no HTML, no links, no formatting."""
    return html.escape(_MD_PUNCT.sub(r"\\\1", text), quote=False)


def answer_markdown(answer: Answer) -> str:
    """The bot's reply: the answer with its [n] markers (a part the documents leave open as a small amber line),
    or a marked notice when the documents do not say."""
    lines = []
    for line in html.escape(answer.text, quote=False).splitlines():
        plain = _MD_INLINE.sub(r"\\\1", line)
        if line.startswith("⚠ ") and not answer.abstained:
            lines.append(f'<span class="hq-open">{plain}</span>')
        elif line.startswith("**") and line.endswith("**") and len(line) > 4:  # a part's heading
            lines.append("**" + _MD_INLINE.sub(r"\\\1", line[2:-2]) + "**")
        else:
            lines.append(plain)
    body = "\n".join(lines)
    if not answer.abstained:
        return body
    zh = (answer.answer_lang or answer.lang) == "zh"
    pointer = "见右侧「最接近的段落」（非引用）。" if zh else f"See *{CLOSEST}* beside the chat."
    return "> ⚠ **" + body.replace("\n", " ") + "**\n>\n> " + pointer


def notice_markdown(message: str) -> str:
    """A one-sentence message from the app (bad input, an error, the index still building)."""
    return "⚠ " + _MD_INLINE.sub(r"\\\1", html.escape(message, quote=False))


def highlight(text: str, quotes: list[str]) -> str:
    """The passage HTML-escaped, each quote (a verbatim substring) wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        start = text.find(quote) if quote else -1
        while start >= 0 and any(a < start + len(quote) and start < b for a, b in spans):
            start = text.find(quote, start + 1)
        if start >= 0:
            spans.append((start, start + len(quote)))
    out, pos = [], 0
    for a, b in sorted(spans):
        out += [esc(text[pos:a]), "<mark>", esc(text[a:b]), "</mark>"]
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out)


def load_titles_en(corpus_dir: Path) -> dict[str, str]:
    """English document titles from the corpus manifest (`documents.yaml`), by file name."""
    from ingest.load import MANIFEST

    path = corpus_dir / MANIFEST
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return {
        Path(str(name)).name: str(meta["title_en"])
        for name, meta in data.items()
        if isinstance(meta, dict) and meta.get("title_en")
    }


def _card(
    label: str, section: str, title: str, title_en: str | None, source: str, body: str, cls: str, chunk_id: str
) -> str:
    en = f'<div class="hq-title-en" lang="en">{esc(title_en)}</div>' if title_en else ""
    return (
        f'<div class="hq-card {cls}" data-chunk="{esc(chunk_id)}">'
        f'<div class="hq-head"><span class="hq-n">{esc(label)}</span> '
        f'<span class="hq-section">{esc(section)}</span></div>'
        f'<div class="hq-source">{esc(title)}{en}<span class="hq-file">{esc(source)}</span></div>'
        f'<div class="hq-text">{body}</div></div>'
    )


def evidence_html(
    answer: Answer,
    *,
    titles_en: dict[str, str] | None = None,
    section_en: Callable[[str], str] | None = None,
) -> str:
    """The evidence panel: each cited passage with its section path, document and highlighted quote; for a
    refusal, a notice and the closest passages; English labels beside the Chinese names for English questions."""
    english = (answer.answer_lang or answer.lang) == "en"
    titles_en = titles_en or {}
    parts = ['<div class="hq-evidence">']
    if answer.resolved_question and answer.resolved_question != answer.question:
        read_as = "Read as" if english else "理解为"
        parts.append(f'<div class="hq-resolved">{read_as}: {esc(answer.resolved_question)}</div>')
    if answer.abstained:
        parts.append(_refusal(answer, titles_en if english else {}, section_en if english else None))
    else:
        by_n: dict[int, list[Citation]] = {}
        for c in answer.citations:
            by_n.setdefault(c.n, []).append(c)
        for n, cites in by_n.items():
            c = cites[0]
            section = (c.section_en or c.section) if english else c.section
            title_en = titles_en.get(c.source) if english else None
            body = highlight(c.text, [x.quote for x in cites])
            if english and c.text_en:  # the Chinese original and its English beneath (side by side when wide)
                body_en = highlight(c.text_en, [x.quote_en for x in cites if x.quote_en])
                body = (
                    f'<div class="hq-pair"><div class="hq-zh" lang="zh">{body}</div>'
                    f'<div class="hq-en" lang="en">{body_en}</div></div>'
                )
            parts.append(_card(f"[{n}]", section, c.title, title_en, c.source, body, "hq-cited", c.chunk_id))
    if english and answer.terms:
        rows = "".join(f"<tr><td>{esc(zh)}</td><td>{esc(en)}</td></tr>" for zh, en in answer.terms)
        parts.append(f'<table class="hq-terms"><caption>Key terms 术语</caption>{rows}</table>')
    parts.append("</div>")
    return "".join(parts).replace("\n", "&#10;")  # one line: it also sits inside a markdown chat message


def with_evidence(reply: str, evidence: str, answer: Answer) -> str:
    """An answer's chat message: the reply, then its evidence folded beneath it (opened on narrow screens, where
    the evidence panel is not beside the chat)."""
    label = CLOSEST + " · 最接近的段落" if answer.abstained else "Evidence · 原文依据"
    return f'{reply}\n\n<details class="hq-more"><summary>{esc(label)}</summary>{evidence}</details>'


def evidence_in(message: str) -> str | None:
    """The evidence folded into an answer's chat message, or None for other messages. The message comes back from
    the page, so the evidence is rebuilt from the markup evidence_html writes, and nothing else passes."""
    start = message.rfind('<details class="hq-more">')
    if start < 0:
        return None
    body = message[start:].split("</summary>", 1)[-1]
    return only_evidence_markup(body.removesuffix("</details>"))


class _EvidenceMarkup(HTMLParser):
    """Re-writes HTML keeping only the tags and attributes evidence_html uses; all text is escaped again."""

    TAGS: ClassVar[frozenset[str]] = frozenset({"div", "span", "mark", "strong", "h4", "table", "caption", "tr", "td"})
    ATTRS: ClassVar[dict[str, re.Pattern[str]]] = {
        "class": re.compile(r"[a-z0-9 -]*"),
        "data-chunk": re.compile(r"[^<>]*"),
        "lang": re.compile(r"en|zh"),
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.TAGS:
            kept = "".join(
                f' {k}="{esc(v)}"' for k, v in attrs if k in self.ATTRS and v is not None and self.ATTRS[k].fullmatch(v)
            )
            self.out.append(f"<{tag}{kept}>")
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(esc(data))


def only_evidence_markup(markup: str) -> str:
    """The evidence panel's markup with anything evidence_html would not write taken out (scripts, handlers, links)."""
    parser = _EvidenceMarkup()
    parser.feed(markup)
    parser.close()
    parser.out += [f"</{tag}>" for tag in reversed(parser.open)]
    return "".join(parser.out).replace("\n", "&#10;")


def _refusal(answer: Answer, titles_en: dict[str, str], section_en: Callable[[str], str] | None) -> str:
    reason = f'<div class="hq-reason">Why: {esc(answer.reason)}</div>' if answer.reason else ""
    out = [
        '<div class="hq-refusal"><strong>The documents do not say.</strong> 文件未说明。'
        f"<div>Nothing below answers the question; these passages are only the nearest matches.</div>{reason}</div>"
    ]
    if answer.contexts:
        out.append(f'<h4 class="hq-closest">{CLOSEST} · 最接近的段落（非引用）</h4>')
        for i, ctx in enumerate(answer.contexts, 1):
            out.append(_context_card(i, ctx, titles_en, section_en))
    return "".join(out)


def _context_card(i: int, ctx: Context, titles_en: dict[str, str], section_en: Callable[[str], str] | None) -> str:
    section = section_en(ctx.section) if section_en else ctx.section
    return _card(
        f"{i}.", section, ctx.title, titles_en.get(ctx.source), ctx.source, esc(ctx.text), "hq-near", ctx.chunk_id
    )


def banner_html(state: str, message: str) -> str:
    """The status line above the chat (building the index, loading, or an error)."""
    if state == "ready":
        return ""
    cls = "hq-error" if state == "error" else "hq-building"
    return f'<div class="hq-banner {cls}" role="status">{esc(message)}</div>'


CSS = """
.hq-evidence { font-size: 0.92rem; line-height: 1.55; }
.hq-empty { color: var(--body-text-color-subdued); padding: 0.5rem; }
.hq-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6rem 0.8rem;
  margin: 0 0 0.7rem; }
.hq-cited { border-left: 4px solid #2563eb; }
.hq-near { border: 1px dashed #9ca3af; opacity: 0.9; }
.hq-head { font-weight: 600; }
.hq-n { color: #2563eb; margin-right: 0.3rem; }
.hq-source { color: var(--body-text-color-subdued); font-size: 0.85em; margin: 0.2rem 0 0.4rem; }
.hq-title-en { font-style: italic; }
.hq-file { display: block; font-family: var(--font-mono); font-size: 0.85em; }
.hq-text { white-space: pre-wrap; }
.hq-pair { display: grid; grid-template-columns: 1fr; gap: 0.4rem; }
.hq-en { border-top: 1px dashed var(--border-color-primary); padding-top: 0.3rem; color: var(--body-text-color); }
@media (min-width: 1280px) { .hq-pair { grid-template-columns: 1fr 1fr; } .hq-en { border-top: 0; padding-top: 0; } }
.hq-open { color: #92400e; background: #fffbeb; border-left: 3px solid #f59e0b; padding: 0 0.3rem; font-size: 0.9em; }
.hq-text mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.hq-en mark { background: #dbeafe; color: inherit; padding: 0 1px; border-radius: 2px; }
.hq-refusal { background: #fff7ed; border: 2px solid #f59e0b; color: #7c2d12; border-radius: 8px;
  padding: 0.6rem 0.8rem; margin-bottom: 0.7rem; }
.hq-reason { font-size: 0.85em; margin-top: 0.3rem; opacity: 0.85; }
.hq-closest { margin: 0.6rem 0 0.5rem; }
.hq-resolved { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 0.5rem; }
.hq-terms { font-size: 0.85em; border-collapse: collapse; margin-top: 0.4rem; border: 0; }
.hq-terms caption { text-align: left; font-weight: 600; }
.hq-terms td { border: 0; border-top: 1px solid var(--border-color-primary); padding: 0.15rem 0.6rem 0.15rem 0; }
.hq-banner { border-radius: 8px; padding: 0.6rem 0.8rem; font-weight: 600; }
.hq-building { background: #eff6ff; border: 1px solid #93c5fd; color: #1e3a8a; }
.hq-error { background: #fef2f2; border: 1px solid #fca5a5; color: #7f1d1d; }
.hq-more { margin-top: 0.6rem; }
.hq-more > summary { cursor: pointer; min-height: 44px; display: flex; align-items: center; font-weight: 600;
  color: #2563eb; }
.hq-more .hq-evidence { margin-top: 0.3rem; }
#hq-chat button[aria-label="Clear"] { display: none; }  /* the page's own Clear button does it */
/* Desktop: the evidence panel sits beside the chat, so the copy folded under each answer stays hidden. */
@media (min-width: 768px) { .hq-more { display: none; } }
/* Phone: a short title, the question box on the first screen, evidence under each answer, 44 px touch targets
(Gradio scopes this CSS to the app's content; HEAD below narrows the page margins around it). */
@media (max-width: 767px) {
  .hq-intro p { display: none; }
  .hq-intro h1 { font-size: 1.1rem; line-height: 1.35; margin: 0 0 0.2rem; }
  #hq-evidence-col { display: none !important; }
  #hq-chat { height: 52vh !important; min-height: 260px; }
  #hq-chat button, #hq-ask, #hq-clear, .gallery-item, footer a { min-width: 44px; min-height: 44px; }
  #hq-chat .message-buttons, #hq-chat .icon-button-wrapper { gap: 6px; }
  footer a { display: inline-flex; align-items: center; }
}
"""

#: Unscoped page style (in <head>): narrow margins on a phone.
HEAD = "<style>@media (max-width: 767px) { .gradio-container .main.app { padding: 8px 8px !important; } }</style>"
