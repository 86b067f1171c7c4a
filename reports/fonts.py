"""Finding CJK TrueType fonts to embed in PDFs, and the East Asian font names for DOCX.

Order: a configured file (setting ``report.font`` or ``$INSPECTOR_FONT``) for every role; else
per role the face GB/T 9704 asks for (方正小标宋简体, 仿宋_GB2312 or 仿宋, 楷体_GB2312 or 楷体,
黑体), found by the file names Windows, UOS and Kylin give them or by the face's own name; then
the fallbacks (other Song, Hei and Kai faces); a role with no font of its own borrows another
role's. ``FontSet.stand_ins`` says which fallback stands in for which 公文 face, for the CLI and
the GUI to say once. Only TrueType outlines embed with reportlab (Noto CJK is CFF and is
refused). In a TrueType collection the simplified-Chinese face is chosen.
"""

import os
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import BinaryIO

import platformdirs
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from inspector import APP_NAME
from inspector.errors import UserError

FONT_ENV = "INSPECTOR_FONT"
FONT_SETTING = "report.font"
_PROBE = "责令整改通知书送达回证〔〕—"


class Role(StrEnum):
    SONG = "song"  # titles (小标宋-style)
    FANGSONG = "fangsong"  # body
    HEI = "hei"  # first-level headings
    KAI = "kai"  # second-level headings


# The faces of 公文 (GB/T 9704-2012: 小标宋 titles, 仿宋 body, 黑体 and 楷体 headings), best first,
# as the family names inside the files (Chinese and English) and as the file names that
# Windows (simfang.ttf …), the 方正 installers (FZXBSJW.TTF …) and UOS/Kylin (the CESI fonts in
# fonts-cesi) give them. Lower case.
OFFICIAL_FACES: dict[Role, tuple[str, ...]] = {
    Role.SONG: ("方正小标宋简体", "fzxiaobiaosong-b05s", "方正小标宋_gbk", "fzxiaobiaosong-b05"),
    Role.FANGSONG: ("仿宋_gb2312", "fangsong_gb2312", "仿宋", "fangsong", "simfang"),
    Role.HEI: ("黑体", "simhei"),
    Role.KAI: ("楷体_gb2312", "kaiti_gb2312", "楷体", "kaiti", "simkai"),
}
OFFICIAL_FILES: dict[Role, tuple[str, ...]] = {
    Role.SONG: ("fzxbsjw.ttf", "方正小标宋简体.ttf", "fzxbsk.ttf", "cesi_xbs_gb2312.ttf"),
    Role.FANGSONG: (
        "仿宋_gb2312.ttf",
        "fs_gb2312.ttf",
        "fangsong_gb2312.ttf",
        "cesi_fs_gb2312.ttf",
        "simfang.ttf",
        "仿宋.ttf",
    ),
    Role.HEI: ("simhei.ttf", "cesi_ht_gb2312.ttf", "黑体.ttf"),
    Role.KAI: ("楷体_gb2312.ttf", "kt_gb2312.ttf", "cesi_kt_gb2312.ttf", "simkai.ttf", "楷体.ttf"),
}
# What a user is told is missing.
OFFICIAL_LABELS: dict[Role, str] = {
    Role.SONG: "标题（方正小标宋简体）",
    Role.FANGSONG: "正文（仿宋_GB2312 或 仿宋）",
    Role.HEI: "一级标题（黑体）",
    Role.KAI: "二级标题（楷体_GB2312 或 楷体）",
}
# Fallback file names by role, best first.
_CANDIDATES: dict[Role, tuple[str, ...]] = {
    Role.SONG: ("simsun.ttc", "simsun.ttf", "cesi_ss_gb2312.ttf", "uming.ttc", "gbsn00lp.ttf"),
    Role.FANGSONG: (),
    Role.HEI: ("msyh.ttc", "msyh.ttf", "wqy-microhei.ttc", "wqy-zenhei.ttc"),
    Role.KAI: ("ukai.ttc", "gkai00mp.ttf"),
}
_BORROW: dict[Role, tuple[Role, ...]] = {
    Role.SONG: (Role.FANGSONG, Role.KAI, Role.HEI),
    Role.FANGSONG: (Role.SONG, Role.KAI, Role.HEI),
    Role.HEI: (Role.SONG, Role.FANGSONG, Role.KAI),
    Role.KAI: (Role.FANGSONG, Role.SONG, Role.HEI),
}

# The faces a DOCX names (w:eastAsia and the Latin slots alike).
DOCX_EAST_ASIAN: dict[Role, str] = {
    Role.SONG: "宋体",
    Role.FANGSONG: "仿宋",
    Role.HEI: "黑体",
    Role.KAI: "楷体",
}

