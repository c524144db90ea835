"""The receiver's check of a disc (MHLW, the Japan Pension Service): a mounted disc, a folder or an image.

Checked: the file set (nothing missing, nothing extra, no file renamed); every file against
``SHA256SUMS``; the data files against ``MANIFEST.JSON`` (size, SHA-256) and the spec version the
manifest names (header row, row count, encoding, CRLF, every field quoted); for an image, its ISO 9660
names and volume label; for an encrypted disc, with the password, the same inside ``DATA.ZIP``.
Needs neither Airflow nor a database. Each problem is one line in Japanese and English naming its file.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyzipper

from ssw_linkage.csv_format import ENCODINGS
from ssw_linkage.disc import sealed
from ssw_linkage.disc.iso_image import Image, is_image
from ssw_linkage.disc.layout import CHECKSUMS, SEALED, SEALED_FILES, disc_files, iso_name, parse_checksums, volume_label
from ssw_linkage.errors import UsageError
from ssw_linkage.months import DataMonth
from ssw_linkage.package_checks import line_problems
from ssw_linkage.spec import ITEMS, SPEC_VERSION
from ssw_linkage.staging import MANIFEST, sha256_file

LINE_RULES_JA = {
    "line_end": "改行が CRLF でない行があります",
    "bom": "先頭に BOM がありません",
    "decode": "文字コード {encoding} として読めない行があります（別の文字コードに変換されていませんか）",
    "fields": '全項目を " で囲んだ所定の項目数になっていない行があります',
    "header": "見出し行が仕様（バージョン {spec}）と異なります",
    "rows": "データ行数が MANIFEST.JSON の件数と異なります",
}


@dataclass(frozen=True)
class Problem:
    file: str
    ja: str
    en: str

    def __str__(self) -> str:
        return f"NG {self.file}: {self.ja} / {self.en}"


@dataclass
class Report:
    target: Path
    kind: str  # "folder" or "image"
    data_month: str | None = None
    encrypted: bool = False
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, ja: str, en: str) -> None:
        self.problems.append(Problem(file, ja, en))

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        kind_ja = {"folder": "フォルダ", "image": "イメージファイル"}[self.kind]
        lines = [
            f"確認対象 / checked: {self.target}（{kind_ja} / {self.kind}）",
            f"対象月 / data month: {self.data_month or '不明 / unknown'}　"
            f"暗号化 / encrypted: {'あり / yes' if self.encrypted else 'なし / no'}",
            *map(str, self.problems),
        ]
        if self.ok:
            lines.append(
                f"結果：合格（{self.files} ファイル、問題なし） / result: PASS ({self.files} files, no problems)"
            )
        else:
            lines.append(f"結果：不合格（問題 {len(self.problems)} 件） / result: FAIL ({len(self.problems)} problems)")
        return lines


def verify_disc(path: Path, password: Callable[[], str | None] = lambda: None) -> Report:
    """Check a disc; ``password`` is asked for only if the disc is encrypted."""
    if path.is_dir():
        report = Report(path, "folder")
        _check_root(path, report, password)
        return report
    if not is_image(path):
        raise UsageError(f"{path} is neither a folder nor an ISO 9660 image: give a mounted disc, a folder or an image")
    report = Report(path, "image")
    with Image(path) as image, tempfile.TemporaryDirectory(prefix="ssw-verify-") as scratch:
        if not image.has_joliet:
            report.add(path.name, "Joliet の名前がありません", "no Joliet names in the image")
            return report
        entries = image.joliet_entries()
        for name, is_dir in entries:
            if is_dir:
                (Path(scratch) / name).mkdir()  # not a disc file: reported as unexpected
            else:
                image.extract(name, Path(scratch) / name)
        names = [name for name, _ in entries]
        _check_root(Path(scratch), report, password)
        report.problems += _image_problems(path.name, image, names, report.data_month)
    return report


def _image_problems(file: str, image: Image, names: list[str], data_month: str | None) -> list[Problem]:
    problems = []
    expected, found = sorted(iso_name(name) for name in names), sorted(image.iso_names())
    if expected != found:
        problems.append(
            Problem(
                file,
                f"ISO 9660 の名前 {found} が Joliet の名前と対応しません",
                f"ISO 9660 names {found}, expected {expected}",
            )
        )
    if data_month and image.label != volume_label(DataMonth.parse(data_month)):
        label = volume_label(DataMonth.parse(data_month))
        problems.append(
            Problem(
                file,
                f"ボリュームラベル {image.label} が対象月と合いません（{label}）",
                f"volume label {image.label}, expected {label}",
            )
        )
    return problems


def _digests(directory: Path) -> dict[str, str | None]:
    """Each entry's SHA-256 (None for a directory), each file read once."""
    return {p.name: sha256_file(p) if p.is_file() else None for p in directory.iterdir()}


