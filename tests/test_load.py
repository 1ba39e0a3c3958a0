"""Loading the corpus folder: every supported format, and every kind of bad file named and skipped."""

from pathlib import Path

import pytest

from bot.errors import CorpusError
from ingest.load import load_corpus


def _pdf(path: Path, lines: list[str]) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(lines):
        c.drawString(50, 800 - 20 * i, line)
    c.save()


def _docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("虹桥测试文件", level=1)
    d.add_paragraph("东虹桥片区重点发展航空服务经济。")
    table = d.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["细分领域", "发展方向", "发展重点"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["临空服务", "航空总部", "航空公司总部"], strict=True):
        cell.text = text
    d.save(str(path))


def test_reads_txt_md_pdf_and_docx(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("一、基础\n\n南虹桥片区重点发展高端医疗服务。", encoding="utf-8")
    (tmp_path / "b.md").write_text("# 标题\n\n**加粗**的内容。", encoding="utf-8")
    _pdf(tmp_path / "c.pdf", ["一、测试章节", "北虹桥片区重点发展汽车新势力。"])
    _docx(tmp_path / "d.docx")
    (tmp_path / "glossary.yaml").write_text("terms: []", encoding="utf-8")  # not a document
    result = load_corpus(tmp_path)
    assert result.problems == []
    texts = {d.path.name: d.text for d in result.documents}
    assert set(texts) == {"a.txt", "b.md", "c.pdf", "d.docx"}
    assert "北虹桥片区重点发展汽车新势力" in texts["c.pdf"]
    assert "# 虹桥测试文件" in texts["d.docx"]
    assert "临空服务\t航空总部\t航空公司总部" in texts["d.docx"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty.txt is empty"),
        ("blank.md", b"   \n\n", "blank.md is empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary.txt looks like a binary file"),
        ("gbk.txt", "虹桥国际中央商务区产业发展规划".encode("gb18030"), "gbk.txt is not UTF-8 text"),
        ("odd.txt", b"\xff\xfe\x41", "odd.txt is not valid UTF-16 text"),
        ("broken.pdf", b"%PDF-1.4\n this is not a pdf", "broken.pdf is not a readable PDF"),
        ("fake.docx", b"PK\x03\x04 not really a zip", "fake.docx is not a readable Word file"),
    ],
)
def test_bad_file_is_named_and_skipped(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / "good.txt").write_text("西虹桥片区重点布局会展经济。", encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    result = load_corpus(tmp_path)
    assert [d.path.name for d in result.documents] == ["good.txt"]
    assert len(result.problems) == 1
    assert result.problems[0].startswith(message)
    assert result.problems[0].count(".") <= 2  # one sentence


def test_scanned_pdf_without_text_is_skipped(tmp_path: Path) -> None:
    _pdf(tmp_path / "scan.pdf", [])
    (tmp_path / "good.txt").write_text("内容。", encoding="utf-8")
    result = load_corpus(tmp_path)
    assert "scan.pdf has no extractable text" in result.problems[0]


def test_missing_and_empty_folders_raise(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="has no documents"):
        load_corpus(tmp_path / "empty")


def test_manifest_titles_apply(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("内容。", encoding="utf-8")
    (tmp_path / "documents.yaml").write_text("x.txt:\n  title: 标题\n  label: 短名\n", encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    assert (doc.title, doc.label, doc.doc_id) == ("标题", "短名", "x")


# --- the corpus folder is the boundary -------------------------------------------------------------------
def _corpus_with_good_file(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("西虹桥片区重点布局会展经济。", encoding="utf-8")
    return corpus


def test_a_link_to_a_file_outside_the_corpus_is_skipped_with_a_warning(tmp_path: Path) -> None:
    corpus = _corpus_with_good_file(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("root:x:0:0:root:/root:/bin/bash。", encoding="utf-8")
    (corpus / "leak.txt").symlink_to(outside / "secret.txt")
    (corpus / "up.txt").symlink_to(Path("..") / "outside" / "secret.txt")  # relative, climbing out
    (corpus / "etc").symlink_to(outside, target_is_directory=True)  # a folder outside
    result = load_corpus(corpus)
    assert [d.path.name for d in result.documents] == ["good.txt"]
    assert not any("root:x" in d.text for d in result.documents)
    for link in ("leak.txt", "up.txt", "etc"):
        (problem,) = [p for p in result.problems if p.startswith(f"{link} ")]
        assert "outside the corpus folder" in problem and "secret" not in problem


def test_a_link_inside_the_corpus_is_read(tmp_path: Path) -> None:
    corpus = _corpus_with_good_file(tmp_path)
    (corpus / "sub").mkdir()
    (corpus / "sub" / "real.txt").write_text("南虹桥片区重点发展高端医疗服务。", encoding="utf-8")
    (corpus / "alias.txt").symlink_to(Path("sub") / "real.txt")
    result = load_corpus(corpus)
    assert result.problems == []
    assert {d.doc_id for d in result.documents} == {"alias", "good", "sub/real"}


def test_pipes_devices_and_broken_links_are_skipped_with_a_warning(tmp_path: Path) -> None:
    import os
    import stat

    corpus = _corpus_with_good_file(tmp_path)
    os.mkfifo(corpus / "pipe.txt")  # reading it would block ingest for ever
    (corpus / "gone.txt").symlink_to(corpus / "missing.txt")
    expected = {"pipe.txt": "not a regular file", "gone.txt": "broken link"}
    try:
        os.mknod(corpus / "device.md", 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        expected["device.md"] = "not a regular file"
    except (PermissionError, OSError):
        pass  # no CAP_MKNOD here: the pipe stands for it
    result = load_corpus(corpus)
    assert [d.path.name for d in result.documents] == ["good.txt"]
    for name, words in expected.items():
        assert any(p.startswith(f"{name} ") and words in p for p in result.problems), (name, result.problems)


def test_a_file_name_that_is_not_utf8_is_reported_by_its_escaped_name(tmp_path: Path) -> None:
    import os

    corpus = _corpus_with_good_file(tmp_path)
    with open(os.path.join(os.fsencode(corpus), b"caf\xe9.txt"), "wb") as f:
        f.write("南虹桥片区重点发展高端医疗服务。".encode())
    os.mkdir(os.path.join(os.fsencode(corpus), b"dir\xff"))
    with open(os.path.join(os.fsencode(corpus), b"dir\xff", b"inner.txt"), "wb") as f:
        f.write("内容。".encode())
    result = load_corpus(corpus)
    assert [d.path.name for d in result.documents] == ["good.txt"]
    assert any(p.startswith("caf\\xe9.txt ") and "not valid UTF-8" in p for p in result.problems), result.problems
    assert any(p.startswith("dir\\xff ") for p in result.problems)
    for problem in result.problems:
        problem.encode("utf-8")  # printable anywhere


def test_two_files_that_differ_only_in_extension_keep_the_first(tmp_path: Path) -> None:
    corpus = _corpus_with_good_file(tmp_path)
    (corpus / "good.md").write_text("同名的另一个文件。", encoding="utf-8")
    result = load_corpus(corpus)
    assert [d.path.name for d in result.documents] == ["good.md"]
    assert result.problems == ["good.txt has the same name as good.md but for its extension; skipped it."]
