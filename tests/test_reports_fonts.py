"""Font discovery: configured file, project/system folders, CN face of a collection, clear errors."""

from pathlib import Path

import pytest

from inspector.errors import UserError
from reports import fonts

UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

needs_fonts = pytest.mark.needs(str(UMING), str(MICROHEI))


@pytest.fixture(autouse=True)
def no_env_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)


def test_no_usable_font_says_how_to_fix_it(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a font")
    with pytest.raises(UserError) as caught:
        fonts.resolve(search_dirs=[tmp_path])
    message = caught.value.message
    assert message.startswith("找不到可嵌入的中文字体，无法生成 PDF")
    assert "INSPECTOR_FONT" in message and "fonts-arphic-uming" in message
    assert "simsun.ttc" in message and "CFF" in message


def test_configured_file_that_is_not_a_usable_font_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.ttf"
    fake.write_bytes(b"\x00\x01\x00\x00 not really a font")
    with pytest.raises(UserError, match=r"配置的字体文件不可用：.*fake\.ttf"):
        fonts.resolve(str(fake))
    with pytest.raises(UserError, match="配置的字体文件不可用"):
        fonts.resolve(str(tmp_path / "missing.ttf"))


@pytest.mark.needs(str(DEJAVU))
def test_a_latin_only_font_is_not_accepted() -> None:
    with pytest.raises(UserError, match="须为含简体中文字形的 TrueType"):
        fonts.resolve(str(DEJAVU))


@needs_fonts
def test_environment_variable_serves_every_role(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.FONT_ENV, str(MICROHEI))
    found = fonts.resolve()
    assert {face.path for face in found.faces.values()} == {MICROHEI}
    assert found.faces[fonts.Role.FANGSONG].family == "WenQuanYi Micro Hei"


@needs_fonts
def test_collection_gives_its_simplified_chinese_face() -> None:
    face = fonts.resolve(str(UMING)).faces[fonts.Role.SONG]
    assert (face.subfont_index, face.family) == (0, "AR PL UMing CN")


@needs_fonts
def test_roles_found_by_file_name_and_missing_roles_borrow(tmp_path: Path) -> None:
    (tmp_path / "uming.ttc").symlink_to(UMING)
    (tmp_path / "wqy-microhei.ttc").symlink_to(MICROHEI)
    found = fonts.resolve(search_dirs=[tmp_path])
    assert found.faces[fonts.Role.SONG].path.name == "uming.ttc"
    assert found.faces[fonts.Role.HEI].path.name == "wqy-microhei.ttc"
    # no FangSong or Kai file: the body and second-level headings borrow the Song face
    assert found.faces[fonts.Role.FANGSONG] == found.faces[fonts.Role.SONG]
    assert found.faces[fonts.Role.KAI] == found.faces[fonts.Role.SONG]


@needs_fonts
def test_official_faces_are_found_by_their_windows_and_founder_file_names(tmp_path: Path) -> None:
    (tmp_path / "FZXBSJW.TTF").symlink_to(UMING)  # 方正小标宋简体
    (tmp_path / "simfang.ttf").symlink_to(UMING)  # 仿宋
    (tmp_path / "wqy-microhei.ttc").symlink_to(MICROHEI)  # not 黑体: a stand-in
    found = fonts.resolve(search_dirs=[tmp_path])
    assert found.faces[fonts.Role.SONG].path.name == "FZXBSJW.TTF"
    assert found.faces[fonts.Role.FANGSONG].path.name == "simfang.ttf"
    assert found.official == {fonts.Role.SONG, fonts.Role.FANGSONG}
    note = found.stand_ins()
    assert "一级标题（黑体）用 WenQuanYi Micro Hei 代替" in note
    assert "二级标题（楷体_GB2312 或 楷体）用" in note
    assert "方正小标宋" not in note and "仿宋" not in note


@needs_fonts
def test_uos_and_kylin_cesi_files_count_as_official(tmp_path: Path) -> None:
    for name in ("CESI_FS_GB2312.TTF", "CESI_KT_GB2312.TTF", "CESI_HT_GB2312.TTF"):
        (tmp_path / name).symlink_to(UMING)
    (tmp_path / "CESI_XBS_GB2312.TTF").symlink_to(UMING)
    found = fonts.resolve(search_dirs=[tmp_path])
    assert found.official == set(fonts.Role)
    assert found.stand_ins() == ""


@needs_fonts
def test_fallback_faces_are_named_as_stand_ins(tmp_path: Path) -> None:
    (tmp_path / "uming.ttc").symlink_to(UMING)
    found = fonts.resolve(search_dirs=[tmp_path])
    assert found.official == frozenset()
    assert "正文（仿宋_GB2312 或 仿宋）用 AR PL UMing CN 代替" in found.stand_ins()