NO_FONT_MESSAGE = (
    "找不到可嵌入的中文字体，无法生成 PDF。请任选一种办法：安装 TrueType 中文字体"
    "（Windows 自带宋体 simsun.ttc、仿宋 simfang.ttf、黑体 simhei.ttf；Linux 可安装 "
    "fonts-arphic-uming 或 fonts-wqy-microhei），或把 .ttf/.ttc 字体文件放入 {shipped}，"
    "或设置环境变量 INSPECTOR_FONT 指向该字体文件。"
    "注意：Noto/思源等 OpenType (CFF) 字体无法嵌入。"
)


@dataclass(frozen=True)
class FontFace:
    path: Path
    subfont_index: int
    family: str

    @property
    def pdf_name(self) -> str:
        """The name the face is registered under with reportlab."""
        return f"CJK-{self.path.stem}-{self.subfont_index}"


@dataclass(frozen=True)
class FontSet:
    """The face for each role, each registered with reportlab and ready to embed."""

    faces: dict[Role, FontFace]
    official: frozenset[Role] = frozenset(Role)  # roles that have their 公文 face

    def pdf_name(self, role: Role) -> str:
        return self.faces[role].pdf_name

    def stand_ins(self) -> str:
        """One sentence naming the fallback used for each 公文 face not found, or ""."""
        missing = [role for role in Role if role not in self.official]
        if not missing:
            return ""
        parts = "；".join(
            f"{OFFICIAL_LABELS[role]}用 {self.faces[role].family} 代替" for role in missing
        )
        return (
            f"提示：未找到公文字体，{parts}。安装这些字体（或放入 {project_font_dirs()[-1]}）"
            "后生成的 PDF 即用公文字体。"
        )


def project_font_dirs() -> list[Path]:
    """Fonts shipped in the package, then fonts the user or installer put in the data folder."""
    return [
        Path(__file__).with_name("fonts"),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "fonts",
    ]


def system_font_dirs() -> list[Path]:
    """The usual font folders of Windows, macOS and Linux that exist on this machine."""
    windir = os.environ.get("WINDIR", r"C:\Windows")
    home = Path.home()
    candidates = [
        Path(windir) / "Fonts",
        home / "AppData/Local/Microsoft/Windows/Fonts",
        Path("/Library/Fonts"),
        home / "Library/Fonts",
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
    ]
    return [path for path in candidates if path.is_dir()]


def resolve(configured: str | None = None, search_dirs: Sequence[Path] | None = None) -> FontSet:
    """Find, check and register a face for every role, or raise a ``UserError`` that says how."""
    configured = configured or os.environ.get(FONT_ENV) or None
    if configured:
        face = _usable_face(Path(configured))
        if face is None:
            raise UserError(
                f"配置的字体文件不可用：{configured}（须为含简体中文字形的 TrueType .ttf/.ttc"
                " 字体；Noto/思源等 CFF 字体无法嵌入）。请更正设置或环境变量 INSPECTOR_FONT。"
            )
        return _registered(dict.fromkeys(Role, face), frozenset(Role))
    dirs = (
        list(search_dirs) if search_dirs is not None else project_font_dirs() + system_font_dirs()
    )
    files = _index_font_files(tuple(dirs))
    official = _official_faces(files)
    found = {**_faces_by_role(files, _CANDIDATES), **official}
    if not found:
        found = _any_face(dirs)
    if not found:
        raise UserError(NO_FONT_MESSAGE.format(shipped=project_font_dirs()[-1]))
    faces = {role: found.get(role) or _borrowed(role, found) for role in Role}
    return _registered(faces, frozenset(official))


def _borrowed(role: Role, found: dict[Role, FontFace]) -> FontFace:
    return next(found[other] for other in _BORROW[role] if other in found)


def _official_faces(files: dict[str, Path]) -> dict[Role, FontFace]:
    """The 公文 face of each role that has one: by file name, else by the face's own name."""
    found = _faces_by_role(files, OFFICIAL_FILES)
    missing = [role for role in Role if role not in found]
    if missing:
        wanted = frozenset(name for role in missing for name in OFFICIAL_FACES[role])
        named = _faces_by_family(tuple(sorted(set(files.values()))), wanted)
        for role in missing:
            face = next((named[name] for name in OFFICIAL_FACES[role] if name in named), None)
            if face is not None:
                found[role] = face
    return found


@cache
def _faces_by_family(paths: tuple[Path, ...], wanted: frozenset[str]) -> dict[str, FontFace]:
    """Lower-case family name → usable face, for the wanted names found in the files' headers."""
    named: dict[str, FontFace] = {}
    for path in paths:
        if path.suffix.lower() not in {".ttf", ".ttc"}:
            continue
        try:
            families = _all_family_names(path)
        except (TTFError, OSError, ValueError, struct.error):
            continue
        for index, names in enumerate(families):
            hits = [n.lower() for n in names if n.lower() in wanted and n.lower() not in named]
            if hits and (face := _usable_at(path, index, names[0])) is not None:
                named.update(dict.fromkeys(hits, face))
    return named


