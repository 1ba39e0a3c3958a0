"""End to end with the real bundled model: the whole corpus ingested, English and typo-laden questions
find their passages, the CLI answers in JSON."""

import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from ingest.embed import load_embeddings

pytestmark = pytest.mark.slow


def _sections(answer) -> list[str]:
    return [c.section for c in answer.contexts]


def test_english_question_finds_the_north_hongqiao_passage(real_assistant) -> None:
    answer = real_assistant.ask("Which zone focuses on new energy vehicles?")
    assert any(s.endswith("北虹桥片区") for s in _sections(answer))
    assert not answer.abstained and any("北虹桥片区" in c.quote for c in answer.citations)
    assert "North Hongqiao" in answer.text and any("North Hongqiao" in (c.section_en or "") for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("虹乔商务区对离岸贸易是怎么规划的", "离岸转手买卖"),
        ("What does Hongqaio north focus on?", "北虹桥片区"),
        ("Does the catalogue mention O2O retail?", "020 零售"),
        ("会展经济到2025年要办多少场国际性会展？", "100 场"),
        ("Where is the Beidou navigation base?", "北斗"),
    ],
)
def test_typos_and_paraphrases_still_find_the_passage(real_assistant, question, expected) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained, answer.reason
    assert expected in answer.text + "".join(c.text for c in answer.citations)


def test_two_section_question_cites_both(real_assistant) -> None:
    answer = real_assistant.ask("汽车新势力主要放在哪个片区？到2025年要做到多大规模")
    sections = " ".join(c.section for c in answer.citations)
    assert "北虹桥片区" in sections and "产业目标" in sections


def test_every_chunk_fits_the_model_window(real_assistant) -> None:
    model = load_embeddings()
    longest = max(
        model.count_tokens(c.metadata["section"] + "\n" + c.text) for c in real_assistant.engine.retriever.chunks
    )
    assert longest <= 512


def test_cli_ask_json(real_settings, monkeypatch) -> None:
    monkeypatch.setenv("HQBOT_DATA_DIR", str(real_settings.data_dir))
    result = CliRunner().invoke(main, ["ask", "--json", "南虹桥片区重点发展哪些产业？"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["abstained"] is False and "高端医疗服务" in data["answer"]
    assert all(c["quote"] in c["text"] for c in data["citations"])
    assert {"chunk_id", "text", "score"} <= data["contexts"][0].keys() and data["latency_ms"] > 0


def test_cli_ask_errors(real_settings, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HQBOT_DATA_DIR", str(real_settings.data_dir))
    result = CliRunner().invoke(main, ["ask", "x" * 2001])
    assert result.exit_code == 1 and "limit is 2,000" in result.stderr and "Traceback" not in result.output
    monkeypatch.setenv("HQBOT_DATA_DIR", str(tmp_path / "nothing"))
    result = CliRunner().invoke(main, ["ask", "北虹桥片区重点发展哪些产业？"])
    assert result.exit_code == 1 and "run `hqbot ingest` first" in result.stderr
