"""Stage 3, rerank: a passage that covers all of the question beats one that repeats one word."""

from bot.qa.config import EngineConfig
from bot.qa.rerank import coverage, rerank
from tests.stages import analysis, passage, topic


def test_coverage_is_the_weighted_share_of_topics_named() -> None:
    topics = (topic("北虹桥片区", 3.0), topic("汽车新势力", 1.0))
    assert coverage(topics, "北虹桥片区重点发展汽车新势力") == 1.0
    assert coverage(topics, "北虹桥片区") == 0.75 and coverage((), "x") == 0.0


def test_coverage_outranks_a_higher_fused_score() -> None:
    repeats = passage("汽车新势力汽车新势力汽车新势力。", "repeats", score=1.0, rank=1, section="规划 › 汽车")
    covers = passage("北虹桥片区重点发展汽车新势力。", "covers", score=0.6, rank=2)
    a = analysis(topic("北虹桥片区", 1.0), topic("汽车新势力", 1.0))
    out = rerank(a, [repeats, covers], k=2, config=EngineConfig())
    assert [r.chunk_id for r in out] == ["covers", "repeats"] and [r.rank for r in out] == [1, 2]


def test_a_heading_counts_as_part_of_its_passage() -> None:
    plain = passage("重点发展高端医疗服务。", "plain", section="规划 › 其他", score=1.0)
    headed = passage("重点发展高端医疗服务。", "headed", section="规划 › 南虹桥片区", score=0.9, rank=2)
    a = analysis(topic("南虹桥片区", 2.0), topic("高端医疗服务", 1.0))
    assert rerank(a, [plain, headed], k=1, config=EngineConfig())[0].chunk_id == "headed"


def test_no_topics_keeps_the_fused_order() -> None:
    ps = [passage("甲。", "a"), passage("乙。", "b", rank=2)]
    assert [r.chunk_id for r in rerank(analysis(), ps, k=1, config=EngineConfig())] == ["a"]


def test_a_question_about_the_present_prefers_the_state_of_play() -> None:
    plan = "规划 › 四、未来产业新赛道 › 汽车新势力"
    state = "规划 › 一、发展基础 › 新兴产业领域开拓初具方向"
    target = passage("汇聚造车新势力总部。", "target", section=plan, score=1.0)
    today = passage("蔚来、威马等汽车行业新总部加速集聚。", "today", section=state, score=0.7, rank=2)
    nev = topic("汽车新势力", 2.0, "汽车行业", "造车新势力")
    config = EngineConfig()
    assert rerank(analysis(nev), [target, today], k=1, config=config)[0].chunk_id == "target"
    now = analysis(nev, present=True)  # "which car makers are already there?"
    assert rerank(now, [target, today], k=1, config=config)[0].chunk_id == "today"
    assert rerank(now, [target, today], k=1, config=EngineConfig(present_bonus=0.0))[0].chunk_id == "target"
