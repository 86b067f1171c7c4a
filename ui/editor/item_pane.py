"""The item in front: question, guidance, legal basis, evidence hint, answer, note, evidence."""

from html import escape

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inspector import legal_bases
from inspector.answer_values import TEXT_LIMIT
from inspector.checklist_model import AnswerType, Item
from ui.editor.answer_widgets import TYPING_PAUSE_MS, AnswerWidget, make_answer_widget
from ui.editor.evidence import EvidenceStrip
from ui.editor.fee_table import FeeTable
from ui.editor.session import InspectionSession


class ItemPane(QWidget):
    answered = Signal(str, object)  # item id, value
    previous_requested = Signal()
    next_requested = Signal()
    next_unanswered_requested = Signal()

    def __init__(self, session: InspectionSession) -> None:
        super().__init__()
        self.session = session
        self.item: Item | None = None
        self.answer: AnswerWidget | None = None
        self.section_label = QLabel()
        self.section_label.setObjectName("muted")
        self.question = QLabel(objectName="question", wordWrap=True)
        self.details = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.answer_box = QVBoxLayout()
        self.totals = QLabel()
        self.note = QPlainTextEdit(placeholderText="备注（可选）：现场情况、查阅的材料…")
        self.note.setMaximumHeight(90)
        self.note_problem = QLabel()
        self.note_problem.setStyleSheet("color: #c62828;")
        self.note_problem.setWordWrap(True)
        self.note_timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self.evidence = EvidenceStrip(session.store)
        self.previous_button = QPushButton("上一项")
        self.next_unanswered_button = QPushButton("下一个未答项")
        self.next_button = QPushButton("下一项")
        self.next_button.setObjectName("primary")
        self._layout()
        self.note.textChanged.connect(self.note_timer.start)
        self.note_timer.timeout.connect(self.flush_note)
        self.previous_button.clicked.connect(self.previous_requested)
        self.next_button.clicked.connect(self.next_requested)
        self.next_unanswered_button.clicked.connect(self.next_unanswered_requested)

    def _layout(self) -> None:
        body = QWidget()
        column = QVBoxLayout(body)
        column.setSpacing(10)
        for widget in (self.section_label, self.question, self.details):
            column.addWidget(widget)
        line = QFrame(frameShape=QFrame.Shape.HLine)
        column.addWidget(line)
        column.addLayout(self.answer_box)
        column.addWidget(self.totals)
        column.addWidget(QLabel("备注"))
        column.addWidget(self.note)
        column.addWidget(self.note_problem)
        column.addWidget(self.evidence)
        column.addStretch()
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addStretch()
        buttons.addWidget(self.next_unanswered_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(scroll)
        layout.addLayout(buttons)

    def show_item(self, item: Item, section_title: str, position: str) -> None:
        self.flush()
        self.item = item
        self.section_label.setText(f"{section_title} · 第 {position} 项")
        required = "" if item.required else "（选答）"
        self.question.setText(item.question + required)
        self.details.setText(_details_html(item))
        if self.answer is not None:
            self.answer_box.removeWidget(self.answer)
            self.answer.hide()
            self.answer.deleteLater()
        self.answer = (
            FeeTable(item) if item.answer_type is AnswerType.TABLE else make_answer_widget(item)
        )
        self.answer.set_value(self.session.answers.get(item.id))
        self.answer.answered.connect(self.answered)
        self.answer_box.addWidget(self.answer)
        self.note.blockSignals(True)
        self.note.setPlainText(self.session.notes.get(item.id, ""))
        self.note.blockSignals(False)
        self.note_problem.setText("")
        self.refresh()

    def refresh_answer(self) -> None:
        """Show the stored answer again (after a refused or cancelled change)."""
        if self.item is not None and self.answer is not None:
            self.answer.set_value(self.session.answers.get(self.item.id))

    def refresh(self) -> None:
        """Redraw what depends on other answers and on stored evidence."""
        if self.item is None:
            return
        editable = self.session.editable
        if self.answer is not None:
            self.answer.setEnabled(editable)
        if isinstance(self.answer, FeeTable):
            self.answer.show_problems(self.session.fee_problems(self.item.id))
        self.note.setReadOnly(not editable)
        self.evidence.set_read_only(not editable)
        self.evidence.show_attachments(self.session.evidence(self.item.id))
        computed = (
            self.session.computed_values() if self.item.answer_type is AnswerType.TABLE else {}
        )
        self.totals.setText("　".join(f"{label}：{value}" for label, value in computed.items()))
        self.totals.setVisible(bool(computed))

    def choose(self, position: int) -> None:
        """Keys 1 to 9 on an item answered with buttons: the n-th button, as a click."""
        answerable = self.item is not None and self.item.answer_type in (
            AnswerType.COMPLIANCE,
            AnswerType.YES_NO,
            AnswerType.SINGLE_CHOICE,
        )
        chooser = getattr(self.answer, "choose", None)
        if chooser is not None and answerable and self.session.editable:
            chooser(position)

    def flush(self) -> None:
        """Save anything typed but not yet saved (leaving the item, closing the window)."""
        if self.answer is not None:
            self.answer.flush()
        self.flush_note()

    @Slot()
    def flush_note(self) -> None:
        self.note_timer.stop()
        if self.item is None or self.note.isReadOnly():
            return
        text = self.note.toPlainText()
        if len(text) > TEXT_LIMIT:
            self.note_problem.setText(
                f"备注已有{len(text)}个字，最多{TEXT_LIMIT}个字，超出时不保存；"
                "请删减，较长的材料请作为证据文件添加"
            )
            return
        self.note_problem.setText("")
        if text != self.session.notes.get(self.item.id, ""):
            self.session.set_note(self.item.id, text)


def _details_html(item: Item) -> str:
    parts = []
    if item.guidance:
        parts.append(f"<p><b>检查方法：</b>{escape(item.guidance)}</p>")
    if item.legal_basis:
        basis = "；".join(escape(text) for text in legal_bases.citations(item.legal_basis))
        parts.append(f"<p><b>依据：</b>{basis}</p>")
    if item.evidence:
        parts.append(f"<p><b>应收集的证据：</b>{escape('、'.join(item.evidence))}</p>")
    return "".join(parts)
