"""Reading a theme package (a zip or a folder) into memory, refusing anything unsafe first.

Nothing is written anywhere while reading: the zip's central directory is checked (entry count,
names, duplicates, symlinks, overlapping entries), then every member is decompressed in chunks
with the bytes actually produced counted against the caps (the sizes in the headers are not
trusted). Only the path allowlist's files come back, as ``{path: bytes}``.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_RATIO = 100
CHUNK = 64 * 1024

TEXT_EXTENSIONS = frozenset({".json", ".html", ".css", ".md", ".txt"})
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})
FONT_EXTENSIONS = frozenset({".woff", ".woff2"})
ALLOWED_EXTENSIONS = TEXT_EXTENSIONS | IMAGE_EXTENSIONS | FONT_EXTENSIONS
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$")
_IGNORED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$)")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package: the file inside it, a JSON pointer (or ``line N``)."""

    file: str
    pointer: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "pointer": self.pointer, "message": self.message}

    def __str__(self) -> str:
        return f"{self.file or '(package)'}: {self.pointer or '/'}: {self.message}"


class PackageRefused(Exception):
    """The package cannot be used; ``problems`` says why, file by file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


def _refuse(name: str, message: str) -> PackageRefused:
    return PackageRefused([Problem(name, "", message)])


def check_name(name: str) -> str | None:
    """Why ``name`` (a path inside the package) is refused, or None."""
    if "\\" in name:
        return "backslashes are not allowed in paths"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute paths are not allowed"
    if any(part in ("..", ".") for part in name.split("/")):
        return "'..' and '.' are not allowed in paths"
    if len(name) > 200 or not _SAFE_PATH.match(name):
        return "paths may use only letters, digits, '_', '-', '.' and '/'"
    if PurePosixPath(name).suffix.lower() not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(sorted(ALLOWED_EXTENSIONS))
        if name.lower().endswith(".svg"):
            return "SVG files are not accepted (they can carry scripts); use PNG or WebP"
        return f"file type not allowed; use one of {allowed}"
    return None


def read_zip(data: bytes) -> dict[str, bytes]:
    """The files of a zipped package; raises :class:`PackageRefused` before keeping anything."""
    if len(data) > MAX_ZIP_BYTES:
        raise _refuse("", f"the zip is larger than {MAX_ZIP_BYTES // (1024 * 1024)} MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse("", f"not a zip file: {exc}") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _refuse("", f"the zip has {len(infos)} entries; at most {MAX_ENTRIES}")
        members = _check_directory(infos, len(data))
        files: dict[str, bytes] = {}
        total = 0
        for info, name in members:
            content = _read_member(archive, info, name, MAX_TOTAL_BYTES - total)
            total += len(content)
            files[name] = content
    return strip_top_folder(files)


def _check_directory(infos: list[zipfile.ZipInfo],
                     archive_size: int) -> list[tuple[zipfile.ZipInfo, str]]:
    problems: list[Problem] = []
    members: list[tuple[zipfile.ZipInfo, str]] = []
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            problems.append(Problem(name, "", "symbolic links are not allowed"))
            continue
        if info.flag_bits & 0x1:
            problems.append(Problem(name, "", "encrypted entries are not allowed"))
            continue
        folded = name.lower().rstrip("/")
        if folded in seen:
            problems.append(Problem(name, "", "the same name appears twice in the zip"))
            continue
        seen.add(folded)
        if name.endswith("/") or _IGNORED.search(name):
            if name.endswith("/") and (reason := check_name(name.rstrip("/") + "/x.json")):
                problems.append(Problem(name, "", reason))
            continue
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            problems.append(Problem(name, "", "only regular files are allowed"))
            continue
        reason = check_name(name)
        if reason:
            problems.append(Problem(name, "", reason))
            continue
        if info.file_size > MAX_FILE_BYTES:
            problems.append(Problem(name, "", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"))
            continue
        members.append((info, name))
    problems += _overlaps(infos, archive_size)
    if problems:
        raise PackageRefused(problems)
    return members


def _overlaps(infos: list[zipfile.ZipInfo], archive_size: int) -> list[Problem]:
    """Entries whose data would share bytes (the trick behind non-recursive zip bombs)."""
    spans = sorted(infos, key=lambda i: i.header_offset)
    problems: list[Problem] = []
    for here, after in zip(spans, [*spans[1:], None], strict=True):
        end = here.header_offset + 30 + len(here.orig_filename.encode()) + here.compress_size
        limit = after.header_offset if after is not None else archive_size
        if end > limit:
            problems.append(Problem(here.filename, "", "zip entries overlap; the zip is "
                                                       "malformed or a zip bomb"))
    return problems


#: What theme packages may use (what `mallkit theme package` writes); others are refused.
COMPRESSIONS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                 budget: int) -> bytes:
    """Decompress one member, counting the bytes produced (headers are not trusted)."""
    if info.compress_type not in COMPRESSIONS:
        raise _refuse(name, "uses a compression method other than stored or deflate")
    allowed = min(MAX_FILE_BYTES, budget, max(info.compress_size, 1) * MAX_RATIO + 4096)
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                out += chunk
                if len(out) > allowed:
                    raise _refuse(name, _why_too_big(len(out), info, budget))
    except PackageRefused:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _refuse(name, f"cannot be read from the zip: {exc}") from None
    return bytes(out)


def _why_too_big(produced: int, info: zipfile.ZipInfo, budget: int) -> str:
    if produced > budget:
        return (f"the package unpacks to more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB; "
                "refused as a zip bomb")
    if produced > MAX_FILE_BYTES:
        return f"unpacks to more than {MAX_FILE_BYTES // (1024 * 1024)} MB"
    return (f"unpacks to more than {MAX_RATIO} times its compressed size "
            f"({info.compress_size} bytes); refused as a zip bomb")


def strip_top_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """A zip made of one folder (``mytheme/theme.json`` ...) is read as that folder."""
    if "theme.json" in files or not files:
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in n for n in files):
        top = tops.pop() + "/"
        return {name.removeprefix(top): content for name, content in files.items()}
    return files


def read_folder(folder: Path) -> dict[str, bytes]:
    """The files of a package folder, with the same name, type and size rules as a zip."""
    folder = folder.resolve()
    problems: list[Problem] = []
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if _IGNORED.search(name) or any(p.startswith(".") for p in name.split("/")):
            continue
        if path.is_symlink():
            problems.append(Problem(name, "", "symbolic links are not allowed"))
            continue
        if path.is_dir():
            continue
        reason = check_name(name)
        if reason is None and path.stat().st_size > MAX_FILE_BYTES:
            reason = f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
        if reason:
            problems.append(Problem(name, "", reason))
            continue
        files[name] = path.read_bytes()
        total += len(files[name])
        if len(files) > MAX_ENTRIES or total > MAX_TOTAL_BYTES:
            raise _refuse("", "the package has too many files or is too large")
    if problems:
        raise PackageRefused(problems)
    return files


def read_package(source: Path) -> dict[str, bytes]:
    """A package from a ``.zip`` file or a folder."""
    if source.is_dir():
        return read_folder(source)
    return read_zip(source.read_bytes())


def write_zip(files: dict[str, bytes]) -> bytes:
    """The zip of a package's files, in a stable order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def iter_text(files: dict[str, bytes], suffix: str) -> Iterator[tuple[str, str | None]]:
    """``(name, text)`` of the files ending in ``suffix``; text None when not UTF-8."""
    for name in sorted(files):
        if name.endswith(suffix):
            try:
                yield name, files[name].decode("utf-8")
            except UnicodeDecodeError:
                yield name, None
