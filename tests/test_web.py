"""The chat page's handlers, its conversation state and evidence rendering, as plain functions (no server)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import gradio as gr
import pytest

import ingest.embed
from bot.assistant import Assistant
from bot.errors import StoreUnavailableError
from bot.settings import Settings, load_settings
from bot.types import Answer
from bot.web import live as live_module
from bot.web.app import build_app
from bot.web.chat import FAILED, MARKUP, NOT_AN_ANSWER, WebBot
from bot.web.limits import CONCURRENCY
from bot.web.live import NOT_READY, LiveAssistant
from bot.web.render import (
    CLOSEST,
    EMPTY_EVIDENCE,
    answer_markdown,
    evidence_html,
    evidence_in,
    highlight,
    user_markdown,
)
from bot.web.session import Chat
from evals.candidates import from_feedback
from tests.conftest import FakeEmbeddings

ZH = "北虹桥片区重点发展哪些产业？"
EN = "Which zone focuses on new energy vehicles?"
UNANSWERABLE = "What are office rents like in the Hongqiao CBD?"


@pytest.fixture(scope="module")
def assistant(fake_index) -> Iterator[Assistant]:
    """One Assistant over the session's fake-model index for the whole module."""
    settings, embeddings = fake_index
    yield Assistant(settings, embeddings=embeddings)


@pytest.fixture
def bot(assistant: Assistant, fake_index) -> WebBot:
    """The app's shared state: this test's settings (its own data dir and feedback log) over the module's index."""
    index_settings, embeddings = fake_index
    return WebBot(load_settings(), live=LiveAssistant(index_settings, assistant, embeddings=embeddings))


def _reply(chat: Chat) -> str:
    return chat.messages[-1]["content"]


def _text(reply: str) -> str:
    """A reply without the evidence folded beneath it."""
    return reply.split('\n\n<details class="hq-more">', 1)[0]


def _log(bot: WebBot) -> list[dict]:
    return [json.loads(line) for line in bot.settings.feedback_log.read_text(encoding="utf-8").split("\n") if line]


# --- answers and their evidence ---------------------------------------------------------------


def test_cited_answer_shows_markers_and_highlights_exactly_the_quote(bot: WebBot) -> None:
    chat, evidence = bot.respond(ZH)
    assert [m["role"] for m in chat.messages] == ["user", "assistant"]
    assert "[1]" in _text(_reply(chat))
    answer = bot.assistant.ask(ZH)
    citation = answer.citations[0]
    marked = re.findall(r"<mark>(.*?)</mark>", evidence, flags=re.S)
    assert html.escape(citation.quote).replace("\n", "&#10;") in marked
    assert "[1]" in evidence and html.escape(citation.section) in evidence and html.escape(citation.title) in evidence
    # The passage around the mark is the chunk text, escaped; nothing else was inserted.
    card = evidence.split('<div class="hq-text">', 1)[1].split("</div>", 1)[0]
    assert card.replace("<mark>", "").replace("</mark>", "") == html.escape(citation.text).replace("\n", "&#10;")


def test_each_answer_carries_its_evidence_folded_beneath_it(bot: WebBot) -> None:
    chat, evidence = bot.respond(ZH)
    reply = _reply(chat)
    assert evidence_in(reply) == evidence and "<summary>Evidence · 原文依据</summary>" in reply
    assert "\n\n" not in reply.split("<details", 1)[1]  # one HTML block: markdown leaves it whole
    chat, refusal = bot.respond(UNANSWERABLE, chat)
    assert evidence_in(_reply(chat)) == refusal and CLOSEST in _reply(chat).split("<summary>", 1)[1]
    assert evidence_in(chat.messages[0]["content"]) is None  # the question


def test_highlight_escapes_the_passage_and_marks_each_quote_once() -> None:
    text = 'Zone <A> & "B". The quote & more. Tail <script>x</script>.'
    out = highlight(text, ["The quote & more.", "not there"])
    assert out == (
        "Zone &lt;A&gt; &amp; &quot;B&quot;. <mark>The quote &amp; more.</mark> Tail &lt;script&gt;x&lt;/script&gt;."
    )
    assert highlight("ab ab", ["ab", "ab"]) == "<mark>ab</mark> <mark>ab</mark>"