def _faces_by_role(
    files: dict[str, Path], candidates: dict[Role, tuple[str, ...]]
) -> dict[Role, FontFace]:
    found: dict[Role, FontFace] = {}
    for role, names in candidates.items():
        for name in names:
            face = _usable_face(files[name]) if name in files else None
            if face is not None:
                found[role] = face
                break
    return found


def _any_face(dirs: Iterable[Path]) -> dict[Role, FontFace]:
    """Any usable TrueType file in the project's folders serves every role."""
    for folder in dirs:
        if folder not in project_font_dirs() or not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            face = _usable_face(path) if path.suffix.lower() in {".ttf", ".ttc"} else None
            if face is not None:
                return dict.fromkeys(Role, face)
    return {}


@cache
def _index_font_files(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """Lower-case file name → first path found, walking the folders in order."""
    index: dict[str, Path] = {}
    for folder in dirs:
        for root, _, names in os.walk(folder):
            for name in names:
                index.setdefault(name.lower(), Path(root) / name)
    return index


@cache
def _usable_face(path: Path) -> FontFace | None:
    """The simplified-Chinese face of a TrueType file if it embeds and has the glyphs we print."""
    if not path.is_file():
        return None
    try:
        picked = _simplified_face(path)
    except (TTFError, OSError, ValueError, struct.error):
        return None
    if picked is None:
        return None
    return _usable_at(path, *picked)


@cache
def _usable_at(path: Path, index: int, family: str) -> FontFace | None:
    face = FontFace(path, index, family)
    try:
        font = TTFont(face.pdf_name, str(path), subfontIndex=face.subfont_index)
    except (TTFError, OSError, ValueError):
        return None
    if not all(ord(ch) in font.face.charToGlyph for ch in _PROBE):
        return None
    pdfmetrics.registerFont(font)
    return face


def _simplified_face(path: Path) -> tuple[int, str] | None:
    """(subfont index, family) of the first simplified-Chinese face, else of the first face."""
    families = _family_names(path)
    for index, family in enumerate(families):
        if any(marker in family for marker in (" CN", " SC", "GB")):
            return index, family
    return (0, families[0]) if families else None


def _family_names(path: Path) -> list[str]:
    """The English family name of each face, read from the file's headers only.

    Loading a 20 MB collection with reportlab once per face would cost a second; the name
    tables are a few hundred bytes.
    """
    with path.open("rb") as fh:
        return [_family_at(fh, offset) for offset in _face_offsets(fh)]


def _all_family_names(path: Path) -> list[list[str]]:
    """Per face of the file, every family name it gives (English first, then Chinese…)."""
    with path.open("rb") as fh:
        return [_names_at(fh, offset) for offset in _face_offsets(fh)]


def _face_offsets(fh: BinaryIO) -> tuple[int, ...]:
    head = fh.read(12)
    if head[:4] != b"ttcf":
        return (0,)
    count = struct.unpack(">I", head[8:12])[0]
    return tuple(struct.unpack(f">{count}I", fh.read(4 * count)))


def _family_at(fh: BinaryIO, offset: int) -> str:
    names = _names_at(fh, offset)
    return names[0] if names else ""


def _names_at(fh: BinaryIO, offset: int) -> list[str]:
    fh.seek(offset)
    version, tables = struct.unpack(">4sH", fh.read(6))
    if version == b"OTTO":
        raise TTFError("CFF outlines cannot be embedded")
    fh.seek(offset + 12)
    records = fh.read(16 * tables)
    for i in range(tables):
        tag, _, table_offset, _ = struct.unpack(">4sIII", records[16 * i : 16 * i + 16])
        if tag == b"name":
            return _families_in_name_table(fh, table_offset)
    return []


def _families_in_name_table(fh: BinaryIO, table: int) -> list[str]:
    """Family names (name ids 1 and 16), the US-English or Macintosh Roman one first."""
    fh.seek(table)
    _, count, strings = struct.unpack(">HHH", fh.read(6))
    records = [struct.unpack(">6H", fh.read(12)) for _ in range(count)]
    english: list[str] = []
    others: list[str] = []
    for platform, _, language, name_id, length, offset in records:
        if name_id not in (1, 16) or platform not in (1, 3):
            continue
        fh.seek(table + strings + offset)
        raw = fh.read(length)
        name = raw.decode("utf-16-be" if platform == 3 else "latin-1", "replace")
        is_english = (platform, language) in {(3, 0x409), (1, 0)} and name_id == 1
        (english if is_english else others).append(name)
    return list(dict.fromkeys(english + others))


def _registered(faces: dict[Role, FontFace], official: frozenset[Role]) -> FontSet:
    for face in faces.values():
        if face.pdf_name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(
                TTFont(face.pdf_name, str(face.path), subfontIndex=face.subfont_index)
            )
    return FontSet(faces, official)
