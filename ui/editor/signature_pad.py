"""Draw a signature with mouse, finger or pen (pressure widens the stroke); export as PNG."""

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BASE_WIDTH = 2.5


class SignaturePad(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(420, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.image = QImage(800, 240, QImage.Format.Format_ARGB32)
        self.image.fill(Qt.GlobalColor.white)
        self.last: QPointF | None = None
        self.strokes = 0

    @property
    def is_empty(self) -> bool:
        return self.strokes == 0

    def clear(self) -> None:
        self.image.fill(Qt.GlobalColor.white)
        self.strokes = 0
        self.update()

    def draw_line(self, start: QPointF, end: QPointF, pressure: float = 0.5) -> None:
        """One segment of a stroke; ``pressure`` 0..1 from a pen, 0.5 for a mouse."""
        scale = self.image.width() / max(self.width(), 1)
        painter = QPainter(self.image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(
            QPen(
                Qt.GlobalColor.black,
                BASE_WIDTH * (0.5 + pressure) * scale,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
            )
        )
        painter.drawLine(start * scale, end * scale)
        painter.end()
        self.strokes += 1
        self.update()

    def png_bytes(self) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(self.rect(), self.image)
        painter.setPen(QPen(Qt.GlobalColor.gray, 1, Qt.PenStyle.DashLine))
        baseline = int(self.height() * 0.8)
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        if self.is_empty:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "请在此处签名")
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.last = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.last is not None:
            self.draw_line(self.last, event.position())
            self.last = event.position()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.last = None

    def tabletEvent(self, event: QTabletEvent) -> None:
        position = event.position()
        if event.type() == QTabletEvent.Type.TabletPress:
            self.last = position
        elif event.type() == QTabletEvent.Type.TabletMove and self.last is not None:
            self.draw_line(self.last, position, event.pressure())
            self.last = position
        else:
            self.last = None
        event.accept()
