"""The optional LLM answerer with LangChain's fake chat models: citations map to passages, bad markers
go, failures and timeouts fall back to the extractive answer."""

import time

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from bot.llm import LLMAnswerer
from bot.types import Answer, Citation, Context

NORTH = "北虹桥片区。以智慧绿色创新经济与制造服务经济为特色，重点发展汽车新势力、低碳新能源等创新经济产业。"
SOUTH = "南虹桥片区。重点发展高端医疗服务、生命科学临床转化、时尚新消费等产业。"


def _answer(lang: str = "en") -> Answer:
    contexts = [
        Context("plan#1", NORTH, 0.9, "plan.txt", "规划", "产业发展规划 › 四区 › 北虹桥片区", "prose"),
        Context("plan#2", SOUTH, 0.5, "plan.txt", "规划", "产业发展规划 › 四区 › 南虹桥片区", "prose"),
    ]
    cite = Citation(1, "plan#1", "plan.txt", "规划", contexts[0].section, NORTH[:6], NORTH, 0.9)
    return Answer("Which zone focuses on EVs?", f"- {NORTH} [1]", [cite], False, contexts, lang=lang)


class SlowModel(GenericFakeChatModel):
    def _generate(self, *args, **kwargs):
        time.sleep(1.0)
        return super()._generate(*args, **kwargs)


class BrokenModel(GenericFakeChatModel):
    def _generate(self, *args, **kwargs):
        raise ConnectionError("endpoint down")

    def _stream(self, *args, **kwargs):
        raise ConnectionError("endpoint down")


def test_markers_map_to_passages_and_bad_ones_are_removed() -> None:
    reply = "North Hongqiao (北虹桥片区) focuses on 汽车新势力 [1]. The moon is cheese [7]. South is medical [2]."
    out = LLMAnswerer(GenericFakeChatModel(messages=iter([reply]))).rewrite(_answer())
    assert "[7]" not in out.text and "[1]" in out.text and "[2]" in out.text
    assert [c.n for c in out.citations] == [1, 2]
    for c in out.citations:
        assert c.quote and c.quote in c.text  # every quote is verbatim from its passage
    assert out.citations[0].chunk_id == "plan#1"


def test_answer_without_valid_citation_keeps_the_extractive_answer() -> None:
    original = _answer()
    out = LLMAnswerer(GenericFakeChatModel(messages=iter(["Something without sources [9]."]))).rewrite(original)
    assert out.text == original.text and out.citations == original.citations
    assert "cited no passage" in (out.notice or "")


def test_failing_endpoint_falls_back_with_a_notice() -> None:
    original = _answer()
    out = LLMAnswerer(BrokenModel(messages=iter([]))).rewrite(original)
    assert out.text == original.text
    assert out.notice and "failed (ConnectionError)" in out.notice


def test_slow_endpoint_times_out_and_falls_back() -> None:
    original = _answer()
    started = time.perf_counter()
    out = LLMAnswerer(SlowModel(messages=iter(["late [1]"])), timeout=0.2).rewrite(original)
    assert time.perf_counter() - started < 0.9
    assert out.text == original.text and "within 0.2s" in (out.notice or "")


def test_prompt_holds_the_numbered_passages_and_the_refusal() -> None:
    messages = LLMAnswerer(GenericFakeChatModel(messages=iter([]))).messages(_answer(), None)
    system, user = messages[0][1], messages[1][1]
    assert "The documents do not say" in system and "English" in system
    assert f"[1] (产业发展规划 › 四区 › 北虹桥片区) {NORTH}" in user
    assert "Question: Which zone focuses on EVs?" in user


def test_from_settings_builds_an_openai_compatible_client() -> None:
    from bot.settings import load_settings

    settings = load_settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="local-model", llm_timeout=3)
    answerer = LLMAnswerer.from_settings(settings)
    assert answerer.chat_model.model_name == "local-model"
    assert answerer.timeout == 3
    # Nothing listens on port 9: the real client fails fast and the extractive answer comes back.
    out = answerer.rewrite(_answer())
    assert out.notice and "extractive" in out.notice
