"""Structure-aware chunking on the real documents."""

import re

import pytest

from ingest.chunk import (
    CATALOGUE_OVERVIEW,
    CATALOGUE_ROW,
    PROSE,
    chunk_document,
    estimate_tokens,
    split_at_boundaries,
)
from ingest.config import DEFAULT_MAX_CHUNK_CHARS
from ingest.units import sentence_spans
from tests.conftest import CORPUS, ROOT

PLAN = (CORPUS / "hongqiao-cbd-industry-plan-2022.txt").read_text(encoding="utf-8")
CATALOGUE = (CORPUS / "hongqiao-cbd-key-industry-catalogue-2022.txt").read_text(encoding="utf-8")
NOTICE = (CORPUS / "hongqiao-cbd-notice-2022-76.txt").read_text(encoding="utf-8")
BUNDLED = [("plan", PLAN, "产业发展规划"), ("catalogue", CATALOGUE, "重点产业目录"), ("notice", NOTICE, "通知")]
CLAUSE = "商务区重点发展数字贸易和总部经济，推动产业融合创新发展"


@pytest.fixture(scope="module")
def plan_chunks():
    return chunk_document("plan", PLAN, label="产业发展规划")


@pytest.fixture(scope="module")
def catalogue_chunks():
    return chunk_document("catalogue", CATALOGUE, label="重点产业目录")


def _by_text(chunks, needle):
    found = [c for c in chunks if needle in c.text]
    assert found, needle
    return found[0]


def test_heading_path_of_a_zone(plan_chunks) -> None:
    chunk = _by_text(plan_chunks, "北虹桥片区。以智慧绿色创新经济")
    assert chunk.section_path == ("产业发展规划", "四、产业发展布局", "（二）四区：产业功能片区", "北虹桥片区")
    assert chunk.section == "产业发展规划 › 四、产业发展布局 › （二）四区：产业功能片区 › 北虹桥片区"
    assert "南虹桥片区" not in chunk.text  # a chunk never straddles two sections


def test_bold_lead_terms_are_the_deepest_heading(plan_chunks) -> None:
    chunk = _by_text(plan_chunks, "综合型总部。重点发展国际公司亚太区总部")
    assert chunk.section_path[-2:] == ("1. 高能级总部经济", "综合型总部")
    assert "**" not in chunk.text
    # A lead term split by a page break is made whole again.
    car = _by_text(plan_chunks, "走向国际的新能源汽车。集聚")
    assert car.section_path[-1] == "走向国际的新能源汽车"


def test_lead_sentence_paragraphs_get_their_own_section(plan_chunks) -> None:
    chunk = _by_text(plan_chunks, "规模目标。到 2025 年")
    assert chunk.section_path[-2:] == ("（三）发展目标", "规模目标")


def test_half_width_heading_is_normalised(plan_chunks) -> None:
    chunk = _by_text(plan_chunks, "统筹稳商与招商工作")
    assert chunk.section_path[-1] == "（一）创新产业服务体系"


def test_catalogue_rows_carry_headers_and_industry(catalogue_chunks) -> None:
    row = _by_text(catalogue_chunks, "北斗导航运营服务")
    assert row.kind == CATALOGUE_ROW
    assert row.section_path[-2:] == ("（五）数字新经济", "北斗导航")
    assert row.text.splitlines()[0] == "细分领域：北斗导航"
    assert row.text.splitlines()[1] == "发展方向：北斗导航运营服务"
    assert row.text.splitlines()[2].startswith("发展重点：实施“北斗+”战略")


def test_continuation_row_inherits_the_field_above(catalogue_chunks) -> None:
    # "\t智能机器人研发、制造和服务\t…" has no 细分领域 of its own: it belongs to 人工智能.
    row = _by_text(catalogue_chunks, "发展方向：智能机器人研发、制造和服务")
    assert row.extra["field"] == "人工智能"
    assert "细分领域：人工智能" in row.text
    # Across a page break (blank line) too: 数据贸易服务 continues 数字贸易.
    assert "细分领域：数字贸易" in _by_text(catalogue_chunks, "数据贸易服务").text


def test_cells_split_by_line_wraps_are_joined(catalogue_chunks) -> None:
    assert "发展方向：新型离岸国际贸易" in _by_text(catalogue_chunks, "离岸转手买卖").text
    assert "细分领域：高值医疗器械研发、制造及总部" in _by_text(catalogue_chunks, "影像诊断").text


