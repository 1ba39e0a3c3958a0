"""The web app's chat handler, evidence rendering, feedback log and login parsing, as plain functions (no server)."""

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
from bot.errors import ConfigError, StoreUnavailableError
from bot.settings import Settings, load_settings
from bot.types import Answer
from bot.web import chat as web
from bot.web.app import build_app
from bot.web.auth import parse_auth
from bot.web.chat import CONCURRENCY, FAILED, MARKUP, NOT_READY, Chat, WebBot
from bot.web.render import CLOSEST, EMPTY_EVIDENCE, answer_markdown, evidence_html, highlight, user_markdown
from ingest.pipeline import run_ingest
from tests.conftest import CORPUS, FakeEmbeddings

ZH = "北虹桥片区重点发展哪些产业？"
EN = "Which zone focuses on new energy vehicles?"
UNANSWERABLE = "What are office rents like in the Hongqiao CBD?"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """One real index (deterministic fake embeddings) and one Assistant for the whole module."""
    data = tmp_path_factory.mktemp("web") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HQBOT_DATA_DIR", str(data))
        mp.setenv("HQBOT_CORPUS_DIR", str(CORPUS))
        for name in ("HQBOT_CHROMA_URL", "HQBOT_EMBEDDINGS", "HQBOT_LLM_BASE_URL", "HQBOT_LLM_MODEL"):
            mp.delenv(name, raising=False)
        embeddings = FakeEmbeddings()
        run_ingest(load_settings(), embeddings=embeddings, show_progress=False)
        yield Assistant(load_settings(), embeddings=embeddings)


@pytest.fixture
def bot(assistant: Assistant) -> WebBot:
    """The app's shared state with this test's settings (its own data dir and feedback log)."""
    return WebBot(load_settings(), assistant=assistant)


def _reply(chat: Chat) -> str:
    return chat.messages[-1]["content"]


def _log(bot: WebBot) -> list[dict]:
    return [json.loads(line) for line in bot.settings.feedback_log.read_text(encoding="utf-8").splitlines()]


# --- answers and their evidence ---------------------------------------------------------------


def test_cited_answer_shows_markers_and_highlights_exactly_the_quote(bot: WebBot) -> None:
    chat, evidence = bot.respond(ZH)
    assert [m["role"] for m in chat.messages] == ["user", "assistant"]
    assert "[1]" in _reply(chat)
    answer = bot.assistant.ask(ZH)
    citation = answer.citations[0]
    marked = re.findall(r"<mark>(.*?)</mark>", evidence, flags=re.S)
    assert html.escape(citation.quote) in marked
    assert "[1]" in evidence and html.escape(citation.section) in evidence and html.escape(citation.title) in evidence
    # The passage around the mark is the chunk text, escaped; nothing else was inserted.
    card = evidence.split('<div class="hq-text">', 1)[1].split("</div>", 1)[0]
    assert card.replace("<mark>", "").replace("</mark>", "") == html.escape(citation.text)


def test_highlight_escapes_the_passage_and_marks_each_quote_once() -> None:
    text = 'Zone <A> & "B". The quote & more. Tail <script>x</script>.'
    out = highlight(text, ["The quote & more.", "not there"])
    assert out == (
        "Zone &lt;A&gt; &amp; &quot;B&quot;. <mark>The quote &amp; more.</mark> Tail &lt;script&gt;x&lt;/script&gt;."
    )
    assert highlight("ab ab", ["ab", "ab"]) == "<mark>ab</mark> <mark>ab</mark>"


def test_english_questions_show_english_labels(bot: WebBot) -> None:
    chat, evidence = bot.respond(EN)
    assert "(North Hongqiao Zone)" in evidence
    assert "Hongqiao International CBD Industrial Development Plan" in evidence  # the document's English title
    assert 'class="hq-terms"' in evidence and "North Hongqiao Zone" in evidence
    assert "<mark>" in evidence and "Key terms:" in _reply(chat)
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
    entry = chat.answers[3]
    assert entry["resolved_question"] != "那南虹桥呢？" and "南虹桥" in entry["resolved_question"]
    assert "Read as" in evidence and "南虹桥片区" in evidence


def test_clicking_an_earlier_message_shows_its_evidence(bot: WebBot) -> None:
    chat, first = bot.respond(ZH)
    chat, second = bot.respond(UNANSWERABLE, chat)
    assert bot.evidence_for(chat, 1) == first and bot.evidence_for(chat, 2) == second
    assert bot.evidence_for(chat, 0) == first  # the question leads to its answer
    assert bot.evidence_for(chat, 99) == EMPTY_EVIDENCE


# --- bad input and failures -----------------------------------------------------------------


def test_markup_in_a_question_is_escaped_and_refused(bot: WebBot) -> None:
    question = '<script>alert("x")</script><img src=x onerror=alert(1)> 北虹桥片区？'
    chat, evidence = bot.respond(question)
    shown = chat.messages[0]["content"]
    assert "<" not in shown and ">" not in shown and "&lt;script&gt;" in shown
    assert MARKUP in _reply(chat) and evidence == EMPTY_EVIDENCE
    assert chat.history == [] and chat.answers == {}


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
    [("", "The question is empty"), ("   ", "The question is empty"), ("问" * 2001, "the limit is 2,000")],
)
def test_empty_and_overlong_questions_get_one_sentence(bot: WebBot, question: str, expected: str) -> None:
    chat, evidence = bot.respond(question)
    reply = _reply(chat)
    assert reply.startswith("⚠ ") and expected in reply and reply.count(". ") == 0 and "\n" not in reply
    assert evidence == EMPTY_EVIDENCE and chat.history == []
    if question.strip():
        assert len(chat.messages[0]["content"]) < 400  # a very long question is shown cut short
    else:
        assert [m["role"] for m in chat.messages] == ["assistant"]


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


