"""The evidence strip of an item: thumbnails and a preview, 添加照片/文件, 拍照, drag and drop,
open with the system's viewer, remove with a reason."""

import tempfile
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QIcon, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from inspector.attachments import Attachment, copy_for_viewing
from inspector.store import Store
from ui.editor import camera
from ui.editor.evidence_preview import describe, picture_of

THUMB = QSize(96, 72)
PREVIEW = QSize(320, 240)


class EvidenceStrip(QWidget):
    files_dropped = Signal(list)  # local paths
    remove_requested = Signal(str)  # attachment id

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.attachments: dict[str, Attachment] = {}
        self._icons: dict[str, QIcon] = {}  # by SHA-256: a stored file never changes
        self._viewing = Path(tempfile.gettempdir()) / "inspector-evidence"
        self.setAcceptDrops(True)
        self.title = QLabel("证据材料")
        self.hint = QLabel("可把照片或文件拖到这里")
        self.hint.setObjectName("muted")
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 40))
        self.list.setFixedHeight(THUMB.height() + 56)
        self.list.setWrapping(False)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.preview = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(PREVIEW)
        self.preview.setObjectName("evidencePreview")
        self.preview.setStyleSheet("#evidencePreview { border: 1px solid #d0d0d0; }")
        self.caption = QLabel(wordWrap=True)
        self.caption.setObjectName("muted")
        self.add_button = QPushButton("添加照片/文件…")
        self.camera_button = QPushButton("拍照…")
        self.open_button = QPushButton("打开")
        self.remove_button = QPushButton("删除所选")
        self._layout()
        self.add_button.clicked.connect(self._choose_files)
        self.camera_button.clicked.connect(self._take_photo)
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self._remove_selected)
        self.list.currentItemChanged.connect(self._show_current)
        self.list.itemDoubleClicked.connect(self.open_selected)
        self.camera_button.setEnabled(False)  # until shown: asking loads Qt Multimedia
        self._cameras_watched = False
        self._show_current()

    def _layout(self) -> None:
        head = QHBoxLayout()
        for widget in (self.title, self.hint):
            head.addWidget(widget)
        head.addStretch()
        actions = QHBoxLayout()  # a row of their own: beside the title they overflowed at 1024
        for button in (self.add_button, self.camera_button, self.open_button, self.remove_button):
            button.setMinimumHeight(32)
            actions.addWidget(button)
        actions.addStretch()
        shown = QVBoxLayout()
        shown.addWidget(self.preview)
        shown.addWidget(self.caption)
        body = QHBoxLayout()
        body.addWidget(self.list, 1, Qt.AlignmentFlag.AlignTop)
        body.addLayout(shown)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addLayout(actions)
        layout.addLayout(body)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._cameras_watched:
            self._cameras_watched = True
            camera.watch_cameras(self, self._offer_camera)
            self._offer_camera()

    @Slot()
    def _offer_camera(self) -> None:
        reason = camera.unavailable_reason()
        self.camera_button.setEnabled(not reason)
        self.camera_button.setToolTip(reason or "用本机摄像头拍一张现场照片")

    @classmethod
    def ask_files(cls, parent: QWidget) -> list[str]:
        """The file chooser; tests replace this class method."""
        paths, _ = QFileDialog.getOpenFileNames(
            parent,
            "添加证据材料",
            "",
            "照片和文件 (*.jpg *.jpeg *.png *.heic *.pdf *.doc *.docx *.xls *.xlsx);;所有文件 (*)",
        )
        return paths

    @classmethod
    def open_url(cls, url: QUrl) -> bool:
        """Hand a file to the system's viewer; tests replace this class method."""
        return QDesktopServices.openUrl(url)

    def show_attachments(self, found: list[Attachment]) -> None:
        chosen = self.selected()
        self.attachments = {attachment.id: attachment for attachment in found}
        self.list.blockSignals(True)
        self.list.clear()
        for attachment in found:
            entry = QListWidgetItem(self._icon(attachment), _short(attachment.file_name))
            entry.setData(Qt.ItemDataRole.UserRole, attachment.id)
            entry.setToolTip(describe(attachment))
            self.list.addItem(entry)
            if chosen is not None and attachment.id == chosen.id:
                self.list.setCurrentItem(entry)
        self.list.blockSignals(False)
        self.title.setText(f"证据材料（{len(found)}）")
        self._show_current()

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)
        self.camera_button.setVisible(not read_only)
        self.setAcceptDrops(not read_only)

    def selected(self) -> Attachment | None:
        entry = self.list.currentItem()
        return self.attachments.get(entry.data(Qt.ItemDataRole.UserRole)) if entry else None

    @Slot()
    def open_selected(self) -> None:
        """Open the chosen file with the program the system uses for its kind."""
        attachment = self.selected()
        if attachment is not None:
            copy = copy_for_viewing(self.store, attachment, self._viewing)
            if not self.open_url(QUrl.fromLocalFile(str(copy))):
                self.caption.setText(f"本机没有能打开“{attachment.file_name}”的程序")

    @Slot()
    def _show_current(self) -> None:
        attachment = self.selected()
        self.open_button.setEnabled(attachment is not None)
        if attachment is None:
            self.preview.clear()
            self.preview.setText("选中一个文件可在此预览" if self.attachments else "还没有证据材料")
            self.caption.clear()
            return
        picture = picture_of(self.store, attachment, PREVIEW)
        if picture is None:
            self.preview.clear()
            self.preview.setText("此类文件不能预览，\n双击或点“打开”用本机程序查看")
        else:
            self.preview.setPixmap(picture)
        self.caption.setText(describe(attachment))

    def _icon(self, attachment: Attachment) -> QIcon:
        if attachment.sha256 not in self._icons:
            picture = picture_of(self.store, attachment, THUMB)
            self._icons[attachment.sha256] = (
                QIcon(picture)
                if picture is not None
                else self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
            )
        return self._icons[attachment.sha256]

    @Slot()
    def _choose_files(self) -> None:
        paths = self.ask_files(self)
        if paths:
            self.files_dropped.emit(paths)

    def camera_dialog(self) -> camera.CameraDialog:
        """The camera, its photo added as a chosen file is (the same signal, the same checks)."""
        dialog = camera.CameraDialog(self)
        dialog.photo_taken.connect(self._add_photo)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog

    @Slot()
    def _take_photo(self) -> None:
        self.camera_dialog().open()

    @Slot(str)
    def _add_photo(self, path: str) -> None:
        self.files_dropped.emit([path])

    @Slot()
    def _remove_selected(self) -> None:
        for entry in self.list.selectedItems():
            self.remove_requested.emit(entry.data(Qt.ItemDataRole.UserRole))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self.files_dropped.emit(paths)
            event.acceptProposedAction()


def _short(name: str, limit: int = 12) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
