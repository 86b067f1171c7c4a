"""拍照 with Qt Multimedia (PySide6-Addons) on a machine without a camera, as CI is.

There is no camera here, so a photo cannot be taken for real. What can be, is: Qt Multimedia
loads (offscreen, without a Qt warning: a warning fails these tests), finds no camera, and the
button says so; and the dialog's own path from Qt's ``imageSaved`` signal onwards is the real
one, fed with a real JPEG file where Qt would have written it. Qt's signals for a camera that
fails or is unplugged are emitted on the real objects.
"""

import os
import sys
from collections.abc import Iterator
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox

from inspector import attachments, inspections, preferences
from inspector.attachments import MAX_MB_KEY
from inspector.store import Store
from tests.ui.editor_keys import open_editor
from ui.editor import camera
from ui.editor.evidence import EvidenceStrip

ACTOR = "京民执11000"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(autouse=True)
def fresh_load() -> Iterator[None]:
    """Each test loads Qt Multimedia (or fails to) as a new process would."""
    camera.load_problem.cache_clear()
    yield
    camera.load_problem.cache_clear()


@pytest.fixture
def no_camera() -> None:
    """Qt Multimedia is installed (the ``camera`` extra) and finds no camera."""
    problem = camera.load_problem()
    if problem:
        if os.environ.get("INSPECTOR_REQUIRE_TOOLS") or os.environ.get("CI"):
            pytest.fail(f"Qt Multimedia: {problem} (scripts/setup.sh installs it)", pytrace=False)
        pytest.skip(f"Qt Multimedia: {problem}")
    from PySide6.QtMultimedia import QMediaDevices

    if QMediaDevices.videoInputs():
        pytest.skip("this machine has a camera")


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: messages.append(box.text()) or 0)
    return messages


def jpeg(path: Path, width: int = 1600, height: int = 1200) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#6a8f3c"))
    assert image.save(str(path), "JPG")
    return path


def audit_rows(store: Store) -> list[tuple[str, str, str]]:
    return store.db.execute("SELECT actor, entity, action FROM audit_log ORDER BY seq").fetchall()


def test_without_a_camera_the_button_is_off_with_the_reason_and_nothing_else_changes(
    qtbot, monkeypatch: pytest.MonkeyPatch, no_camera: None, world: Store, inspection_id: str,
    tmp_path: Path, shown: list[str],
) -> None:  # fmt: skip
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    strip = editor.pane.evidence
    assert not strip.camera_button.isEnabled()
    assert strip.camera_button.toolTip() == camera.NO_CAMERA
    # the rest of the strip is as it was: a chosen photo is added as before
    assert strip.add_button.isEnabled() and strip.acceptDrops()
    picked = jpeg(tmp_path / "IMG_0001.jpg")
    monkeypatch.setattr(EvidenceStrip, "ask_files", classmethod(lambda cls, p: [str(picked)]))
    qtbot.mouseClick(strip.add_button, LEFT)
    assert shown == [] and strip.list.count() == 1


def test_a_photo_from_the_camera_becomes_evidence_as_a_chosen_file_does(
    qtbot, no_camera: None, world: Store, inspection_id: str, shown: list[str]
) -> None:
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    strip = editor.pane.evidence
    dialog = strip.camera_dialog()
    dialog.open()
    qtbot.waitUntil(dialog.isVisible)
    folder = dialog.folder
    assert folder.is_dir() and (folder.stat().st_mode & 0o077) == 0  # only this user reads it
    taken = jpeg(folder / "现场照片-20261201-093000.jpg")  # where Qt writes it
    content = taken.read_bytes()
    dialog.capture.imageSaved.emit(1, str(taken))  # what Qt says when the file is written
    assert shown == []
    assert not dialog.isVisible() and not folder.exists()  # no plain copy left behind
    assert strip.list.count() == 1
    [stored] = attachments.for_inspection(world, inspection_id)
    assert (stored.file_name, stored.size) == (taken.name, len(content))
    assert stored.item_id == editor.current_id
    on_disk = attachments.file_path(world, stored.sha256).read_bytes()
    assert content[:64] not in on_disk  # encrypted at rest
    assert attachments.read_bytes(world, stored.sha256) == content
    assert audit_rows(world)[-1] == (ACTOR, "attachment", "add")

    preferences.put(world, MAX_MB_KEY, 0)  # the cap applies to a photo as to any file
    for make, refusal in (
        (lambda p: p.write_bytes(b""), "是空的（0 字节），没有可作证据的内容，未添加"),
        (jpeg, "超过证据材料 0 MB 的上限"),
    ):
        dialog = strip.camera_dialog()
        dialog.open()
        photo = dialog.folder / "现场照片-20261201-093100.jpg"
        make(photo)
        dialog.capture.imageSaved.emit(2, str(photo))
        assert refusal in shown[-1]
        assert not dialog.folder.exists()
    assert strip.list.count() == 1 and len(attachments.for_inspection(world, inspection_id)) == 1