def test_a_row_broken_by_a_page_break_is_one_row() -> None:
    broken = CATALOGUE.replace(
        "\t数据贸易服务\t具有市场影响力的数据交易主体及从事数据合规咨询、质量评估、",
        "\t数据贸易服务\t具有市场影响力的数据交易主体及从事数据合规咨询、\n\n质量评估、",
    )
    assert broken != CATALOGUE
    chunks = chunk_document("catalogue", broken, label="重点产业目录")
    rows = [c for c in chunks if "数据交易主体" in c.text and c.kind == CATALOGUE_ROW]
    assert len(rows) == 1
    assert "数据合规咨询、质量评估、资产价值评估" in rows[0].text
    assert len([c for c in chunks if c.kind == CATALOGUE_ROW]) == 78


def test_catalogue_overview_lists_every_field(catalogue_chunks) -> None:
    overviews = [c for c in catalogue_chunks if c.kind == CATALOGUE_OVERVIEW]
    assert len(overviews) == 9
    digital = next(c for c in overviews if c.section_path[-1] == "（五）数字新经济")
    for field in ("元宇宙", "人工智能", "工业互联网及软件服务", "集成电路设计", "网络信息安全", "北斗导航"):
        assert field in digital.text


def test_chunks_fit_the_window_and_split_at_sentence_ends() -> None:
    chunks = chunk_document("plan", PLAN, max_tokens=120)
    assert all(estimate_tokens(c.embed_text) <= 120 or "。" not in c.text[:-1] for c in chunks)
    for c in chunks:
        if c.kind == PROSE and len(c.text) > 20:
            assert re.search(r"[。；！？]$", c.text) or c.text.endswith(("”", "）")), c.text[-20:]


def test_ids_are_stable_unique_and_derived_from_content(plan_chunks) -> None:
    again = chunk_document("plan", PLAN, label="产业发展规划")
    assert [c.chunk_id for c in again] == [c.chunk_id for c in plan_chunks]
    assert len({c.chunk_id for c in plan_chunks}) == len(plan_chunks)
    edited = chunk_document("plan", PLAN.replace("151.4", "151.5"), label="产业发展规划")
    changed = {c.chunk_id for c in edited} ^ {c.chunk_id for c in plan_chunks}
    assert len(changed) == 2  # only the edited passage gets a new id


def test_ids_do_not_depend_on_position(plan_chunks) -> None:
    inserted = PLAN.replace("一、发展基础\n\n", "一、发展基础\n\n商务区坚持规划引领，各项工作取得积极进展。\n\n", 1)
    edited = chunk_document("plan", inserted, label="产业发展规划")
    assert len({c.chunk_id for c in edited} - {c.chunk_id for c in plan_chunks}) == 1
    assert [c.position for c in edited] == list(range(len(edited)))  # positions still give the order


def test_true_duplicates_in_one_document_are_numbered() -> None:
    chunks = chunk_document("d", "一、甲\n\n同一句话。\n\n同一句话。\n\n二、乙\n\n同一句话。\n", merge_tokens=1)
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids)) == 3
    assert ids[1] == f"{ids[0]}-2" and not ids[2].startswith(ids[0])  # another section: another id


def test_combined_source_chunks_like_the_split_files() -> None:
    source = ROOT.parent / "shared" / "source" / "hongqiao-cbd-industry-plan-2022.txt"
    if not source.exists():
        pytest.skip("the shared source is not beside this checkout")
    combined = chunk_document("all", source.read_text(encoding="utf-8"))
    texts = {c.text for c in combined}
    split = chunk_document("plan", PLAN) + chunk_document("catalogue", CATALOGUE)
    assert {c.text for c in split} <= texts
    sections = {c.section for c in combined}
    assert any(s.startswith("重点产业目录 › 二、产业发展目录") for s in sections)
    assert any(s.startswith("产业发展规划 › 四、产业发展布局") for s in sections)


# --- bounded chunks ----------------------------------------------------------------------------------------
def test_a_long_line_without_sentence_ends_is_cut_at_clauses_and_keeps_its_heading_path() -> None:
    line = "，".join([CLAUSE] * 1100)  # 28,600 characters, no sentence end: one chunk (and one answer) before
    chunks = chunk_document("d", f"一、产业\n\n（一）总部\n\n{line}\n", label="测试")
    assert len(line) > 28_000 and len(chunks) >= 24
    assert all(len(c.text) <= DEFAULT_MAX_CHUNK_CHARS for c in chunks)
    assert {c.section_path for c in chunks} == {("测试", "一、产业", "（一）总部")}
    assert all(c.text.endswith("，") for c in chunks[:-1])  # after a clause mark, never inside a clause
    assert "".join(c.text for c in chunks) == line  # nothing lost


