"""The evidence strip of an item: thumbnails, 添加照片/文件, drag and drop, remove with reason."""

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QPixmap
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

from inspector.attachments import Attachment, has_content, read_bytes
from inspector.store import Store

THUMB = QSize(96, 72)


class EvidenceStrip(QWidget):
    files_dropped = Signal(list)  # local paths
    remove_requested = Signal(str)  # attachment id

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
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
        self.add_button = QPushButton("添加照片/文件…")
        self.remove_button = QPushButton("删除所选")
        head = QHBoxLayout()
        for widget in (self.title, self.hint):
            head.addWidget(widget)
        head.addStretch()
        head.addWidget(self.add_button)
        head.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.list)
        self.add_button.clicked.connect(self._choose_files)
        self.remove_button.clicked.connect(self._remove_selected)

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

    def show_attachments(self, found: list[Attachment]) -> None:
        self.list.clear()
        for attachment in found:
            entry = QListWidgetItem(self._icon(attachment), _short(attachment.file_name))
            entry.setData(Qt.ItemDataRole.UserRole, attachment.id)
            entry.setToolTip(attachment.file_name)
            self.list.addItem(entry)
        self.title.setText(f"证据材料（{len(found)}）")

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)
        self.setAcceptDrops(not read_only)

    def _icon(self, attachment: Attachment) -> QIcon:
        if attachment.is_image and has_content(self.store, attachment.sha256):
            pixmap = QPixmap()
            pixmap.loadFromData(read_bytes(self.store, attachment.sha256))
            if not pixmap.isNull():
                return QIcon(pixmap.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
        return self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    @Slot()
    def _choose_files(self) -> None:
        paths = self.ask_files(self)
        if paths:
            self.files_dropped.emit(paths)

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
