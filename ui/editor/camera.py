"""Taking a photo with the device's camera (Qt Multimedia), where there is one.

Qt Multimedia comes with PySide6-Addons; without it, or without a camera, ``available()``
says so and the 拍照 button is off with the reason in its tooltip.
"""

import tempfile
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def unavailable_reason() -> str:
    """Why no photo can be taken here; ``""`` when a camera is ready."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return "本机安装的程序不含相机组件，请用“添加照片/文件”选择已拍的照片"
    if not QMediaDevices.videoInputs():
        return "本机没有可用的摄像头，请用“添加照片/文件”选择已拍的照片"
    return ""


class CameraDialog(QDialog):
    """Viewfinder and 拍照; ``photo`` is the JPEG file taken (None when cancelled)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession
        from PySide6.QtMultimediaWidgets import QVideoWidget

        super().__init__(parent)
        self.setWindowTitle("拍照")
        self.photo: Path | None = None
        self.camera = QCamera(self)
        self.capture = QImageCapture(self)
        self.session = QMediaCaptureSession(self)
        self.view = QVideoWidget()
        self.view.setMinimumSize(640, 480)
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        self.session.setVideoOutput(self.view)
        self.problem = QLabel()
        self.take_button = QPushButton("拍照", objectName="primary")
        self.take_button.setMinimumHeight(40)
        cancel = QPushButton("取消")
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.take_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.take_button.clicked.connect(self.take)
        cancel.clicked.connect(self.reject)
        self.capture.imageSaved.connect(self._saved)
        self.capture.errorOccurred.connect(self._failed)
        self.camera.start()

    @Slot()
    def take(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="inspector-camera-"))
        self.capture.captureToFile(str(folder / "现场照片.jpg"))

    @Slot(int, str)
    def _saved(self, _id: int, path: str) -> None:
        self.camera.stop()
        self.photo = Path(path)
        self.accept()

    @Slot(int, object, str)
    def _failed(self, _id: int, _error: object, message: str) -> None:
        self.problem.setText(f"未能拍照：{message}")