def test_a_long_block_is_cut_at_sentence_ends_first_and_anywhere_last() -> None:
    sentences = "".join(f"第{i}句，说明商务区的发展方向与重点任务。" for i in range(40))
    chunks = chunk_document("d", f"一、产业\n\n{sentences}\n", label="测试", max_chars=100)
    assert all(len(c.text) <= 100 and c.text.endswith("。") for c in chunks)
    assert "".join(c.text for c in chunks) == sentences
    assert split_at_boundaries("数" * 250, 100) == ["数" * 100, "数" * 100, "数" * 50]
    words = " ".join(f"word{i}" for i in range(100))
    pieces = split_at_boundaries(words, 60)
    assert all(len(p) <= 60 for p in pieces) and " ".join(pieces) == words  # no word cut
    assert split_at_boundaries("第1. 一句话。 第2. 二句话", 12) == ["第1. 一句话。", "第2. 二句话"]


def test_the_bound_leaves_the_bundled_documents_as_they_are() -> None:
    for doc_id, text, label in BUNDLED:
        bounded = chunk_document(doc_id, text, label=label)
        unbounded = chunk_document(doc_id, text, label=label, max_chars=10**9)
        assert [(c.chunk_id, c.text) for c in bounded] == [(c.chunk_id, c.text) for c in unbounded]
        endings = {c.text[-1] for c in bounded if c.kind == PROSE}
        assert endings == ({"。", "：", ")"} if doc_id == "notice" else {"。"})  # the notice's address and print line


def test_a_tighter_bound_still_never_cuts_a_sentence_of_the_plan() -> None:
    whole = chunk_document("plan", PLAN, label="产业发展规划", max_chars=10**9)
    sentences = [s.of(c.text) for c in whole if c.kind == PROSE for s in sentence_spans(c.text)]
    longest = max(len(s) for s in sentences)
    tight = chunk_document("plan", PLAN, label="产业发展规划", max_chars=longest)
    assert len(tight) > len(whole) and all(len(c.text) <= longest for c in tight)
    texts = "\n".join(c.text for c in tight)
    assert all(s in texts for s in sentences)


@pytest.mark.parametrize(
    "unit",
    [f"{CLAUSE}。{CLAUSE}！\n\n", f"{CLAUSE}，{CLAUSE}\n", f"{CLAUSE}，"],
    ids=["punctuated", "unpunctuated", "one-line"],
)
def test_cleaning_and_chunking_work_is_linear_in_the_input(unit: str, monkeypatch) -> None:
    import ingest.chunk
    import ingest.clean

    work = [0]

    def counted(fn):
        def wrapper(text, *args):
            work[0] += len(text)
            return fn(text, *args)

        return wrapper

    for module in (ingest.clean, ingest.chunk):
        monkeypatch.setattr(module, "strip_emphasis", counted(module.strip_emphasis))
    per_size = []
    for copies in (2_000, 8_000):
        work[0] = 0
        text = unit * copies
        chunks = chunk_document("d", text, label="测试", count_tokens=counted(estimate_tokens))
        assert max(len(c.text) for c in chunks) <= DEFAULT_MAX_CHUNK_CHARS
        per_size.append(work[0] / len(text))
    # Characters read per character of input stay the same at 4x the size (they grew 4x: quadratic, before).
    assert per_size[1] <= 1.1 * per_size[0] and per_size[1] < 20, per_size


def test_a_documents_title_and_month_are_its_cover_quoted_whole(plan_chunks) -> None:
    """The plan's own date (2022 年 8 月) is written only under its title: the two lines are a chunk of their own, a
    cover, quoted whole; the notice, dated in its signature, has none."""
    from ingest.chunk import COVER
    from ingest.units import quotable_spans

    covers = [c for c in plan_chunks if c.kind == COVER]
    assert [(c.section_path, c.text) for c in covers] == [
        (("产业发展规划",), "虹桥国际中央商务区 产业发展规划\n2022 年 8 月")
    ]
    assert [s.of(covers[0].text) for s in quotable_spans(covers[0].text, COVER)] == [covers[0].text]
    assert not [c for c in chunk_document("notice", NOTICE, label="通知") if c.kind == COVER]