def test_english_questions_show_english_labels(bot: WebBot) -> None:
    chat, evidence = bot.respond(EN)
    assert "North Hongqiao Zone" in evidence
    assert "Hongqiao International CBD Industrial Development Plan" in evidence  # the document's English title
    assert 'class="hq-terms"' in evidence and "North Hongqiao Zone" in evidence
    assert "<mark>" in evidence and "North Hongqiao" in _text(_reply(chat))
    _, zh_evidence = bot.respond(ZH)
    assert "(North Hongqiao Zone)" not in zh_evidence and "hq-terms" not in zh_evidence


def test_refusal_looks_different_and_lists_the_closest_passages(bot: WebBot) -> None:
    chat, evidence = bot.respond(UNANSWERABLE)
    answer = bot.assistant.ask(UNANSWERABLE)
    assert answer.abstained and answer.contexts
    assert 'class="hq-refusal"' in evidence and "The documents do not say." in evidence
    assert CLOSEST in evidence
    assert evidence.count('class="hq-card hq-near"') == len(answer.contexts)
    assert "<mark>" not in evidence and "hq-cited" not in evidence
    assert "(Industrial Development Plan)" in evidence  # an English question: English labels here too
    assert _reply(chat).startswith("> ⚠ **The documents do not say.")
    _, cited = bot.respond(ZH)
    assert "hq-refusal" not in cited and CLOSEST not in cited


def test_follow_up_uses_the_conversation(bot: WebBot) -> None:
    chat, _ = bot.respond(ZH)
    chat, evidence = bot.respond("那南虹桥呢？", chat)
    assert len(chat.history) == 4 and chat.history[0] == {"role": "user", "content": ZH}
    entry = chat.turn_at(3).entry
    assert entry["resolved_question"] != "那南虹桥呢？" and "南虹桥" in entry["resolved_question"]
    assert "理解为" in evidence and "南虹桥片区" in evidence  # said in the asker's language


def test_the_conversation_lives_on_the_page_so_any_process_answers_the_next_turn(bot: WebBot, fake_index) -> None:
    chat, _ = bot.respond(ZH)
    state = json.loads(json.dumps(chat.to_state()))  # what the page holds and sends back
    index_settings, embeddings = fake_index
    other = WebBot(bot.settings, live=LiveAssistant(index_settings, bot.assistant, embeddings=embeddings))
    follow, _ = other.respond("那南虹桥呢？", Chat.from_state(state, bot.settings.history_turns))
    assert "南虹桥" in follow.turn_at(3).entry["resolved_question"] and len(follow.history) == 4
    assert Chat.from_state(follow.to_state(), 10) == follow


def test_evidence_from_the_page_keeps_only_the_evidence_markup(bot: WebBot) -> None:
    """The page sends its messages back, so a forged one (or one loaded from a shared link) cannot put script into the
    evidence panel: only the tags and attributes evidence_html writes pass, and all text is escaped again."""
    chat, _ = bot.respond(ZH)
    forged = (
        '<div class="hq-card" onclick="alert(1)"><img src=x onerror="alert(2)"><script>alert(3)</script>'
        '<a href="javascript:alert(4)">x</a><mark style="x">q</mark><iframe src="//evil"></iframe>'
        '<div class="hq-text" data-chunk="c1">a &lt;b&gt; &amp; c</div>'
    )
    chat.messages[1]["content"] = f'answer\n\n<details class="hq-more"><summary>Evidence</summary>{forged}</details>'
    shown = bot.evidence_for(chat, 1)
    assert shown == (
        '<div class="hq-card">alert(3)x<mark>q</mark><div class="hq-text" data-chunk="c1">a &lt;b&gt; &amp; c</div>'
        "</div>"
    )


def test_clicking_an_earlier_message_shows_its_evidence(bot: WebBot) -> None:
    chat, first = bot.respond(ZH)
    chat, second = bot.respond(UNANSWERABLE, chat)
    assert bot.evidence_for(chat, 1) == first and bot.evidence_for(chat, 3) == second
    assert bot.evidence_for(chat, 0) == first  # the question leads to its answer
    assert bot.evidence_for(chat, 99) == EMPTY_EVIDENCE


# --- bad input and failures -----------------------------------------------------------------


