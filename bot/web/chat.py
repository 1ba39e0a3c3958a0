"""The chat page's handlers, plain functions over a conversation (tested without a server): `respond` answers one
turn, `feedback` records a rating, `evidence_for` shows an earlier answer's evidence, `ask_json` is Gradio's `/ask`."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import gradio as gr

from bot.assistant import Assistant, check_question
from bot.errors import HqbotError, QuestionError
from bot.settings import Settings, load_settings
from bot.web.feedback import answer_entry, record_feedback
from bot.web.live import LiveAssistant
from bot.web.render import (
    EMPTY_EVIDENCE,
    answer_markdown,
    banner_html,
    evidence_html,
    evidence_in,
    has_markup,
    load_titles_en,
    notice_markdown,
    user_markdown,
    with_evidence,
)
from bot.web.session import Chat, Turn

logger = logging.getLogger(__name__)

MARKUP = "The question contains HTML markup; ask again in plain text, without tags."
FAILED = "Something went wrong while answering; please ask again or try another question."
NOT_AN_ANSWER = "Feedback applies to answers only."
UNWRITABLE = "The feedback could not be saved: the data folder is not writable."


def new_answer_id() -> str:
    """An answer's id: what ties its ratings together in the feedback log."""
    return uuid.uuid4().hex


class WebBot:
    """What every session shares: the live assistant, the document titles, the settings."""

    def __init__(
        self,
        settings: Settings | None = None,
        assistant: Assistant | None = None,
        *,
        live: LiveAssistant | None = None,
        embeddings: Any = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.live = live or LiveAssistant(self.settings, assistant, embeddings=embeddings)
        self.titles_en = load_titles_en(self.settings.corpus_dir)

    @property
    def assistant(self) -> Assistant | None:
        return self.live.assistant

    def banner(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The status banner and the polling timer, as Gradio updates (the timer stops once settled)."""
        settled = self.live.state in ("ready", "error")
        html = banner_html(self.live.state, self.live.message)
        return gr.update(value=html, visible=bool(html)), gr.update(active=not settled)

    # --- the handlers -------------------------------------------------------------------------
    def respond(self, question: str, chat: Chat | None = None, lang: str = "auto") -> tuple[Chat, str]:
        """One chat turn: the question and the reply (in `lang`: auto, zh or en) are appended to the chat;
        returns it and the evidence HTML."""
        chat = chat if chat is not None else Chat()
        text = question if isinstance(question, str) else ""
        if text.strip():
            shown = text if len(text) <= 300 else text[:300] + "…"
            chat.messages.append({"role": "user", "content": user_markdown(shown)})
        try:
            reply, evidence = self._answer(text, chat, lang)
        except HqbotError as exc:
            reply, evidence = notice_markdown(str(exc)), EMPTY_EVIDENCE
        except Exception:
            logger.exception("The bot failed on a question")
            reply, evidence = notice_markdown(FAILED), EMPTY_EVIDENCE
        chat.messages.append({"role": "assistant", "content": reply})
        chat.trim(self.settings.history_turns)
        return chat, evidence

    def _answer(self, text: str, chat: Chat, lang: str = "auto") -> tuple[str, str]:
        question = check_question(text, self.settings.max_question_chars)
        if has_markup(question):
            raise QuestionError(MARKUP)
        answer = self.live.ask(question, chat.history, lang if lang in ("zh", "en") else "auto")
        evidence = evidence_html(answer, titles_en=self.titles_en, section_en=self.live.section_en)
        entry = answer_entry(answer)
        del entry["history"]  # rebuilt from the conversation when the answer is rated
        chat.turns.append(Turn(len(chat.messages), new_answer_id(), entry))
        return with_evidence(answer_markdown(answer), evidence, answer), evidence

    def ask_json(self, question: str, history: list[dict[str, str]] | None = None, lang: str = "auto") -> dict:
        """Gradio's `/ask`: the JSON of `hqbot ask --json` (with an `answer_id`), or {"error": one sentence}."""
        try:
            check_question(question, self.settings.max_question_chars)
            turns = clean_history(history, self.settings.history_turns)
            return {**self.live.ask(question, turns, lang).to_json(), "answer_id": new_answer_id()}
        except HqbotError as exc:
            return {"error": str(exc)}
        except Exception:
            logger.exception("The bot failed on an API question")
            return {"error": FAILED}

    def feedback(self, chat: Chat | None, index: Any, liked: Any, comment: str = "") -> str:
        """Rate the answer at `index`: True up, False down, anything else takes the rating back. One rating per
        answer: the same one again is not written twice, a different one replaces it. Returns a note for the page."""
        if isinstance(index, list | tuple):
            index = index[0] if index else None
        turn = chat.turn_at(index) if chat is not None and isinstance(index, int) else None
        if turn is None:
            return NOT_AN_ANSWER
        verdict = "up" if liked is True else "down" if liked is False else "none"
        if verdict == "none" and turn.rating is None:
            return ""
        rating = (verdict, comment.strip() if verdict != "none" and isinstance(comment, str) else "")
        if rating == turn.rating:
            return "Already recorded."
        entry = {**turn.entry, "history": chat.history_before(turn.at)}
        try:
            record_feedback(
                self.settings.feedback_log,
                entry,
                verdict,
                rating[1],
                answer_id=turn.answer_id,
                max_bytes=int(self.settings.feedback_max_mb * 1024 * 1024),
            )
        except OSError as exc:
            logger.warning("Could not write the feedback log %s: %s", self.settings.feedback_log, exc)
            return UNWRITABLE
        replaced, turn.rating = turn.rating is not None, rating
        if verdict == "none":
            return "Your rating was taken back."
        thumb = "thumbs-up" if verdict == "up" else "thumbs-down"
        done = "replaced your earlier rating" if replaced else "was recorded"
        return f"Thanks: your {thumb} {done}" + (" with your comment." if rating[1] else ".")

    def evidence_for(self, chat: Chat | None, index: Any) -> str:
        """The evidence of the answer at (or right after) a clicked message."""
        if isinstance(index, list | tuple):
            index = index[0] if index else None
        if chat is None or not isinstance(index, int):
            return EMPTY_EVIDENCE
        for i in (index, index + 1):
            if chat.turn_at(i) is not None and (found := evidence_in(chat.messages[i]["content"])) is not None:
                return found
        return EMPTY_EVIDENCE


def clean_history(history: object, turns: int) -> list[dict[str, str]]:
    """A history sent by an API client: its well-formed user and assistant messages, the last `turns` pairs."""
    if not isinstance(history, list):
        return []
    kept = [
        {"role": m["role"], "content": m["content"]}
        for m in history
        if isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)
    ]
    return kept[-2 * turns :]
