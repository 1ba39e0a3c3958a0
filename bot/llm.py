"""Optional LLM answerer over any OpenAI-compatible endpoint (the `llm` extra), through LangChain.

The extractive answer is always computed first; the LLM rewrites it from the same passages, must cite
[n] markers that map to them (others are removed), and a failing or slow endpoint falls back to the
extractive answer with a notice.
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from bot.errors import LLMError
from bot.qa.render import message
from bot.settings import Settings
from bot.types import Answer, Citation
from ingest.units import sentence_spans

logger = logging.getLogger(__name__)

PROMPT = Path(__file__).with_name("prompts") / "answer.yaml"
_MARKER = re.compile(r"\[(\d{1,2})\]")
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm")


def _best_quote(text: str, claim: str) -> str:
    """The sentence of a passage that shares most characters with the model's sentence citing it."""
    spans = [(s.start, s.end) for s in sentence_spans(text)] or [(0, len(text))]
    claim_chars = set(claim)
    a, b = max(spans, key=lambda s: len(set(text[s[0] : s[1]]) & claim_chars))
    return text[a:b].strip()


def chat_model(settings: Settings) -> Any:
    """A LangChain ChatOpenAI client for the configured OpenAI-compatible endpoint."""
    if not settings.llm_enabled:
        raise LLMError("No LLM is configured: set HQBOT_LLM_BASE_URL and HQBOT_LLM_MODEL (see .env.example).")
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        raise LLMError("The LLM needs the `llm` extra: pip install -e '.[llm]'.") from None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=key,
        timeout=settings.llm_timeout,
        max_retries=0,
    )


class LLMAnswerer:
    """Rewrites an extractive answer with a chat model, keeping every claim tied to a retrieved passage."""

    def __init__(self, chat_model: Any, *, timeout: float = 20.0, prompt_path: Path = PROMPT) -> None:
        self.chat_model = chat_model
        self.timeout = timeout
        self.prompt = yaml.safe_load(prompt_path.read_text(encoding="utf-8"))

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMAnswerer:
        """An answerer over the endpoint of HQBOT_LLM_BASE_URL / HQBOT_LLM_MODEL / HQBOT_LLM_API_KEY."""
        return cls(chat_model(settings), timeout=settings.llm_timeout)

    def messages(self, answer: Answer, history: list[dict[str, str]] | None) -> list[tuple[str, str]]:
        """The chat messages for a question and its retrieved passages."""
        passages = "\n".join(f"[{i}] ({c.section}) {c.text}" for i, c in enumerate(answer.contexts, 1))
        turns = "\n".join(f"{t.get('role')}: {t.get('content')}" for t in (history or [])[-4:]) or "(none)"
        language = "English" if answer.lang == "en" else "Chinese"
        system = self.prompt["system"].format(refusal=message("refusal", answer.lang), language=language)
        user = self.prompt["user"].format(passages=passages, history=turns, question=answer.question)
        return [("system", system), ("human", user)]

    def _finish(self, answer: Answer, text: str) -> Answer:
        """Map the model's [n] markers to passages, drop the ones that do not map, build citations."""
        n_contexts = len(answer.contexts)
        text = _MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= n_contexts else "", text).strip()
        if not text or message("refusal", answer.lang) in text:
            return answer  # the model declined or said nothing: keep the extractive answer
        citations: list[Citation] = []
        for sentence_match in re.finditer(r"[^。！？.!?\n]+[。！？.!?]?\s*(?:\[\d+\]\s*)+", text):
            claim = sentence_match.group(0)
            for n in sorted({int(x) for x in _MARKER.findall(claim)}):
                ctx = answer.contexts[n - 1]
                if any(c.n == n for c in citations):
                    continue
                citations.append(
                    Citation(
                        n,
                        ctx.chunk_id,
                        ctx.source,
                        ctx.title,
                        ctx.section,
                        _best_quote(ctx.text, claim),
                        ctx.text,
                        ctx.score,
                    )
                )
        if not citations:
            return replace(answer, notice="The LLM answer cited no passage; showing the extractive answer.")
        return replace(answer, text=text, citations=sorted(citations, key=lambda c: c.n))

    def rewrite(self, answer: Answer, history: list[dict[str, str]] | None = None) -> Answer:
        """The LLM's cited answer, or the extractive one with a notice when the endpoint fails or is slow."""
        future = _POOL.submit(self.chat_model.invoke, self.messages(answer, history))
        try:
            reply = future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            return replace(
                answer, notice=f"The LLM did not answer within {self.timeout:g}s; showing the extractive answer."
            )
        except Exception as exc:  # any endpoint failure falls back
            logger.info("LLM endpoint failed: %s", type(exc).__name__)  # its text may echo the API key
            return replace(
                answer, notice=f"The LLM endpoint failed ({type(exc).__name__}); showing the extractive answer."
            )
        return self._finish(answer, str(getattr(reply, "content", reply)))
