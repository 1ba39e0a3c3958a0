"""The web app: `build_app()` returns the Gradio Blocks (chat, evidence, feedback, the `/ask` API) and
`launch()` serves them, building the index in the background when there is none."""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.errors import HqbotError
from bot.settings import Settings, load_settings
from bot.web.auth import parse_auth
from bot.web.chat import CONCURRENCY, EXAMPLES, INTRO, QUEUE_SIZE, Chat, WebBot
from bot.web.render import CSS, EMPTY_EVIDENCE, banner_html


def build_app(settings: Settings | None = None, bot: WebBot | None = None) -> gr.Blocks:
    """The Gradio app (queued, bounded concurrency); without a bot, one is made and loaded in the background."""
    if bot is None:
        bot = WebBot(settings)
        bot.start()
    private: dict[str, Any] = {"api_visibility": "private"}
    answering: dict[str, Any] = {**private, "concurrency_id": "bot"}  # chat and API share one bound
    with gr.Blocks(title="Hongqiao CBD policy assistant", analytics_enabled=False) as app:
        gr.Markdown(INTRO)
        banner = gr.HTML(banner_html(bot.state, bot.message), elem_id="hq-banner")
        timer = gr.Timer(2.0)
        chat_state = gr.State(Chat())
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat",
                    show_label=False,
                    elem_id="hq-chat",
                    height=520,
                    sanitize_html=True,
                    render_markdown=True,
                    latex_delimiters=[],
                    allow_tags=False,
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy"],
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Ask about sectors, zones, targets… 例如：北虹桥片区重点发展哪些产业？",
                        show_label=False,
                        lines=1,
                        max_lines=6,
                        scale=5,
                        elem_id="hq-question",
                    )
                    ask_btn = gr.Button("Ask 提问", variant="primary", scale=1, elem_id="hq-ask")
                with gr.Row():
                    comment = gr.Textbox(
                        placeholder="Optional comment, sent when you click thumbs up / down on an answer",
                        show_label=False,
                        scale=5,
                        elem_id="hq-comment",
                    )
                    clear_btn = gr.Button("Clear 清空", scale=1, elem_id="hq-clear")
                note = gr.Markdown(elem_id="hq-note")
                examples = gr.Examples(
                    EXAMPLES, inputs=question, label="Examples 示例 (click to ask)", api_visibility="private"
                )
            with gr.Column(scale=2):
                gr.Markdown("### Evidence · 原文依据")
                evidence = gr.HTML(EMPTY_EVIDENCE, elem_id="hq-evidence")

        def submit(text: str, chat: Chat) -> tuple[list[dict[str, str]], Chat, str, str]:
            chat, html = bot.respond(text, chat)
            return chat.messages, chat, html, ""

        def clear() -> tuple[list[Any], Chat, str, str, str]:
            return [], Chat(), EMPTY_EVIDENCE, "", ""

        def like(chat: Chat, text: str, data: gr.LikeData) -> tuple[str, str]:
            message = bot.feedback(chat, data.index, data.liked, text or "")
            return message, ("" if message.startswith("Thanks") else text)

        def select(chat: Chat, data: gr.SelectData) -> str:
            return bot.evidence_for(chat, data.index)

        def ask(question: str) -> dict[str, Any]:
            """Ask the bot one question; returns the JSON of `hqbot ask --json` (or {"error": "..."})."""
            return bot.ask_json(question)

        outputs = [chatbot, chat_state, evidence, question]
        question.submit(submit, [question, chat_state], outputs, **answering)
        examples.load_input_event.then(submit, [question, chat_state], outputs, **answering)
        ask_btn.click(submit, [question, chat_state], outputs, **answering)
        clear_btn.click(clear, None, [chatbot, chat_state, evidence, question, note], **private)
        chatbot.clear(clear, None, [chatbot, chat_state, evidence, question, note], **private)
        chatbot.like(like, [chat_state, comment], [note, comment], **private)
        chatbot.select(select, [chat_state], [evidence], **private)
        app.load(bot.banner, None, [banner, timer], **private)
        timer.tick(bot.banner, None, [banner, timer], **private)
        gr.api(ask, api_name="ask", concurrency_id="bot")
    return app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)


def launch(settings: Settings | None = None, *, block: bool = True) -> gr.Blocks:
    """Serve the app on HQBOT_HOST:HQBOT_PORT (login from HQBOT_AUTH); the index is built meanwhile if missing."""
    settings = settings or load_settings()
    try:
        auth = parse_auth(settings.auth)
    except HqbotError as exc:
        raise SystemExit(f"Error: {exc}") from None
    bot = WebBot(settings)
    app = build_app(settings, bot)
    bot.start()
    if auth:
        print(f"Login required ({len(auth)} user(s) from HQBOT_AUTH).", flush=True)
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=settings.share,
        auth=auth,
        css=CSS,
        prevent_thread_lock=not block,
        max_file_size="1mb",  # the app takes no uploads; Gradio's upload route is capped all the same
        footer_links=["api"],
    )
    return app