def test_a_camera_that_fails_or_goes_away_says_so_and_loses_nothing(
    qtbot, monkeypatch: pytest.MonkeyPatch, no_camera: None, world: Store, inspection_id: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaDevices

    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    strip = editor.pane.evidence
    qtbot.keyClick(editor, Qt.Key.Key_1)  # 符合 for the first item
    picked = jpeg(tmp_path / "IMG_0002.jpg")
    monkeypatch.setattr(EvidenceStrip, "ask_files", classmethod(lambda cls, p: [str(picked)]))
    qtbot.mouseClick(strip.add_button, LEFT)
    answers = inspections.answers(world, inspection_id)
    assert answers and strip.list.count() == 1
    before = audit_rows(world)

    dialog = strip.camera_dialog()
    dialog.open()
    qtbot.waitUntil(dialog.isVisible)
    # no camera: it cannot start
    assert "摄像头无法使用（未能启动或已断开）" in dialog.problem.text()
    assert not dialog.take_button.isEnabled()
    dialog.problem.clear()
    # a camera that stops, or errs, while the dialog is open
    dialog.camera.activeChanged.emit(False)
    assert dialog.problem.text().startswith("摄像头已停止。已记录的内容不受影响")
    dialog.camera.errorOccurred.emit(QCamera.Error.CameraError, "device lost")
    assert dialog.problem.text().startswith("摄像头无法使用")
    dialog.capture.errorOccurred.emit(1, QImageCapture.Error.ResourceError, "device lost")
    assert dialog.problem.text().startswith("摄像头已停止，未能拍照")
    dialog.problem.clear()
    # unplugged: the list of cameras changes and ours is not in it
    dialog.findChild(QMediaDevices).videoInputsChanged.emit()
    assert dialog.problem.text().startswith("摄像头已断开")
    assert "用“添加照片/文件”选择已拍的照片" in dialog.problem.text()
    assert not dialog.take_button.isEnabled()
    folder = dialog.folder
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    assert not dialog.isVisible() and not folder.exists()
    assert inspections.answers(world, inspection_id) == answers
    assert strip.list.count() == 1 and audit_rows(world) == before


class _Refuse(MetaPathFinder):
    """Qt Multimedia as it fails on a machine without PulseAudio's client library."""

    def find_spec(
        self, name: str, path: object, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == "PySide6.QtMultimedia":
            raise ImportError("libpulse.so.0: cannot open shared object file: No such file")
        return None


@pytest.mark.parametrize(
    "how, reason",
    [
        ("not installed", camera.NOT_INSTALLED),
        ("libpulse missing", "相机组件无法加载（缺少系统库 libpulse.so.0），请用“添加照片/文件”"),
    ],
)
def test_without_qt_multimedia_the_button_names_what_is_missing(
    qtbot, monkeypatch: pytest.MonkeyPatch, store: Store, how: str, reason: str
) -> None:
    for name in ("PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    if how == "not installed":
        monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    else:
        monkeypatch.setattr(sys, "meta_path", [_Refuse(), *sys.meta_path])
    strip = EvidenceStrip(store)
    qtbot.addWidget(strip)
    strip.show()
    assert not strip.camera_button.isEnabled()
    assert strip.camera_button.toolTip().startswith(reason)
