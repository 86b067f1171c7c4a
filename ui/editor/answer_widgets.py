"""One answer control per answer type; each emits ``answered(value)`` in the stored shape.

Buttons are large enough for a pen (40 px); text is saved shortly after typing stops and
again when the field loses focus, so nothing typed is lost.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QDate, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inspector.checklist_model import AnswerType, Choice, Item

TYPING_PAUSE_MS = 600
COMPLIANCE = (("compliant", "符合"), ("not_compliant", "不符合"), ("not_applicable", "不适用"))


class AnswerWidget(QWidget):
    answered = Signal(object)

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        """Emit a pending typed value now (before leaving the item)."""


class _ButtonsAnswer(AnswerWidget):
    """Exclusive buttons: compliance, yes/no, single choice."""

    def __init__(self, options: list[tuple[Any, str]], *, numbered: bool, radio: bool) -> None:
        super().__init__()
        self.values = [value for value, _ in options]
        self.group = QButtonGroup(self)
        layout: QHBoxLayout | QVBoxLayout = QVBoxLayout(self) if radio else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for position, (_, label) in enumerate(options):
            text = f"{position + 1}  {label}" if numbered else label
            button: QAbstractButton = QRadioButton(text) if radio else QPushButton(text)
            button.setCheckable(True)
            button.setMinimumHeight(40)
            if not radio:
                button.setMinimumWidth(110)
            self.group.addButton(button, position)
            layout.addWidget(button)
        if not radio:
            layout.addStretch()
        self.group.idClicked.connect(self._clicked)

    def set_value(self, value: Any) -> None:
        position = self.values.index(value) if value in self.values else -1
        self.group.setExclusive(False)
        for button in self.group.buttons():
            button.setChecked(self.group.id(button) == position)
        self.group.setExclusive(True)

    def choose(self, position: int) -> None:
        """Answer by number (keys 1/2/3)."""
        if 0 <= position < len(self.values):
            self.group.button(position).setChecked(True)
            self._clicked(position)

    @Slot(int)
    def _clicked(self, position: int) -> None:
        self.answered.emit(self.values[position])


class _MultiChoiceAnswer(AnswerWidget):
    def __init__(self, choices: list[Choice]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for choice in choices:
            box = QCheckBox(choice.label)
            box.setMinimumHeight(32)
            box.toggled.connect(self._toggled)
            layout.addWidget(box)
            self.boxes.append((choice.value, box))

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for stored, box in self.boxes:
            box.blockSignals(True)
            box.setChecked(stored in chosen)
            box.blockSignals(False)

    @Slot()
    def _toggled(self) -> None:
        self.answered.emit([stored for stored, box in self.boxes if box.isChecked()])


class _TypedAnswer(AnswerWidget):
    """Free text, numbers and money: saved after a pause in typing and on leaving the field."""

    def __init__(self, answer_type: AnswerType) -> None:
        super().__init__()
        self.answer_type = answer_type
        multiline = answer_type is AnswerType.TEXT
        self.editor: QLineEdit | QPlainTextEdit = QPlainTextEdit() if multiline else QLineEdit()
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)
        layout.addWidget(self.problem)
        if multiline:
            self.editor.setMaximumHeight(120)
        else:
            hint = "金额（元），例如 12800.00" if answer_type is AnswerType.MONEY else "数值"
            self.editor.setPlaceholderText(hint)
        self.timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self.timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self.timer.start)
        self._last: Any = None

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    def set_value(self, value: Any) -> None:
        self._last = value
        self.editor.blockSignals(True)
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText("" if value is None else str(value))
        else:
            self.editor.setText("" if value is None else str(value))
        self.editor.blockSignals(False)

    @Slot()
    def flush(self) -> None:
        self.timer.stop()
        try:
            value = parse_typed(self.answer_type, self.text())
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        if value != self._last:
            self._last = value
            self.answered.emit(value)

    def focusOutEvent(self, event: Any) -> None:
        self.flush()
        super().focusOutEvent(event)


def parse_typed(answer_type: AnswerType, text: str) -> Any:
    """The stored value of typed text; ``ValueError`` with a Chinese message when invalid."""
    text = text.strip()
    if answer_type is AnswerType.TEXT or not text:
        return text or None
    try:
        amount = Decimal(text.replace(",", "").replace("¥", ""))
    except InvalidOperation:
        raise ValueError(f"“{text}”不是有效的数字，请只填写数字") from None
    if answer_type is AnswerType.MONEY:
        return f"{amount.quantize(Decimal('0.01'))}"
    return int(amount) if amount == amount.to_integral_value() else float(amount)


class _DateAnswer(AnswerWidget):
    def __init__(self) -> None:
        super().__init__()
        self.edit = QDateEdit(calendarPopup=True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setSpecialValueText("未填写")
        self.edit.setMinimumDate(QDate(1949, 10, 1))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addStretch()
        self.edit.dateChanged.connect(self._changed)

    def set_value(self, value: Any) -> None:
        self.edit.blockSignals(True)
        date = QDate.fromString(value, "yyyy-MM-dd") if value else self.edit.minimumDate()
        self.edit.setDate(date)
        self.edit.blockSignals(False)

    @Slot(QDate)
    def _changed(self, date: QDate) -> None:
        minimum = date == self.edit.minimumDate()
        self.answered.emit(None if minimum else date.toString("yyyy-MM-dd"))


def make_answer_widget(item: Item) -> AnswerWidget:
    """The control for ``item`` (tables have their own widget, ``FeeTable``)."""
    kind = item.answer_type
    if kind is AnswerType.COMPLIANCE:
        return _ButtonsAnswer(list(COMPLIANCE), numbered=True, radio=False)
    if kind is AnswerType.YES_NO:
        return _ButtonsAnswer([(True, "是"), (False, "否")], numbered=True, radio=False)
    if kind is AnswerType.SINGLE_CHOICE:
        options = [(choice.value, choice.label) for choice in item.choices]
        return _ButtonsAnswer(options, numbered=False, radio=True)
    if kind is AnswerType.MULTI_CHOICE:
        return _MultiChoiceAnswer(item.choices)
    if kind is AnswerType.DATE:
        return _DateAnswer()
    return _TypedAnswer(kind)


def answer_label(item: Item, value: Any) -> str:
    """A short reading of a stored answer for the item tree."""
    if value is None or value == "" or value == []:
        return "未答"
    if item.answer_type is AnswerType.COMPLIANCE:
        return dict(COMPLIANCE).get(value, str(value))
    if item.answer_type is AnswerType.YES_NO:
        return "是" if value else "否"
    return "已答"
