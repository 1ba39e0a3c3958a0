"""The parallel English text: complete, with every figure and name of the Chinese, and aligned with the
chunks so that editing one unit's English re-embeds only that chunk's English vector."""

import json
import shutil
from pathlib import Path

import pytest

from bot.parallel import check
from ingest.figures import figures_of, missing_figures
from ingest.pipeline import chunk_corpus
from ingest.translations import ENGLISH, ParallelText, english_records
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def bundled():
    from ingest.embed import load_embeddings

    model = load_embeddings()
    chunks, _, _ = chunk_corpus(CORPUS, model.count_tokens, min(model.max_tokens, 512) - 24)
    return chunks, ParallelText.load(CORPUS)


def test_every_unit_of_every_bundled_chunk_has_reviewed_english_and_no_entry_is_orphaned(bundled, glossary) -> None:
    chunks, parallel = bundled
    report = check(chunks, parallel, glossary)
    assert report.coverage == 1.0 and report.missing == [], report.missing[:5]
    assert report.orphans == []
    assert report.reviewed == report.translated == report.units > 500


def test_every_figure_of_every_entry_is_in_its_english(bundled, glossary) -> None:
    report = check(*bundled, glossary)
    assert report.figure_errors == []


def test_glossary_names_are_rendered_with_their_english_names(bundled, glossary) -> None:
    report = check(*bundled, glossary)
    assert report.names_checked > 600 and report.name_errors == [] and report.names_rate == 1.0


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("商品销售额超过 5000 亿元", "commodity sales of more than 500 billion yuan"),
        ("税收总额为 346 亿元", "total tax revenue of 34.6 billion yuan"),
        ("高于全市至少 2 个百分点", "at least 2 percentage points higher"),
        ("四个千亿级产业生态集群", "four industry clusters at the 100-billion-yuan level"),
        ("累计新增外资法人企业数超过 1500 家", "more than 1,500 new foreign-invested companies"),
        ("2022年9月14日印发", "issued on 14 September 2022"),
        ("沪虹商管〔2022〕76号", "Hu Hong Shang Guan [2022] No. 76"),
        ("集聚综合性总部企业数量达到 1000 家", "1,000 headquarters companies"),
        ("国企（央企）总部及第二总部", "SOE headquarters and second headquarters"),
    ],
)
def test_figure_conversions_accept_the_equivalent_english(zh, en) -> None:
    assert missing_figures(zh, en) == []


@pytest.mark.parametrize(
    ("zh", "en", "missing"),
    [
        ("商品销售额超过 5000 亿元", "commodity sales of more than 5,000 billion yuan", ["5000 亿元"]),
        ("同比增长 29.1%", "up 21.9% year on year", ["29.1%"]),
        ("2022年9月14日", "14 August 2022", ["2022年9月14日"]),
        ("打造生命新科技、汽车新势力、低碳新能源三个五百亿级产业", "build two industries", ["五百亿级", "三"]),
    ],
)
def test_a_changed_figure_is_caught(zh, en, missing) -> None:
    assert missing_figures(zh, en) == missing


def test_words_with_numerals_are_not_counts() -> None:
    assert figures_of("需围绕国内统一大市场，进一步提升") == []


def test_catalogue_rows_and_overviews_are_composed_from_their_cells(bundled) -> None:
    chunks, parallel = bundled
    row = next(c for c in chunks if c.kind == "catalogue_row" and "零碳技术研发" in c.text)
    (en,) = parallel.units_en(row, chunks)
    assert en.splitlines()[0].startswith("Sub-field: ") and en.splitlines()[1].startswith("Direction: ")
    overview = next(c for c in chunks if c.kind == "catalogue_overview" and "汽车新势力" in c.section)
    (text,) = parallel.units_en(overview, chunks)
    assert "New Automotive Forces" in text and text.count("(") >= 3


def test_editing_one_units_english_changes_only_that_chunks_english_record(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    chunks, _, _ = chunk_corpus(corpus)
    before = {r.extra["chunk"]: r.chunk_id for r in english_records(chunks, ParallelText.load(corpus))}
    path = corpus / "translations" / "hongqiao-cbd-industry-plan-2022.en.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(i for i, ln in enumerate(lines) if json.loads(ln)["zh"] == "北虹桥片区。")
    entry = json.loads(lines[i])
    lines[i] = json.dumps(entry | {"en": "The North Hongqiao Zone."}, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = english_records(chunks, ParallelText.load(corpus))
    after = {r.extra["chunk"]: r.chunk_id for r in records}
    changed = [cid for cid in before if before[cid] != after[cid]]
    assert len(changed) == 1 and all(r.kind == ENGLISH for r in records)


def test_missing_and_orphaned_entries_are_listed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    plan = corpus / "hongqiao-cbd-industry-plan-2022.txt"
    plan.write_text(plan.read_text(encoding="utf-8").replace("一、发展基础\n", "一、发展基础\n\n新增的一句话。\n", 1))
    path = corpus / "translations" / "hongqiao-cbd-notice-2022-76.en.jsonl"
    path.write_text(
        path.read_text(encoding="utf-8") + '{"kind": "sentence", "zh": "不存在的句子。", "en": "x"}\nbroken\n'
    )
    chunks, _, _ = chunk_corpus(corpus)
    parallel = ParallelText.load(corpus)
    assert ("hongqiao-cbd-industry-plan-2022", "sentence", "新增的一句话。") in parallel.missing(chunks)
    assert ("hongqiao-cbd-notice-2022-76", "不存在的句子。") in parallel.orphans(chunks)
    assert len(parallel.problems) == 1 and "is not a translation entry" in parallel.problems[0]


def _corpus_with_a_new_sentence(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    plan = corpus / "hongqiao-cbd-industry-plan-2022.txt"
    text = plan.read_text(encoding="utf-8").replace("一、发展基础\n", "一、发展基础\n\n到2025年新增企业 300 家。\n", 1)
    plan.write_text(text, encoding="utf-8")
    return corpus


def test_translate_lists_what_is_missing_and_fill_needs_an_llm(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    monkeypatch.setenv("HQBOT_CORPUS_DIR", str(_corpus_with_a_new_sentence(tmp_path)))
    listed = CliRunner().invoke(main, ["translate", "--missing", "--json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout)[0]["zh"] == "到2025年新增企业 300 家。"
    checked = CliRunner().invoke(main, ["translate"])
    assert checked.exit_code == 1 and "526/527 units translated" in checked.stdout
    no_llm = CliRunner().invoke(main, ["translate", "--fill"])
    assert no_llm.exit_code == 1 and "No LLM is configured" in no_llm.stderr


def test_fill_drafts_unreviewed_entries_and_refuses_a_draft_that_drops_a_figure(tmp_path: Path, glossary) -> None:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    from bot.parallel import fill, write_filled

    missing = [("doc", "sentence", "到2025年新增企业 300 家。"), ("doc", "sentence", "税收 346 亿元。")]
    model = GenericFakeChatModel(messages=iter(["By 2025, 300 new companies.", "Tax revenue of 3.46 billion."]))
    drafts, problems = fill(missing, model, glossary)
    assert [e.en for _, e in drafts] == ["By 2025, 300 new companies."] and not drafts[0][1].reviewed
    assert len(problems) == 1 and "346 亿元" in problems[0]
    path = write_filled(tmp_path, "doc", [e for _, e in drafts])
    assert ParallelText.load(tmp_path).english("doc", "到2025年新增企业 300 家。") == "By 2025, 300 new companies."
    assert json.loads(path.read_text(encoding="utf-8"))["reviewed"] is False
