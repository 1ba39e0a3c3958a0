"""Load the corpus folder: plain text and markdown as UTF-8, PDF through pypdf, Word through python-docx.

A file that cannot be read becomes a one-sentence problem naming it; the other files still load.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.errors import CorpusError, DocumentError

logger = logging.getLogger(__name__)

#: File types ingest reads; anything else in the corpus folder (the glossary, the manifest) is not a document.
DOCUMENT_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
MANIFEST = "documents.yaml"


@dataclass(frozen=True)
class SourceDocument:
    """One corpus file's text and the metadata citations show."""

    doc_id: str
    path: Path
    text: str
    title: str | None = None
    label: str | None = None
    title_en: str | None = None
    label_en: str | None = None

    @property
    def source(self) -> str:
        """The file name as cited."""
        return self.path.name


@dataclass
class LoadResult:
    """What loading the corpus produced: the documents and one message per file that failed."""

    documents: list[SourceDocument] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise DocumentError(f"{path.name} is empty; skipped it.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{path.name} looks like a binary file, not text; skipped it.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{path.name} is not UTF-8 text (byte {exc.start} cannot be decoded); save it as UTF-8 and ingest again."
        ) from None


def _load_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{path.name} is an encrypted PDF; skipped it.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{path.name} is not a readable PDF ({type(exc).__name__}); skipped it.") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise DocumentError(f"{path.name} has no extractable text (a scanned PDF needs OCR first); skipped it.")
    return text


def _load_docx(path: Path) -> str:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for a broken file
        raise DocumentError(f"{path.name} is not a readable Word file ({type(exc).__name__}); skipped it.") from None
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            lines.append("")
            for row in item.rows:
                lines.append("\t".join(cell.text.replace("\n", " ").strip() for cell in row.cells))
            lines.append("")
            continue
        text = item.text.strip()
        style = (item.style.name if item.style is not None else "") or ""
        if text and style.startswith("Heading") and style[-1:].isdigit():
            text = "#" * int(style[-1]) + " " + text
        lines.append(text)
        lines.append("")
    text = "\n".join(lines)
    if not text.strip():
        raise DocumentError(f"{path.name} has no text; skipped it.")
    return text


def load_file(path: Path) -> str:
    """The raw text of one corpus file; raises DocumentError with a one-sentence message."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return _load_pdf(path)
        if suffix == ".docx":
            return _load_docx(path)
        return _decode(path, path.read_bytes())
    except PermissionError:
        raise DocumentError(f"{path.name} cannot be read (permission denied); skipped it.") from None


def _manifest(corpus_dir: Path) -> dict[str, dict[str, str]]:
    path = corpus_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        logger.warning("%s is not valid YAML; document titles come from the files themselves.", MANIFEST)
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def discover(corpus_dir: Path) -> list[Path]:
    """The document files under the corpus folder, in a stable order."""
    if not corpus_dir.exists():
        raise CorpusError(f"The corpus folder {corpus_dir} does not exist: create it or set HQBOT_CORPUS_DIR.")
    if not corpus_dir.is_dir():
        raise CorpusError(f"The corpus path {corpus_dir} is not a folder: set HQBOT_CORPUS_DIR to a folder.")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.startswith((".", "~$"))
    )


def load_corpus(corpus_dir: Path) -> LoadResult:
    """Load every document in the corpus folder; raise CorpusError when there is none."""
    files = discover(corpus_dir)
    if not files:
        raise CorpusError(f"The corpus folder {corpus_dir} has no documents: add .txt, .md, .pdf or .docx files.")
    manifest = _manifest(corpus_dir)
    result = LoadResult()
    for path in files:
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            text = load_file(path)
        except DocumentError as exc:
            result.problems.append(str(exc))
            continue
        meta = manifest.get(rel, manifest.get(path.name, {}))
        result.documents.append(
            SourceDocument(
                doc_id=rel.rsplit(".", 1)[0],
                path=path,
                text=text,
                title=meta.get("title"),
                label=meta.get("label"),
                title_en=meta.get("title_en"),
                label_en=meta.get("label_en"),
            )
        )
    return result
