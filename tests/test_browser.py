"""The real app in a real browser: Debian's Chromium driven by Playwright, the bundled model, a fresh index.

Skipped when Chromium is missing, unless HQBOT_REQUIRE_BROWSER=1 (CI), where that is a failure.
Set HQBOT_SCREENSHOT=PATH to also save the screenshot of the answered question there (docs/screenshot.png), and
HQBOT_PHONE_SCREENSHOT=PATH for the phone's (docs/phone.png).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings, load_settings
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ZH = "北虹桥片区重点发展哪些产业？"
EN = "Which zone focuses on new energy vehicles?"
UNANSWERABLE = "What are office rents like in the Hongqiao CBD?"
# Two parts, each quoting the opening sentence of a longer passage (the 产业目标 passage goes on to list 4311).
TARGETS = "到2025年商务区的规模目标和产业目标是什么？"
TIMEOUT_MS = 60_000


def _need(what: str) -> None:
    if os.environ.get("HQBOT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} (HQBOT_REQUIRE_BROWSER=1)")
    pytest.skip(what)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    """The app as `hqbot serve` starts it, on a free port, over an index of the bundled corpus in a tmp dir."""
    from bot.web import launch
    from ingest.pipeline import run_ingest

    data = tmp_path_factory.mktemp("browser") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HQBOT_DATA_DIR", str(data))
        mp.setenv("HQBOT_CORPUS_DIR", str(CORPUS))
        mp.setenv("HF_HUB_OFFLINE", "1")
        for name in ("HQBOT_CHROMA_URL", "HQBOT_EMBEDDINGS", "HQBOT_AUTH", "HQBOT_LLM_BASE_URL", "HQBOT_LLM_MODEL"):
            mp.delenv(name, raising=False)
        settings = load_settings(host="127.0.0.1", port=_free_port())
        run_ingest(settings, show_progress=False)
        server = launch(settings, block=False)
        try:
            yield f"http://127.0.0.1:{settings.port}/", settings
        finally:
            server.close()


DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def _page(server: tuple[str, Settings], device: dict[str, Any]) -> Iterator[Any]:
    """A Chromium page on the app, once the bot is ready."""
    if not CHROMIUM.exists():
        _need(f"{CHROMIUM} is missing: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("the playwright package is missing: pip install -e '.[dev]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(**device)
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(server[0])
        page.wait_for_selector("#hq-question textarea")
        page.wait_for_selector(".hq-banner", state="detached", timeout=120_000)  # loading notice gone: ready
        yield page
        browser.close()


@pytest.fixture
def page(server: tuple[str, Settings]) -> Iterator[Any]:
    yield from _page(server, DESKTOP)


@pytest.fixture
def phone(server: tuple[str, Settings]) -> Iterator[Any]:
    yield from _page(server, PHONE)


REPLY = "#hq-chat .message.bot:not(.pending)"  # Gradio shows a pending bubble while the bot works


def _ask(page: Any, question: str) -> None:
    """Type a question, press Enter, and wait for the reply (not the pending bubble)."""
    before = page.locator(REPLY).count()
    box = page.locator("#hq-question textarea")
    box.fill(question)
    box.press("Enter")
    _wait_reply(page, before)


def _wait_reply(page: Any, before: int) -> None:
    page.wait_for_function(
        """n => document.querySelectorAll('#hq-chat .message.bot.pending').length === 0
            && document.querySelectorAll('#hq-chat .message.bot:not(.pending)').length > n""",
        arg=before,
        timeout=TIMEOUT_MS,
    )


def _last_reply(page: Any) -> str:
    return page.locator(REPLY).last.inner_text()


def test_chat_in_a_real_browser(page: Any, server: tuple[str, Settings], tmp_path: Path) -> None:
    started = time.perf_counter()
    evidence = page.locator("#hq-evidence")

    # A Chinese question: the cited answer in the chat, the quote highlighted in the evidence panel.
    _ask(page, ZH)
    assert "[1]" in _last_reply(page)
    mark = evidence.locator("mark").first
    mark.wait_for()
    assert mark.inner_text().strip() in _last_reply(page)
    assert "北虹桥片区" in evidence.inner_text() and "产业发展规划" in evidence.inner_text()

    # A target question: the quoted sentence is highlighted inside a longer passage.
    _ask(page, TARGETS)
    evidence.get_by_text("规模目标").first.wait_for()
    marks = evidence.locator(".hq-text mark")
    assert marks.count() >= 2 and all(m.strip() in _last_reply(page) for m in marks.all_inner_texts())
    assert any(
        len(card.locator("mark").inner_text()) < len(card.inner_text()) for card in evidence.locator(".hq-text").all()
    )
    shot = tmp_path / "answer.png"
    page.screenshot(path=str(shot), full_page=True)
    if target := os.environ.get("HQBOT_SCREENSHOT"):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)

    # An English question: English labels beside the Chinese names.
    _ask(page, EN)
    evidence.get_by_text("North Hongqiao Zone").first.wait_for()
    assert "Industrial Development Plan" in evidence.inner_text()

    # An unanswerable question: a refusal, visibly different, with the closest passages.
    _ask(page, UNANSWERABLE)
    assert "The documents do not say" in _last_reply(page)
    evidence.locator(".hq-refusal").wait_for()
    assert "Closest passages (not citations)" in evidence.inner_text()
    assert evidence.locator("mark").count() == 0

    # Thumbs-down with a comment on the refusal: one line in the feedback log.
    page.locator("#hq-comment textarea").fill("Rents would help investors.")
    page.locator("#hq-chat button[aria-label='Dislike']").last.click()
    page.locator("#hq-note").get_by_text("Thanks").wait_for()
    log = server[1].feedback_log
    deadline = time.monotonic() + 10
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    [line] = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert line["verdict"] == "down" and line["comment"] == "Rents would help investors."
    assert line["question"] == UNANSWERABLE and line["abstained"] is True
    assert [t["content"] for t in line["history"] if t["role"] == "user"] == [ZH, TARGETS, EN]

    # Clicking an earlier answer shows its evidence again; an example question is asked with one click.
    page.locator(REPLY).first.click()
    evidence.locator("mark").first.wait_for()
    assert evidence.locator(".hq-refusal").count() == 0
    before = page.locator(REPLY).count()
    page.get_by_text("生命新科技包括哪些细分领域？", exact=True).first.click()
    _wait_reply(page, before)
    assert "[1]" in _last_reply(page) and "生命新科技" in evidence.inner_text()

    # Markup is shown as typed and never runs.
    _ask(page, '<img src=x onerror="window.__hq_xss=1"> **bold**')
    user = page.locator("#hq-chat .message.user").last
    assert '<img src=x onerror="window.__hq_xss=1"> **bold**' in user.inner_text()
    assert page.locator("#hq-chat img[src='x']").count() == 0 and user.locator("strong").count() == 0
    assert page.evaluate("window.__hq_xss") is None
    assert "HTML markup" in _last_reply(page)

    page.screenshot(path=str(tmp_path / "final.png"), full_page=True)
    page.locator("#hq-clear").click()
    page.wait_for_function("() => document.querySelectorAll('#hq-chat .message').length === 0")
    assert "Ask a question" in evidence.inner_text()
    print(f"browser steps: {time.perf_counter() - started:.1f}s")


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).last.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def test_phone_layout(phone: Any, tmp_path: Path) -> None:
    height = PHONE["viewport"]["height"]
    # The first screen holds the question box and the Ask button: no scrolling needed.
    assert phone.evaluate("window.scrollY") == 0
    for selector in ("#hq-question textarea", "#hq-ask"):
        box = _box(phone, selector)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (selector, box)
    assert not phone.locator("#hq-evidence").is_visible()  # no panel ~1,000 px below the answers

    _ask(phone, TARGETS)
    assert "[1]" in _last_reply(phone)
    details = phone.locator(f"{REPLY} details.hq-more").last
    summary = details.locator("summary")
    assert summary.is_visible() and details.get_attribute("open") is None  # collapsed by default
    assert not details.locator(".hq-evidence").is_visible()
    # Open it with a tap where the summary is: the evidence appears right under the answer.
    summary.scroll_into_view_if_needed()
    tap = summary.bounding_box()
    point = [tap["x"] + 20, tap["y"] + tap["height"] / 2]
    assert phone.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", point) == "SUMMARY"
    phone.mouse.click(*point)
    evidence = details.locator(".hq-evidence")
    evidence.wait_for(state="visible")
    evidence.scroll_into_view_if_needed()
    # The chat may scroll as the answer grows: measure the three boxes in one pass in the page, once it is still.
    measure = """(d) => [d.querySelector('summary'), d.querySelector('.hq-evidence'), d.closest('.message')]
        .map(e => e.getBoundingClientRect())
        .map(r => ({x: r.x, y: r.y, width: r.width, height: r.height}))"""
    boxes, previous = details.evaluate(measure), None
    for _ in range(20):
        if boxes == previous:
            break
        phone.wait_for_timeout(100)
        previous, boxes = boxes, details.evaluate(measure)
    tap, shown, answer = boxes
    assert 0 <= shown["y"] - (tap["y"] + tap["height"]) < 24  # beneath the summary, inside the answer
    assert answer["x"] <= shown["x"] + 1 and shown["x"] + shown["width"] <= answer["x"] + answer["width"] + 1
    assert evidence.locator("mark").count() >= 1 and "规模目标" in evidence.inner_text()

    # Touch targets: every button and the evidence toggle at least 40 x 40 px.
    # Measured in one pass in the page (the chat may re-render between separate reads).
    sizes = phone.eval_on_selector_all(
        "#hq-chat button, #hq-ask, #hq-clear, #hq-chat summary, .gallery-item",
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.getAttribute('aria-label') || e.innerText.slice(0, 20), r.width, r.height]; })",
    )
    sizes = [(name, w, h) for name, w, h in sizes if w and h]  # shown ones
    assert len(sizes) >= 8
    assert all(w >= 40 and h >= 40 for _, w, h in sizes), sizes

    summary.scroll_into_view_if_needed()
    shot = tmp_path / "phone.png"
    phone.screenshot(path=str(shot))
    if target := os.environ.get("HQBOT_PHONE_SCREENSHOT"):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def test_ask_api_over_http(server: tuple[str, Settings]) -> None:
    from gradio_client import Client

    client = Client(server[0], verbose=False)
    data = client.predict(ZH, api_name="/ask")
    assert isinstance(data, dict) and not data.get("abstained")
    assert {"answer", "citations", "contexts", "latency_ms", "lang", "abstained"} <= set(data)
    assert "[1]" in data["answer"] and data["citations"][0]["quote"] in data["citations"][0]["text"]
    english = client.predict(EN, api_name="/ask")
    assert english["lang"] == "en" and english["citations"][0]["section_en"]
    assert client.predict(UNANSWERABLE, api_name="/ask")["abstained"] is True
    assert client.predict("", api_name="/ask") == {
        "error": "The question is empty: type a question about the plan or the catalogue."
    }
