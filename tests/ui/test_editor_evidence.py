"""Evidence as users expect: limits said in words, a preview, the system viewer, the camera."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox
from reportlab.pdfgen.canvas import Canvas

from inspector import preferences
from inspector.attachments import MAX_MB_KEY, kind_word
from inspector.store import Store
from tests.ui.editor_keys import double_click, open_editor
from ui.editor.evidence import PREVIEW, EvidenceStrip

ACTOR = "京民执11000"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: messages.append(box.text()) or 0)
    return messages


def choose(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """What the person picks in the file chooser."""
    monkeypatch.setattr(
        EvidenceStrip, "ask_files", classmethod(lambda cls, parent: [str(p) for p in paths])
    )


def photo(path: Path, width: int = 800, height: int = 600) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7bd5"))
    image.save(str(path), "JPG")
    return path


def pdf(path: Path) -> Path:
    canvas = Canvas(str(path))
    canvas.drawString(72, 720, "Receipt")
    canvas.showPage()
    canvas.save()
    return path


def test_empty_and_oversized_files_are_refused_with_the_reason(
    qtbot, monkeypatch: pytest.MonkeyPatch, world: Store, inspection_id: str, tmp_path: Path,
    shown: list[str],
) -> None:  # fmt: skip
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    strip = editor.pane.evidence
    empty = tmp_path / "空白.jpg"
    empty.write_bytes(b"")
    choose(monkeypatch, empty)
    qtbot.mouseClick(strip.add_button, LEFT)
    assert shown == ["文件“空白.jpg”是空的（0 字节），没有可作证据的内容，未添加"]
    huge = tmp_path / "录像.mp4"
    with huge.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # 200 MB, sparse
    choose(monkeypatch, huge)
    qtbot.mouseClick(strip.add_button, LEFT)
    assert "有 200 MB，超过证据材料 50 MB 的上限" in shown[1]
    preferences.put(world, MAX_MB_KEY, 1)
    two_mb = tmp_path / "扫描件.pdf"
    two_mb.write_bytes(b"%PDF" + b"0" * (2 * 1024 * 1024))
    choose(monkeypatch, two_mb)
    qtbot.mouseClick(strip.add_button, LEFT)
    assert "超过证据材料 1 MB 的上限" in shown[2]
    assert strip.list.count() == 0


def test_a_photo_and_a_pdf_are_previewed_and_open_in_the_system_viewer(
    qtbot, monkeypatch: pytest.MonkeyPatch, world: Store, inspection_id: str, tmp_path: Path,
    shown: list[str],
) -> None:  # fmt: skip
    opened: list[QUrl] = []
    monkeypatch.setattr(
        EvidenceStrip, "open_url", classmethod(lambda cls, url: opened.append(url) or True)
    )
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    strip = editor.pane.evidence
    choose(monkeypatch, photo(tmp_path / "IMG_0231.jpg"), pdf(tmp_path / "收据.pdf"))
    qtbot.mouseClick(strip.add_button, LEFT)
    assert shown == [] and strip.list.count() == 2
    qtbot.waitUntil(strip.list.isVisible)
    view = strip.list
    double_click(view, view.indexFromItem(view.item(0)))
    picture = strip.preview.pixmap()
    assert (picture.width(), picture.height()) == (PREVIEW.width(), PREVIEW.width() * 3 // 4)
    assert strip.caption.text().startswith("IMG_0231.jpg　照片")
    assert Path(opened[0].toLocalFile()).name == "IMG_0231.jpg"
    assert Path(opened[0].toLocalFile()).read_bytes() == (tmp_path / "IMG_0231.jpg").read_bytes()
    double_click(view, view.indexFromItem(view.item(1)))
    assert not strip.preview.pixmap().isNull()  # the PDF's first page
    assert strip.caption.text().startswith("收据.pdf　PDF 文件")
    assert Path(opened[1].toLocalFile()).name == "收据.pdf"


def test_no_camera_turns_the_camera_button_off_with_the_reason(
    qtbot, world: Store, inspection_id: str
) -> None:
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    button = editor.pane.evidence.camera_button
    assert not button.isEnabled()
    assert "请用“添加照片/文件”选择已拍的照片" in button.toolTip()


def test_files_are_named_for_what_they_are_in_sync_messages() -> None:
    assert [kind_word(name) for name in ("IMG_0231.jpg", "收据.pdf", "章程.docx")] == [
        "照片",
        "PDF 文件",
        "文件",
    ]