def test_markup_in_a_question_is_escaped_and_refused(bot: WebBot) -> None:
    question = '<script>alert("x")</script><img src=x onerror=alert(1)> 北虹桥片区？'
    chat, evidence = bot.respond(question)
    shown = chat.messages[0]["content"]
    assert "<" not in shown and ">" not in shown and "&lt;script&gt;" in shown
    assert MARKUP in _reply(chat) and evidence == EMPTY_EVIDENCE
    assert chat.history == [] and chat.turns == []


def test_user_text_cannot_format_or_link() -> None:
    shown = user_markdown("[click](http://evil.example) **bold** # title $$x$$ a & b")
    assert re.search(r"(?<!\\)[\[\]()*#$]", shown) is None  # every markdown character is backslash-escaped
    assert "&amp;" in shown and "\\[click\\]" in shown


def test_answer_text_is_escaped() -> None:
    answer = Answer(question="q", text="- <b>x</b> & y [1]", citations=[], abstained=False, contexts=[])
    assert answer_markdown(answer) == "- &lt;b&gt;x&lt;/b&gt; &amp; y [1]"
    assert "&lt;b&gt;" in evidence_html(
        Answer(question="<b>", text="", citations=[], abstained=True, contexts=[], resolved_question="<b>x</b>")
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("", "The question is empty"),
        ("   ", "The question is empty"),
        ("问" * 2001, "the limit is 2,000"),
        ("北虹桥\u2028片区", "control characters"),
        ("北虹桥\u2029片区", "control characters"),
        ("北虹桥\x85片区", "control characters"),
    ],
)
def test_bad_questions_get_one_sentence(bot: WebBot, question: str, expected: str) -> None:
    chat, evidence = bot.respond(question)
    reply = _reply(chat)
    assert reply.startswith("⚠ ") and expected in reply and reply.count(". ") == 0 and "\n" not in reply
    assert evidence == EMPTY_EVIDENCE and chat.history == []
    if question.strip():
        assert len(chat.messages[0]["content"]) < 400  # a very long question is shown cut short
    else:
        assert [m["role"] for m in chat.messages] == ["assistant"]
    assert bot.ask_json(question) == {"error": reply[2:].replace("\\", "")}