def _check_root(directory: Path, report: Report, password: Callable[[], str | None]) -> None:
    digests = _digests(directory)
    report.encrypted = SEALED in digests
    _check_set(directory, digests, disc_files(report.encrypted), "", report)
    if not report.encrypted:
        _check_data(directory, digests, "", report)
        return
    secret = password()
    if not secret:
        report.add(
            SEALED,
            "暗号化されています。パスワードを与えないと中身を確認できません",
            "encrypted: give the password (SSW_DISC_PASSWORD, or type it when asked) to check its contents",
        )
        return
    if digests[SEALED] is None:
        return
    with tempfile.TemporaryDirectory(prefix="ssw-verify-") as scratch:
        inner = Path(scratch)
        try:
            sealed.unseal(directory / SEALED, secret, inner)
        except sealed.WrongPassword:
            report.add(SEALED, "パスワードが違います", "wrong password")
            return
        except (pyzipper.BadZipFile, OSError, ValueError):
            report.add(SEALED, "ZIP として読めません（破損）", "not a readable ZIP (damaged)")
            return
        prefix = f"{SEALED}/"
        inner_digests = _digests(inner)
        _check_set(inner, inner_digests, SEALED_FILES, prefix, report)
        _check_data(inner, inner_digests, prefix, report)


def _check_set(
    directory: Path, digests: dict[str, str | None], expected: tuple[str, ...], prefix: str, report: Report
) -> None:
    """The file set (``digests``' names) against the layout, and every file against ``SHA256SUMS``."""
    present = set(digests)
    listed: dict[str, str] = {}
    if CHECKSUMS in present:
        listed, bad = parse_checksums((directory / CHECKSUMS).read_bytes())
        for number in bad:
            report.add(prefix + CHECKSUMS, f"{number}行目の形式が違います", f"line {number} is malformed")
    missing, extra = set(expected) - present, present - set(expected)
    for name in sorted(extra):
        digest = digests[name]
        original = next((m for m in sorted(missing) if listed.get(m) == digest), None)
        if original:
            missing.discard(original)
            report.add(prefix + original, f"名前が {name} に変わっています", f"renamed to {name}")
        else:
            report.add(prefix + name, "想定外のファイルです", "unexpected file")
    for name in sorted(missing):
        report.add(prefix + name, "ありません", "missing")
    for name in sorted(set(expected) & present - {CHECKSUMS}):
        report.files += 1
        if name not in listed:
            report.add(prefix + name, "SHA256SUMS に載っていません", "not listed in SHA256SUMS")
        elif digests[name] != listed[name]:
            report.add(prefix + name, "SHA-256 が SHA256SUMS と一致しません", "SHA-256 differs from SHA256SUMS")
    for name in sorted(set(listed) - set(expected)):
        report.add(prefix + CHECKSUMS, f"想定外の名前 {name} が載っています", f"lists unexpected {name}")
    report.files += CHECKSUMS in present


def _check_data(directory: Path, digests: dict[str, str | None], prefix: str, report: Report) -> None:
    """The item files against the manifest and the spec version it names."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        report.data_month = str(DataMonth.parse(manifest["data_month"]))
        entries = {entry["item"]: entry for entry in manifest["items"]}
        encoding, spec_version = manifest["encoding"], manifest["spec_version"]
    except (OSError, ValueError, KeyError, TypeError):
        report.add(prefix + MANIFEST, "読めないか、内容が欠けています", "unreadable or incomplete")
        return
    lines_checkable = spec_version == SPEC_VERSION and encoding in ENCODINGS
    if not lines_checkable:
        report.add(
            prefix + MANIFEST,
            f"仕様バージョン {spec_version}（{encoding}）はこの ssw-linkage（仕様 {SPEC_VERSION}）では確認できません",
            f"spec version {spec_version} ({encoding}) cannot be checked by this ssw-linkage (spec {SPEC_VERSION})",
        )
    for item in ITEMS:
        name, path, entry = item.file_name, directory / item.file_name, entries.get(item.number)
        if entry is None:
            report.add(prefix + MANIFEST, f"{name} の記載がありません", f"{name} is not listed")
            continue
        digest = digests.get(name)
        if digest is None:
            continue  # not a file: reported with the file set
        if path.stat().st_size != entry["bytes"]:
            report.add(
                prefix + name,
                f"サイズが MANIFEST.JSON と違います（{path.stat().st_size:,} バイト）",
                f"{path.stat().st_size} bytes, MANIFEST.JSON says {entry['bytes']}",
            )
        if digest != entry["sha256"]:
            report.add(prefix + name, "SHA-256 が MANIFEST.JSON と一致しません", "SHA-256 differs from MANIFEST.JSON")
        if lines_checkable:
            rows = entry["written"] + entry["carried_over"]
            for rule, message in line_problems(path, digest, item.headers, rows, encoding).items():
                report.problems.append(_line_problem(prefix + name, rule, message, encoding))


def _line_problem(file: str, rule: str, message: str, encoding: str) -> Problem:
    english = message.partition(": ")[2]
    ja = LINE_RULES_JA[rule].format(encoding=encoding, spec=SPEC_VERSION)
    line = re.search(r"line (\d+)", english)
    return Problem(file, ja + (f"（{line[1]}行目）" if line else ""), english)
