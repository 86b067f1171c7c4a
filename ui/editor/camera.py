"""Taking a photo with the device's camera (Qt Multimedia), where there is one.

Qt Multimedia comes with PySide6-Addons (the ``camera`` extra) and needs PulseAudio's client
library (libpulse0). Without either, or without a camera, ``unavailable_reason()`` says so
and the 拍照 button is off with the reason in its tooltip.

Qt writes the photo to a private temporary folder; ``CameraDialog.photo_taken`` hands it to
the evidence strip exactly as a chosen file is handed (size cap, empty file, encrypted copy
in the store, audit), and the folder is removed when the dialog closes, so no plain copy of
the evidence stays behind. A camera that will not start, fails or is unplugged says so in
Chinese and leaves only 取消: nothing already recorded is touched by this dialog.
"""

import functools
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLoggingCategory, QObject, Signal, Slot
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector.clock import to_local, utc_now

log = logging.getLogger(__name__)

USE_FILES = "请用“添加照片/文件”选择已拍的照片"
NOT_INSTALLED = f"本机安装的程序不含相机组件，{USE_FILES}"
NO_CAMERA = f"本机没有可用的摄像头，{USE_FILES}"
# Qt's FFmpeg backend looks for optional libraries when it loads (PipeWire, for screen
# capture; VA-API, for hardware video decoding) and warns once for each one missing. A photo
# needs none of them, so only that category is silenced; $QT_LOGGING_RULES still wins.
OPTIONAL_LIBRARIES_RULE = "qt.multimedia.symbolsresolver.warning=false"


@functools.cache
def load_problem() -> str:
    """Load Qt Multimedia once; why it cannot be used, or ``""``."""
    QLoggingCategory.setFilterRules(OPTIONAL_LIBRARIES_RULE)
    try:
        import PySide6.QtMultimedia
        import PySide6.QtMultimediaWidgets  # noqa: F401
    except ModuleNotFoundError:
        return NOT_INSTALLED
    except ImportError as exc:  # a system library it links against, e.g. libpulse.so.0
        log.warning("Qt Multimedia cannot be loaded: %s", exc)
        library = str(exc).split(":", 1)[0]
        needs = f"缺少系统库 {library}" if ".so" in library or ".dll" in library else "详见日志"
        return f"相机组件无法加载（{needs}），{USE_FILES}"
    return ""


def unavailable_reason() -> str:
    """Why no photo can be taken here; ``""`` when a camera is there. The first call loads
    Qt Multimedia (about 0.1 s): ask when the camera is about to be offered."""
    problem = load_problem()
    if problem:
        return problem
    from PySide6.QtMultimedia import QMediaDevices

    return "" if QMediaDevices.videoInputs() else NO_CAMERA


def watch_cameras(parent: QObject, changed: Callable[[], None]) -> None:
    """Call ``changed`` when a camera is plugged in or out (nothing without Qt Multimedia)."""
    if load_problem():
        return
    from PySide6.QtMultimedia import QMediaDevices

    devices = QMediaDevices(parent)
    devices.videoInputsChanged.connect(changed)


class CameraDialog(QDialog):
    """Viewfinder and 拍照; ``photo_taken`` carries the path of the JPEG taken."""

    photo_taken = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        load_problem()  # the warnings rule first; the 拍照 button is only on when it loaded
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession
        from PySide6.QtMultimediaWidgets import QVideoWidget

        super().__init__(parent)
        self.setWindowTitle("拍照")
        self.folder = Path(tempfile.mkdtemp(prefix="inspector-camera-"))  # only we can read it
        self.camera = QCamera(self)
        self.device = self.camera.cameraDevice()
        self.capture = QImageCapture(self)
        self.capture.setFileFormat(QImageCapture.FileFormat.JPEG)
        self.session = QMediaCaptureSession(self)
        self.view = QVideoWidget()
        self.view.setMinimumSize(640, 480)
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        self.session.setVideoOutput(self.view)
        self.problem = QLabel(wordWrap=True)
        self.take_button = QPushButton("拍照", objectName="primary")
        self.take_button.setMinimumHeight(40)
        self.take_button.setEnabled(False)  # until the camera is ready
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setMinimumHeight(40)
        self._layout()
        self.take_button.clicked.connect(self.take)
        self.cancel_button.clicked.connect(self.reject)
        self.capture.readyForCaptureChanged.connect(self._ready)
        self.capture.imageSaved.connect(self._saved)
        self.capture.errorOccurred.connect(self._capture_failed)
        self.camera.errorOccurred.connect(self._camera_failed)
        self.camera.activeChanged.connect(self._active_changed)
        watch_cameras(self, self._cameras_changed)
        self.finished.connect(self._clean_up)
        self.camera.start()
        if self.camera.error() != QCamera.Error.NoError:
            self._camera_failed(self.camera.error(), self.camera.errorString())

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.take_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    @Slot()
    def take(self) -> None:
        name = f"现场照片-{to_local(utc_now()):%Y%m%d-%H%M%S}.jpg"
        self.problem.clear()
        self.take_button.setEnabled(False)  # one photo at a time
        self.capture.captureToFile(str(self.folder / name))

    @Slot(int, str)
    def _saved(self, _id: int, path: str) -> None:
        if not self.isVisible():  # 取消 was pressed while Qt was still writing the file
            return
        self.photo_taken.emit(path)  # stored (or refused with the reason) before we go on
        self.accept()

    @Slot(bool)
    def _ready(self, ready: bool) -> None:
        self.take_button.setEnabled(ready and self.camera.isActive())

    def _broken(self, text: str) -> None:
        self.take_button.setEnabled(False)
        self.problem.setText(
            f"{text}。已记录的内容不受影响：可点“取消”关闭此窗口，用“添加照片/文件”选择已拍的照片。"
        )

    @Slot(object, str)
    def _camera_failed(self, error: object, message: str) -> None:
        log.warning("camera %s failed: %s (%s)", self.device.description(), message, error)
        self._broken("摄像头无法使用（未能启动或已断开）")

    @Slot(int, object, str)
    def _capture_failed(self, _id: int, error: object, message: str) -> None:
        log.warning("capture failed: %s (%s)", message, error)
        if self.camera.isActive():
            self.problem.setText("未能拍下这张照片，请再点一次“拍照”。")
            self.take_button.setEnabled(self.capture.isReadyForCapture())
        else:
            self._broken("摄像头已停止，未能拍照")

    @Slot(bool)
    def _active_changed(self, active: bool) -> None:
        if not active and self.isVisible():
            self._broken("摄像头已停止")

    @Slot()
    def _cameras_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        if self.device.id() not in [device.id() for device in QMediaDevices.videoInputs()]:
            self.camera.stop()
            self._broken("摄像头已断开")

    @Slot()
    def _clean_up(self) -> None:
        self.camera.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