def test_a_failure_inside_the_bot_is_one_sentence_and_the_chat_goes_on(
    bot: WebBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(question: str, history: object = None) -> Answer:
        raise RuntimeError("boom\nTraceback (most recent call last): ...")

    monkeypatch.setattr(bot.assistant, "ask", broken)
    chat, evidence = bot.respond(ZH)
    assert _reply(chat) == f"⚠ {FAILED}" and "boom" not in _reply(chat) and evidence == EMPTY_EVIDENCE
    assert bot.ask_json(ZH) == {"error": FAILED}

    def unavailable(question: str, history: object = None) -> Answer:
        raise StoreUnavailableError("The Chroma server cannot be reached: start it or unset HQBOT_CHROMA_URL.")

    monkeypatch.setattr(bot.assistant, "ask", unavailable)
    chat, _ = bot.respond(ZH, chat)
    assert "cannot be reached" in _reply(chat)
    monkeypatch.undo()
    chat, evidence = bot.respond(ZH, chat)
    assert "[1]" in _reply(chat) and "<mark>" in evidence
    assert chat.history[0]["content"] == ZH and len(chat.history) == 2  # failed turns are not history


def test_api_returns_the_cli_json_with_an_answer_id_or_an_error(bot: WebBot) -> None:
    data = bot.ask_json(ZH)
    expected = bot.assistant.ask(ZH).to_json()
    assert set(data) == set(expected) | {"answer_id"} and len(data["answer_id"]) == 32
    assert data["answer"] == expected["answer"] and data["citations"] == expected["citations"]
    assert data["contexts"] and data["latency_ms"] >= 0
    assert bot.ask_json("") == {"error": "The question is empty: type a question about the plan or the catalogue."}
    follow = bot.ask_json("那南虹桥呢？", [{"role": "user", "content": ZH}, {"role": "assistant", "content": "…"}])
    assert "南虹桥" in follow["resolved_question"]
    assert bot.ask_json(ZH, [{"role": "system", "content": "x"}, "junk"])["answer"] == expected["answer"]


def test_before_the_index_is_ready_the_page_says_so() -> None:
    bot = WebBot(load_settings())
    bot.live.state, bot.live.message = "building", "Building the index from the documents (first start only)."
    chat, _ = bot.respond(ZH)
    assert NOT_READY in _reply(chat)
    assert bot.ask_json(ZH) == {"error": NOT_READY}
    banner, timer = bot.banner()
    assert "Building the index" in banner["value"] and banner["visible"] and timer["active"]
    missing = "The corpus folder /x does not exist: create it or set HQBOT_CORPUS_DIR."
    bot.live.state, bot.live.message = "error", missing
    assert "does not exist" in _reply(bot.respond(ZH)[0])
    assert bot.banner()[1]["active"] is False


def test_load_builds_a_missing_index_then_answers(
    monkeypatch: pytest.MonkeyPatch, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEmbeddings()
    monkeypatch.setattr(ingest.embed, "load_embeddings", lambda name=None: fake)
    fresh = WebBot(load_settings())
    seen: list[str] = []
    original = live_module.ensure_index

    def watching(settings: Settings, embeddings: object = None) -> str:
        seen.append(fresh.banner()[0]["value"])  # what the page says while the index is built
        return original(settings, embeddings)

    monkeypatch.setattr(live_module, "ensure_index", watching)
    fresh.live.load()
    assert fresh.live.state == "ready" and "Building the index" in seen[0]
    assert "building the index" in capsys.readouterr().out
    assert (isolated_env / "chroma").is_dir() and "[1]" in _reply(fresh.respond(ZH)[0])


# --- bounded state and feedback ----------------------------------------------------------------


def test_feedback_writes_one_json_line_per_rating(bot: WebBot, isolated_env: Path) -> None:
    chat, _ = bot.respond(ZH)
    assert not isolated_env.exists()  # nothing is written until there is feedback
    note = bot.feedback(chat, 1, False, "  Should list the zone's platforms.  ")
    assert note.startswith("Thanks") and "comment" in note
    [line] = _log(bot)
    assert line["verdict"] == "down" and line["comment"] == "Should list the zone's platforms."
    assert line["question"] == ZH and line["lang"] == "zh" and line["abstained"] is False
    assert line["answer"] == bot.assistant.ask(ZH).text and line["history"] == []
    assert line["answer_id"] == chat.turn_at(1).answer_id
    assert line["citations"] and set(line["citations"][0]) == {"chunk_id", "section", "quote"}
    assert datetime.fromisoformat(line["time"]).tzinfo is not None

    chat, _ = bot.respond(UNANSWERABLE, chat)
    assert bot.feedback(chat, [3], True).startswith("Thanks")
    second = _log(bot)[1]
    assert second["verdict"] == "up" and second["comment"] == "" and second["abstained"] is True
    assert second["citations"] == [] and [t["role"] for t in second["history"]] == ["user", "assistant"]
    assert second["history"][0]["content"] == ZH
    assert not {"password", "auth", "user"} & set(second)


def test_one_rating_per_answer_a_repeat_replaces_it(bot: WebBot, tmp_path: Path) -> None:
    chat, _ = bot.respond(ZH)
    chat, _ = bot.respond(UNANSWERABLE, chat)
    for _ in range(20):  # a flood of the same click writes one line
        bot.feedback(chat, 1, False, "wrong zone")
    assert bot.feedback(chat, 1, False, "wrong zone") == "Already recorded."
    assert bot.feedback(chat, 1, True, "").startswith("Thanks: your thumbs-up replaced your earlier rating")
    bot.feedback(chat, 3, False)
    assert bot.feedback(chat, 3, "") == "Your rating was taken back."
    lines = _log(bot)
    assert [ln["verdict"] for ln in lines] == ["down", "up", "down", "none"]
    first, second = chat.turn_at(1).answer_id, chat.turn_at(3).answer_id
    assert [ln["answer_id"] for ln in lines] == [first, first, second, second] and first != second
    out = tmp_path / "candidates.jsonl"
    assert from_feedback(bot.settings.feedback_log, out) == 0  # each answer counts once, by its last rating
    bot.feedback(chat, 1, False, "after all")
    assert from_feedback(bot.settings.feedback_log, out) == 1
    assert json.loads(out.read_text(encoding="utf-8"))["feedback"]["comment"] == "after all"


def test_feedback_only_on_answers_and_real_votes(bot: WebBot) -> None:
    chat, _ = bot.respond("")
    assert bot.feedback(chat, 0, False) == NOT_AN_ANSWER
    chat, _ = bot.respond(ZH, chat)
    assert bot.feedback(chat, 2, "") == "" and bot.feedback(None, 2, True) == NOT_AN_ANSWER
    assert bot.feedback(chat, 1, True) == NOT_AN_ANSWER  # the question, not the answer
    assert not bot.settings.feedback_log.exists()


def test_a_long_conversation_keeps_only_its_last_turns(bot: WebBot, monkeypatch: pytest.MonkeyPatch) -> None:
    bot.settings = load_settings(history_turns=3)
    chat = None
    for i in range(40):
        chat, _ = bot.respond(ZH if i % 2 else EN, chat)
        chat, _ = bot.respond("", chat)  # an error notice between the turns
    assert len(chat.turns) == 3 and len(chat.history) == 6 and len(chat.messages) <= 12
    assert chat.messages[0]["role"] == "user" and all(chat.messages[t.at]["role"] == "assistant" for t in chat.turns)
    last = chat.turns[-1]
    bot.feedback(chat, last.at, False, "long session")
    [line] = _log(bot)
    assert len(line["history"]) == 4  # the two turns before it
    sizes = []
    for _ in range(5):
        chat, _ = bot.respond(ZH, chat)
        sizes.append(len(json.dumps(chat.to_state(), ensure_ascii=False)))
    assert max(sizes) < 2 * min(sizes)  # the page's state does not grow with the conversation
    seen: list[int] = []
    monkeypatch.setattr(bot.live, "ask", lambda q, history=None, lang="auto": seen.append(len(history)) or 1 / 0)
    bot.respond(ZH, chat)
    assert seen == [6]  # the bot reads at most the last three turns


def test_state_from_the_page_is_checked(bot: WebBot) -> None:
    chat, _ = bot.respond(ZH)
    state = chat.to_state()
    assert Chat.from_state(None, 10) == Chat() and Chat.from_state({"v": 99}, 10) == Chat()
    assert Chat.from_state({**state, "messages": [{"role": "system", "content": "x"}]}, 10) == Chat()
    forged = {**state, "turns": [*state["turns"], {"at": 0, "id": "x", "entry": {}}, {"at": 1, "id": "y" * 99}]}
    assert Chat.from_state(forged, 10).turns == chat.turns
    huge = {**state, "messages": [*state["messages"], {"role": "user", "content": "x" * 200_000}]}
    assert Chat.from_state(huge, 10) == Chat()
    bad_entry = json.loads(json.dumps(state))
    bad_entry["turns"][0]["entry"]["abstained"] = "no"
    assert Chat.from_state(bad_entry, 10).turns == []


# --- the page ---------------------------------------------------------------------------------


def test_build_app_has_one_public_queued_endpoint_and_plain_http_chat_events(bot: WebBot) -> None:
    app = build_app(bot.settings, bot)
    assert isinstance(app, gr.Blocks)
    fns = list(app.fns.values())
    assert [fn.api_name for fn in fns if fn.api_visibility == "public"] == ["ask"]
    assert all(not fn.queue for fn in fns if fn.api_name != "ask" and fn.fn is not None)
    assert next(fn for fn in fns if fn.api_name == "ask").queue
    assert app._queue.default_concurrency_limit == CONCURRENCY
    assert not any(isinstance(block, gr.State) for block in app.blocks.values())  # nothing kept per session


def test_english_evidence_shows_the_english_beside_the_chinese_and_a_language_can_be_chosen(bot: WebBot) -> None:
    chat, evidence = bot.respond(EN)
    assert 'class="hq-pair"' in evidence and 'lang="en"' in evidence and evidence.count("<mark>") >= 2
    chat, zh_evidence = bot.respond(EN, None, "zh")
    assert 'class="hq-pair"' not in zh_evidence and _text(_reply(chat)).startswith("根据文件")


def test_a_part_the_documents_leave_open_is_an_amber_line_in_the_answer(bot: WebBot) -> None:
    chat, _ = bot.respond("这份规划由哪个部门印发？办公地址在哪里？")
    reply = _reply(chat)
    assert '<span class="hq-open">⚠ ' in reply and "**1. " in reply
