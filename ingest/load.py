"""Load the corpus folder: plain text and markdown as UTF-8, PDF through pypdf, Word through python-docx.

The folder is the boundary: only regular files inside it are read (a link is followed only when its target
is inside too). A file that cannot be read becomes a one-sentence problem naming it; the other files still load.
"""

from __future__ import annotations

import io
import logging
import os
import stat
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
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"{path.name} is not valid UTF-16 text (byte {exc.start} cannot be decoded); save it as UTF-8."
            ) from None
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{path.name} looks like a binary file, not text; skipped it.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{path.name} is not UTF-8 text (byte {exc.start} cannot be decoded); save it as UTF-8 and ingest again."
        ) from None


def _load_pdf(path: Path, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
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


def _load_docx(path: Path, data: bytes) -> str:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
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


def load_file(path: Path, root: Path | None = None) -> str:
    """The raw text of one corpus file (inside `root` when given); raises DocumentError with a one-sentence message."""
    data = read_inside(path, root or path.parent)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _load_pdf(path, data)
    if suffix == ".docx":
        return _load_docx(path, data)
    return _decode(path, data)


def read_inside(path: Path, root: Path) -> bytes:
    """The bytes of a regular file whose real path is inside `root`; DocumentError for anything else.

    Checked again when the file is opened, so a file swapped for a link after the folder was listed is refused.
    """
    try:
        real = path.resolve(strict=True)
        if not real.is_relative_to(root.resolve()):
            raise DocumentError(f"{path.name} links outside the corpus folder; skipped it.")
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except PermissionError:
        raise DocumentError(f"{path.name} cannot be read (permission denied); skipped it.") from None
    except (OSError, RuntimeError) as exc:  # gone, a link loop, swapped for a link
        raise DocumentError(f"{path.name} cannot be read ({type(exc).__name__}); skipped it.") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise DocumentError(f"{path.name} is not a regular file; skipped it.")
        try:
            return f.read()
        except OSError as exc:
            raise DocumentError(f"{path.name} cannot be read ({type(exc).__name__}); skipped it.") from None


def _manifest(corpus_dir: Path) -> dict[str, dict[str, str]]:
    path = corpus_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(read_inside(path, corpus_dir).decode("utf-8")) or {}
    except DocumentError as exc:
        logger.warning("%s Document titles come from the files themselves.", exc)
        return {}
    except (yaml.YAMLError, UnicodeDecodeError):
        logger.warning("%s is not valid YAML; document titles come from the files themselves.", MANIFEST)
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


@dataclass
class Scan:
    """The document files inside the corpus folder, and one message for each entry that was skipped."""

    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _printable(rel: str) -> str:
    """A relative path as it can be printed: bytes that are not UTF-8 shown as `\\xe9`."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _is_document(name: str) -> bool:
    return Path(name).suffix.lower() in DOCUMENT_SUFFIXES and not name.startswith((".", "~$"))


def _check_link(path: Path, root: Path, label: str, is_doc: bool) -> tuple[bool, str | None]:
    """(read it?, the problem to report) for a link in the corpus folder."""
    try:
        target = path.resolve(strict=True)
        mode = target.stat().st_mode
    except (OSError, RuntimeError):  # a missing target or a loop
        return False, f"{label} is a broken link; skipped it." if is_doc else None
    if not is_doc and not stat.S_ISDIR(mode):
        return False, None  # not a document: ingest never reads it
    if not target.is_relative_to(root):
        return False, f"{label} links outside the corpus folder; skipped it (copy the file in if it belongs there)."
    if stat.S_ISDIR(mode):
        return False, f"{label} is a link to a folder; skipped it (links to folders are not followed)."
    if not stat.S_ISREG(mode):
        return False, f"{label} is not a regular file (it links to {_special(mode)}); skipped it."
    return True, None


def scan(corpus_dir: Path) -> Scan:
    """The document files inside the corpus folder, in a stable order, and a message for each one skipped:
    links that leave the folder or are broken, pipes, devices, and names that are not valid UTF-8."""
    if not corpus_dir.exists():
        raise CorpusError(f"The corpus folder {corpus_dir} does not exist: create it or set HQBOT_CORPUS_DIR.")
    if not corpus_dir.is_dir():
        raise CorpusError(f"The corpus path {corpus_dir} is not a folder: set HQBOT_CORPUS_DIR to a folder.")
    root = corpus_dir.resolve()
    result = Scan()
    pending = [corpus_dir]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            where = _printable(folder.relative_to(corpus_dir).as_posix())
            result.problems.append(f"{where} cannot be listed ({type(exc).__name__}); skipped it.")
            continue
        for entry in entries:
            path = Path(entry.path)
            label = _printable(path.relative_to(corpus_dir).as_posix())
            is_doc = _is_document(entry.name)
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue  # removed while listing
            is_dir = stat.S_ISDIR(mode)
            if _printable(entry.name) != entry.name:
                if is_doc or is_dir:
                    result.problems.append(f"{label} has a name that is not valid UTF-8; skipped it (rename it).")
                continue
            if stat.S_ISLNK(mode):
                read, problem = _check_link(path, root, label, is_doc)
                if problem:
                    result.problems.append(problem)
                if read:
                    result.files.append(path)
            elif is_dir:
                pending.append(path)
            elif is_doc and not stat.S_ISREG(mode):
                result.problems.append(f"{label} is not a regular file ({_special(mode)}); skipped it.")
            elif is_doc:
                result.files.append(path)
    result.files.sort()
    result.problems.sort()
    return result


def discover(corpus_dir: Path) -> list[Path]:
    """The document files inside the corpus folder, in a stable order (see `scan` for what is skipped)."""
    return scan(corpus_dir).files


def load_corpus(corpus_dir: Path) -> LoadResult:
    """Load every document in the corpus folder; raise CorpusError when there is none."""
    found = scan(corpus_dir)
    result = LoadResult(problems=list(found.problems))
    if not found.files:
        detail = f" ({found.problems[0]})" if found.problems else ""
        raise CorpusError(
            f"The corpus folder {corpus_dir} has no documents: add .txt, .md, .pdf or .docx files{detail}."
        )
    manifest = _manifest(corpus_dir)
    ids: dict[str, str] = {}
    for path in found.files:
        rel = path.relative_to(corpus_dir).as_posix()
        doc_id = rel.rsplit(".", 1)[0]
        if doc_id in ids:
            result.problems.append(f"{rel} has the same name as {ids[doc_id]} but for its extension; skipped it.")
            continue
        try:
            text = load_file(path, corpus_dir)
        except DocumentError as exc:
            result.problems.append(str(exc))
            continue
        ids[doc_id] = rel
        meta = manifest.get(rel, manifest.get(path.name, {}))
        result.documents.append(
            SourceDocument(
                doc_id=doc_id,
                path=path,
                text=text,
                title=meta.get("title"),
                label=meta.get("label"),
                title_en=meta.get("title_en"),
                label_en=meta.get("label_en"),
            )
        )
    return result
