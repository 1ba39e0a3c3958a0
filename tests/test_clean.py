"""Cleaning on real passages of the source: page-break joins, tables of contents, emphasis, numbers."""

from ingest.clean import blocks, normalize, squeeze_cjk_spaces, strip_emphasis
from tests.conftest import CORPUS

PLAN = (CORPUS / "hongqiao-cbd-industry-plan-2022.txt").read_text(encoding="utf-8")
CATALOGUE = (CORPUS / "hongqiao-cbd-key-industry-catalogue-2022.txt").read_text(encoding="utf-8")


def _texts(text: str) -> list[str]:
    return [b.text for b in blocks(text) if not b.is_table]


def test_page_break_split_sentence_is_rejoined() -> None:
    texts = _texts(PLAN)
    assert any("进口贸易促进创新示范区建设稳步推进" in t for t in texts)
    assert not any(t.startswith("建设稳步推进") for t in texts)
    # A split inside a word and one inside a bold lead term.
    assert any("做大做强综合型电商，发挥龙头集聚效应" in t for t in texts)
    assert any("**走向国际的新能源汽**车。集聚" in t for t in texts)


def test_paragraph_ending_a_sentence_is_not_joined() -> None:
    texts = _texts(PLAN)
    assert "一、发展基础" in texts
    assert any(t.startswith("国际贸易中心新平台初成体系。") for t in texts)


def test_tables_of_contents_are_dropped() -> None:
    texts = _texts(PLAN) + _texts(CATALOGUE)
    assert not any(t.endswith(("\t3", "\t26")) or t in ("目录", "目 录") for t in texts)
    assert texts.count("一、发展基础") == 1  # the heading, not its contents entry


def test_numbers_and_units_are_kept_exactly() -> None:
    joined = "\n".join(_texts(PLAN))
    for fact in ("面积 151.4 平方公里", "346 亿元，同比增长 29.1%", "商品销售额超过 5000 亿元", "2.4倍"):
        assert fact in joined


def test_emphasis_is_stripped_but_words_kept() -> None:
    assert strip_emphasis("1. **高能级总部经济**。**综合型总部**。") == "1. 高能级总部经济。综合型总部。"
    assert strip_emphasis("Some *italic* and __bold__ words") == "Some italic and bold words"


def test_figure_caption_is_dropped() -> None:
    assert not any("示意图" in t for t in _texts(PLAN))


def test_table_rows_span_page_breaks() -> None:
    tables = [b for b in blocks(CATALOGUE) if b.is_table]
    assert len(tables) == 9
    digital = tables[4]
    assert digital.rows[0] == ["细分领域", "发展方向", "发展重点"]
    assert len(digital.rows) == 16  # blank lines (page breaks) inside the table do not end it


def test_normalize_and_squeeze() -> None:
    assert normalize("a\r\nb\u00a0c\u200b\f") == "a\nb c\n\n"
    assert squeeze_cjk_spaces("商品贸易 服务") == "商品贸易服务"
    assert squeeze_cjk_spaces("新型离岸国 际贸易") == "新型离岸国际贸易"
    assert squeeze_cjk_spaces("020 零售") == "020 零售"
