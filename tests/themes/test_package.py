"""Theme packages: the reader refuses unsafe zips before keeping anything, with memory bounded;
the checks name the file and pointer of each problem; templates run in the sandbox."""

from __future__ import annotations

import io
import json
import stat
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from runtime.cli import cli
from runtime.pages.registries import default_registries
from runtime.themes import package
from runtime.themes.checks import check_theme
from runtime.themes.package import PackageRefused, read_folder, read_zip, write_zip
from runtime.themes.registry import THEMES_DIR


def default_files(changes: dict[str, bytes | None] | None = None) -> dict[str, bytes]:
    """The default theme's files with some replaced (None: removed)."""
    files = read_folder(THEMES_DIR / "default")
    for name, content in (changes or {}).items():
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    return files


def zip_of(*entries: tuple[zipfile.ZipInfo | str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, content in entries:
            archive.writestr(info, content)
    return buffer.getvalue()


def refused(data: bytes) -> list[tuple[str, str]]:
    with pytest.raises(PackageRefused) as caught:
        read_zip(data)
    return [(p.file, p.message) for p in caught.value.problems]


def check(files: dict[str, bytes]) -> list[tuple[str, str, str]]:
    with pytest.raises(PackageRefused) as caught:
        check_theme(files, default_registries().blocks)
    return [(p.file, p.pointer, p.message) for p in caught.value.problems]


MANIFEST = (THEMES_DIR / "default" / "theme.json").read_bytes()


@pytest.mark.parametrize(("name", "reason"), [
    ("../x.json", "'..'"),
    ("assets/../../x.css", "'..'"),
    ("/abs.json", "absolute"),
    ("C:/x.json", "absolute"),
    ("..\\x.json", "backslash"),
    ("assets/run.sh", "file type not allowed"),
    ("assets/logo.svg", "SVG"),
    ("assets/a b.css", "letters, digits"),
])
def test_unsafe_names_are_refused(name, reason):
    problems = refused(zip_of(("theme.json", MANIFEST), (zipfile.ZipInfo(name), b"x")))
    assert problems[0][0] == name and reason in problems[0][1]


def test_symlinks_are_refused():
    link = zipfile.ZipInfo("assets/theme.css")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert refused(zip_of(("theme.json", MANIFEST), (link, b"/etc/passwd"))) == [
        ("assets/theme.css", "symbolic links are not allowed")]


def test_duplicate_names_are_refused():
    with pytest.warns(UserWarning, match="Duplicate name"):
        twice = zip_of(("theme.json", MANIFEST), ("theme.json", MANIFEST))
    assert refused(twice) == [("theme.json", "the same name appears twice in the zip")]
    by_case = zip_of(("theme.json", MANIFEST), ("Theme.JSON", MANIFEST))
    assert ("Theme.JSON", "the same name appears twice in the zip") in refused(by_case)


def test_too_many_entries_are_refused():
    data = zip_of(*((f"assets/{i}.css", b"") for i in range(package.MAX_ENTRIES + 1)))
    assert "at most 2000" in refused(data)[0][1]


def test_a_zip_inside_the_zip_is_refused():
    inner = zip_of(("theme.json", MANIFEST))
    assert "file type not allowed" in refused(zip_of(("assets/42.zip", inner)))[0][1]


def test_high_ratio_bomb_is_stopped_early_with_memory_bounded():
    data = zip_of(("assets/bomb.css", b"\0" * (9 * 1024 * 1024)))
    assert len(data) < 20_000
    tracemalloc.start()
    try:
        problems = refused(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "zip bomb" in problems[0][1]
    assert peak < 16 * 1024 * 1024


def test_total_unpacked_size_is_capped(monkeypatch):
    monkeypatch.setattr(package, "MAX_TOTAL_BYTES", 200_000)
    chunk = bytes(range(256)) * 400  # ~100 KB that barely compresses
    data = zip_of(*((f"assets/{i}.css", chunk) for i in range(3)))
    assert "unpacks to more than" in refused(data)[0][1]


def _central_records(data: bytes) -> list[int]:
    offsets, start = [], 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        offsets.append(found)
        start = found + 4
    return offsets


def test_overlapping_entries_are_refused():
    data = bytearray(zip_of(("assets/a.css", b"a" * 1000), ("assets/b.css", b"b" * 1000)))
    second = _central_records(bytes(data))[1]
    data[second + 42:second + 46] = struct.pack("<I", 0)  # b's data offset -> a's
    assert any("overlap" in message for _name, message in refused(bytes(data)))


def test_forged_sizes_are_not_trusted():
    data = bytearray(zip_of(("assets/a.css", b"body{}" * 5000)))
    record = _central_records(bytes(data))[0]
    data[record + 24:record + 28] = struct.pack("<I", 10)  # uncompressed size: 10 bytes
    problems = refused(bytes(data))
    assert problems[0][0] == "assets/a.css"


def test_bad_magic_bytes_and_svg_are_refused():
    problems = check(default_files({
        "assets/logo.png": b"GIF89a not a png", "assets/fake.webp": b"RIFF0000WAVE"}))
    assert ("assets/logo.png", "", "the content is not a PNG file") in problems
    assert ("assets/fake.webp", "", "the content is not a WEBP file") in problems
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "SVG" in refused(zip_of(("theme.json", MANIFEST), ("assets/x.svg", svg)))[0][1]


def test_a_zip_of_one_folder_is_read_as_that_folder():
    files = default_files()
    data = zip_of(*((f"mytheme/{n}", c) for n, c in files.items()),
                  (zipfile.ZipInfo("mytheme/"), b""))
    assert read_zip(data) == files
    assert check_theme(read_zip(data), default_registries().blocks).id == "default"


def test_round_trip_of_the_bundled_themes():
    for theme in ("default", "fresh"):
        files = read_folder(THEMES_DIR / theme)
        assert check_theme(read_zip(write_zip(files)), default_registries().blocks).id == theme


def test_problems_name_file_and_pointer():
    manifest = json.loads(MANIFEST)
    manifest["version"] = "1.0"
    manifest["settings"]["properties"]["radius"].pop("default")
    home = json.loads((THEMES_DIR / "default" / "presets" / "home.json").read_bytes())
    home["blocks"][0]["type"] = "no-such-block"
    problems = check(default_files({
        "theme.json": json.dumps(manifest).encode(), "presets/home.json": json.dumps(home).encode(),
        "presets/cart.json": None, "notes.pdf.txt": b"", "blocks/nope.html": b"x"}))
    pointers = {(p[0], p[1]) for p in problems}
    assert {("theme.json", "/version"),
            ("theme.json", "/settings/properties/radius/default")} <= pointers
    assert any(p[:2] == ("blocks/nope.html", "") and "unknown block type" in p[2]
               for p in problems)
    assert any(p[0] == "notes.pdf.txt" for p in problems)
    fixed = default_files({"presets/home.json": json.dumps(home).encode()})
    home_problems = check(fixed)
    assert home_problems[0][:2] == ("presets/home.json", "/blocks/0/type")


def test_stylesheets_load_nothing_from_other_sites():
    problems = check(default_files(
        {"assets/theme.css": b"@import url(https://evil.example/x.css); body{}"}))
    assert problems[0][0] == "assets/theme.css" and "@import" in problems[0][2]


# One package carries every payload, each as the override of another block type, so that
# the whole corpus costs one sandbox child process per test.
REFUSED_STATICALLY = {
    "banner": "{{ ''.__class__.__mro__ }}",
    "divider": "{{ block|attr('__class__') }}",
    "spacer": "{{ block['__class__'] }}",
    "video": "{% include 'page' %}",
    "store-info": "{% extends 'x' %}",
}
STOPPED_BY_THE_BUDGET = {
    "title": ("{{ 'a' * 10**8 }}", "longer than 10000"),
    "notice-bar": ("{{ 9 ** 999 }}", "power over 100"),
    "image-ad": ("{{ 9**9**9 }}", "over 256 bits"),
    "icon-nav": ("{{ lipsum() }}", "not callable"),
    "magic-cube": ("{{ cycler(1, 2).next() }}", "not callable"),
    "rich-text": ("{% for i in range(99999999) %}{% endfor %}", "range() longer"),
    "search-bar": ("{{ '{0.__class__.__mro__}'.format(block) }}", "fixture data"),
    "image-text": ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}"
                   "{% endfor %}", "longer than"),
}
HARMLESS = {"product-grid": "{{ 2**10 }}", "coupon-strip": "{{ '%s' % block }}",
            "follow-account": "{{ block.settings.nothing }}"}


def test_template_payloads_are_refused_or_stopped_by_the_budget():
    files = {f"blocks/{t}.html": src.encode() for t, src in REFUSED_STATICALLY.items()}
    files.update({f"blocks/{t}.html": src.encode()
                  for t, (src, _message) in STOPPED_BY_THE_BUDGET.items()})
    files.update({f"blocks/{t}.html": src.encode() for t, src in HARMLESS.items()})
    problems = {file: (pointer, message) for file, pointer, message in check(default_files(files))}
    for block_type in REFUSED_STATICALLY:
        assert problems.pop(f"blocks/{block_type}.html")[0] == "line 1", block_type
    for block_type, (_source, expected) in STOPPED_BY_THE_BUDGET.items():
        assert expected in problems.pop(f"blocks/{block_type}.html")[1], block_type
    assert problems == {}


def test_harmless_payloads_pass():
    files = {f"blocks/{t}.html": src.encode() for t, src in HARMLESS.items()}
    assert check_theme(default_files(files), default_registries().blocks).id == "default"


def test_cli_new_validate_package(tmp_path: Path):
    runner = CliRunner()
    done = runner.invoke(cli, ["theme", "new", "acme-fresh", "--into", str(tmp_path),
                               "--author", "Acme"])
    assert done.exit_code == 0, done.output
    folder = tmp_path / "acme-fresh"
    assert json.loads((folder / "theme.json").read_text())["id"] == "acme-fresh"
    assert runner.invoke(cli, ["theme", "validate", str(folder)]).exit_code == 0
    out = tmp_path / "acme.zip"
    done = runner.invoke(cli, ["theme", "package", str(folder), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert read_zip(out.read_bytes())["theme.json"] == (folder / "theme.json").read_bytes()
    (folder / "blocks" / "title.html").write_text("{{ x.__class__ }}")
    done = runner.invoke(cli, ["theme", "validate", str(folder)])
    assert done.exit_code == 1
    assert "blocks/title.html: line 1: '__class__'" in done.output


def test_an_unsupported_compression_method_is_refused():
    info = zipfile.ZipInfo("theme.json")
    info.compress_type = zipfile.ZIP_BZIP2
    problems = refused(zip_of((info, b"{}")))
    assert any("compression method" in message for _file, message in problems)
