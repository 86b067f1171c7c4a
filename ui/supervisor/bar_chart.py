"""A small bar chart drawn with QPainter (PySide6-Essentials has no QtCharts): one bar per
value, the number written on each bar, the label under it; clicking a bar emits its index."""

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from inspector.dashboard import Chart
from ui import style

BAR_COLOUR = QColor(style.ACCENT)
EMPTY_TEXT = "暂无数据"
LABEL_FLAGS = int(Qt.AlignmentFlag.AlignHCenter.value | Qt.TextFlag.TextWordWrap.value)


class BarChart(QWidget):
    bar_clicked = Signal(int)

    def __init__(self, chart: Chart | None = None, *, colour: QColor = BAR_COLOUR) -> None:
        super().__init__()
        self.chart = chart
        self.colour = colour
        self.setMinimumSize(280, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMouseTracking(True)

    def set_chart(self, chart: Chart) -> None:
        self.chart = chart
        self.setToolTip(f"{chart.title}：点击柱子查看明细")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def bar_rects(self) -> list[QRectF]:
        """Where each bar is drawn (also where a click hits it)."""
        if self.chart is None or not self.chart.bars:
            return []
        plot = self._plot_area()
        highest = max(bar.value for bar in self.chart.bars) or 1
        slot = plot.width() / len(self.chart.bars)
        width = min(56.0, slot * 0.7)
        rects = []
        for n, bar in enumerate(self.chart.bars):
            height = plot.height() * bar.value / highest
            left = plot.left() + n * slot + (slot - width) / 2
            rects.append(QRectF(left, plot.bottom() - height, width, height))
        return rects

    def bar_at(self, x: float, y: float) -> int | None:
        """The bar whose column (from the title to the labels) holds the point."""
        if self.chart is None:
            return None
        plot = self._plot_area()
        for n, rect in enumerate(self.bar_rects()):
            column = QRectF(rect.left(), plot.top(), rect.width(), self.height() - plot.top())
            if column.contains(x, y):
                return n
        return None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if self.chart is None:
            return
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(
            QRectF(8, 4, self.width() - 16, 24), Qt.AlignmentFlag.AlignLeft, self.chart.title
        )
        font.setBold(False)
        painter.setFont(font)
        if self.chart.total == 0:
            painter.setPen(style.GREY)
            painter.drawText(self._plot_area(), Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
            return
        plot = self._plot_area()
        painter.setPen(QColor("#d8dde5"))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        slot = plot.width() / len(self.chart.bars)
        label_font = self._label_font(slot)
        for n, (bar, rect) in enumerate(zip(self.chart.bars, self.bar_rects(), strict=True)):
            painter.fillRect(rect, self.colour)
            painter.setPen(QColor("#222"))
            painter.setFont(font)
            value_box = QRectF(rect.left() - 20, rect.top() - 20, rect.width() + 40, 18)
            painter.drawText(value_box, Qt.AlignmentFlag.AlignCenter, str(bar.value))
            painter.setFont(label_font)
            label_box = QRectF(plot.left() + n * slot, plot.bottom() + 4, slot, 36)
            painter.drawText(label_box, LABEL_FLAGS, bar.label)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self.bar_at(event.position().x(), event.position().y())
        if hit is not None:
            self.bar_clicked.emit(hit)

    def _label_font(self, slot: float) -> QFont:
        """The widget's font, smaller (down to 8 pt) until the longest label fits its slot."""
        font = QFont(self.font())
        font.setPointSizeF(QFontInfo(font).pointSizeF())  # the app font may be set in pixels
        assert self.chart is not None
        longest = max(self.chart.bars, key=lambda bar: len(bar.label)).label
        while font.pointSizeF() > 8 and QFontMetricsF(font).horizontalAdvance(longest) > slot - 2:
            font.setPointSizeF(font.pointSizeF() - 0.5)
        return font

    def _plot_area(self) -> QRectF:
        return QRectF(12, 48, max(1, self.width() - 24), max(1, self.height() - 48 - 44))