def test_api_returns_the_cli_json_or_an_error(bot: WebBot) -> None:
    data = bot.ask_json(ZH)
    expected = bot.assistant.ask(ZH).to_json()
    assert set(data) == set(expected)
    assert data["answer"] == expected["answer"] and data["citations"] == expected["citations"]
    assert data["contexts"] and data["latency_ms"] >= 0
    assert bot.ask_json("") == {"error": "The question is empty: type a question about the plan or the catalogue."}


def test_before_the_index_is_ready_the_page_says_so() -> None:
    bot = WebBot(load_settings())
    bot.state, bot.message = "building", "Building the index from the documents (first start only)."
    chat, _ = bot.respond(ZH)
    assert NOT_READY in _reply(chat)
    assert bot.ask_json(ZH) == {"error": NOT_READY}
    banner, timer = bot.banner()
    assert "Building the index" in banner["value"] and banner["visible"] and timer["active"]
    bot.state, bot.message = "error", "The corpus folder /x does not exist: create it or set HQBOT_CORPUS_DIR."
    assert "does not exist" in _reply(bot.respond(ZH)[0])
    assert bot.banner()[1]["active"] is False


def test_load_builds_a_missing_index_then_answers(
    monkeypatch: pytest.MonkeyPatch, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEmbeddings()
    monkeypatch.setattr(ingest.embed, "load_embeddings", lambda name=None: fake)
    fresh = WebBot(load_settings())
    seen: list[str] = []
    original = web.ensure_index

    def watching(settings: Settings, embeddings: object = None) -> str:
        seen.append(fresh.banner()[0]["value"])  # what the page says while the index is built
        return original(settings, embeddings)

    monkeypatch.setattr(web, "ensure_index", watching)
    fresh.load()
    assert fresh.state == "ready" and "Building the index" in seen[0]
    assert "building the index" in capsys.readouterr().out
    assert (isolated_env / "chroma").is_dir() and "[1]" in _reply(fresh.respond(ZH)[0])


# --- feedback ---------------------------------------------------------------------------------


def test_feedback_appends_one_json_line_per_click(bot: WebBot, isolated_env: Path) -> None:
    chat, _ = bot.respond(ZH)
    assert not isolated_env.exists()  # nothing is written until there is feedback
    note = bot.feedback(chat, 1, False, "  Should list the zone's platforms.  ")
    assert note.startswith("Thanks") and "comment" in note
    [line] = _log(bot)
    assert line["verdict"] == "down" and line["comment"] == "Should list the zone's platforms."
    assert line["question"] == ZH and line["lang"] == "zh" and line["abstained"] is False
    assert line["answer"] == bot.assistant.ask(ZH).text and line["history"] == []
    assert line["citations"] and set(line["citations"][0]) == {"chunk_id", "section", "quote"}
    assert datetime.fromisoformat(line["time"]).tzinfo is not None

    chat, _ = bot.respond(UNANSWERABLE, chat)
    assert bot.feedback(chat, [3], True).startswith("Thanks")
    second = _log(bot)[1]
    assert second["verdict"] == "up" and second["comment"] == "" and second["abstained"] is True
    assert second["citations"] == [] and [t["role"] for t in second["history"]] == ["user", "assistant"]
    assert second["history"][0]["content"] == ZH
    assert not {"password", "auth", "user"} & set(second)


def test_feedback_only_on_answers_and_real_votes(bot: WebBot) -> None:
    chat, _ = bot.respond("")
    assert bot.feedback(chat, 0, False) == "Feedback applies to answers only."
    chat, _ = bot.respond(ZH, chat)
    assert bot.feedback(chat, 2, "") == "" and bot.feedback(None, 2, True) == "Feedback applies to answers only."
    assert not bot.settings.feedback_log.exists()


# --- the app and logins -----------------------------------------------------------------------


def test_build_app_has_the_ask_endpoint_and_a_bounded_queue(bot: WebBot) -> None:
    app = build_app(bot.settings, bot)
    assert isinstance(app, gr.Blocks)
    assert "ask" in {fn.api_name for fn in app.fns.values()}
    assert app._queue.default_concurrency_limit == CONCURRENCY


def test_auth_pairs_and_file(tmp_path: Path) -> None:
    assert parse_auth(None) is None and parse_auth("  ") is None
    assert parse_auth("alice:s3cret, bob:pa:ss") == [("alice", "s3cret"), ("bob", "pa:ss")]
    users = tmp_path / "users.txt"
    users.write_text("# staff logins\nalice:one\n\n bob : two\n", encoding="utf-8")
    assert parse_auth(str(users)) == [("alice", "one"), ("bob", "two")]


@pytest.mark.parametrize(
    ("spec", "where"),
    [
        ("alice:secret,bobsecret", "Entry 2 of HQBOT_AUTH"),
        ("alice:", "Entry 1"),
        (":secret", "Entry 1"),
        ("/no/file", ""),
    ],
)
def test_bad_auth_is_a_config_error_without_the_password(spec: str, where: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_auth(spec)
    assert where in str(err.value) and "secret" not in str(err.value)


def test_bad_auth_file_line_names_the_line(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text("alice:one\nbobtwo\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Line 2 of"):
        parse_auth(str(users))
