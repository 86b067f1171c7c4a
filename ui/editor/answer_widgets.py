"""One answer control per answer type; each emits ``answered(item_id, value)``, stored shape.

The item id travels with the value: a widget answers for the item it was made for, whatever
item the editor shows by the time a late edit (a cell editor closing) reaches it.

The main answer buttons are large enough for a pen (40 px) and carry the number key that
picks them (1 to 9); text is saved shortly after typing stops and again when the field loses
focus, so nothing typed is lost.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCalendarWidget,
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

from inspector.answer_values import TEXT_LIMIT
from inspector.checklist_model import (
    COMPLIANCE_LABELS,
    COMPLIANCE_VALUES,
    AnswerType,
    Choice,
    Item,
)
from inspector.completion import is_answered

TYPING_PAUSE_MS = 600
ANSWER_TARGET = 40  # px: the main answer buttons (UX.md: a pen's target)
CHOICE_KEYS = 9  # keys 1 to 9 pick the first nine answers of a button item
# The application style sheet gives every radio and check box 32 px; an answer gets more.
_ANSWER_STYLE = f"QRadioButton, QCheckBox {{ min-height: {ANSWER_TARGET}px; }}"


class AnswerWidget(QWidget):
    answered = Signal(str, object)  # the item this widget was made for, the value
    item_id = ""

    def emit_answer(self, value: Any) -> None:
        self.answered.emit(self.item_id, value)

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        """Emit a pending typed value now (before leaving the item)."""


class _ButtonsAnswer(AnswerWidget):
    """Exclusive buttons: compliance, yes/no, single choice; each shows its number key."""

    def __init__(self, options: list[tuple[Any, str]], *, radio: bool) -> None:
        super().__init__()
        self.values = [value for value, _ in options]
        self.group = QButtonGroup(self)
        layout: QHBoxLayout | QVBoxLayout = QVBoxLayout(self) if radio else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.setStyleSheet(_ANSWER_STYLE)
        for position, (_, label) in enumerate(options):
            text = f"{position + 1}  {label}" if position < CHOICE_KEYS else label
            button: QAbstractButton = QRadioButton(text) if radio else QPushButton(text)
            button.setCheckable(True)
            button.setMinimumHeight(ANSWER_TARGET)
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
        """Answer by number (keys 1 to 9), as a click on that button does; a number with no
        button does nothing."""
        if 0 <= position < len(self.values):
            self.group.button(position).setChecked(True)
            self._clicked(position)

    @Slot(int)
    def _clicked(self, position: int) -> None:
        self.emit_answer(self.values[position])


class _MultiChoiceAnswer(AnswerWidget):
    def __init__(self, choices: list[Choice]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.setStyleSheet(_ANSWER_STYLE)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for choice in choices:
            box = QCheckBox(choice.label)
            box.setMinimumHeight(ANSWER_TARGET)
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
        self.emit_answer([stored for stored, box in self.boxes if box.isChecked()])


class _TypedAnswer(AnswerWidget):
    """Free text, numbers, money and dates: saved after a pause in typing and on leaving the
    item; text that cannot be read stays in the field with a message saying why."""

    def __init__(self, answer_type: AnswerType) -> None:
        super().__init__()
        self.answer_type = answer_type
        multiline = answer_type is AnswerType.TEXT
        self.editor: QLineEdit | QPlainTextEdit = QPlainTextEdit() if multiline else QLineEdit()
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        self.row = QHBoxLayout()
        self.row.addWidget(self.editor, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.row)
        layout.addWidget(self.problem)
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setMaximumHeight(120)
        else:
            self.editor.setPlaceholderText(_HINTS.get(answer_type, ""))
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
        self.set_text("" if value is None else str(value))

    def set_text(self, text: str) -> None:
        self.editor.blockSignals(True)
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(text)
        else:
            self.editor.setText(text)
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
            self.emit_answer(value)


_HINTS = {
    AnswerType.MONEY: "金额（元），例如 12800.00",
    AnswerType.NUMBER: "数量（不小于 0）",
    AnswerType.DATE: "例如 2026-11-21",
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def parse_typed(answer_type: AnswerType, text: str) -> Any:
    """The stored value of typed text; ``ValueError`` with a Chinese message when invalid.

    The rules are the core's (``inspector.answer_values``); here they are said while typing.
    """
    text = text.strip()
    if not text:
        return None
    if answer_type is AnswerType.TEXT:
        if len(text) > TEXT_LIMIT:
            raise ValueError(f"已填写{len(text)}个字，最多{TEXT_LIMIT}个字")
        return text
    if answer_type is AnswerType.DATE:
        return _parse_date(text)
    try:
        amount = Decimal(text.replace(",", "").replace("，", "").replace("¥", "").strip())
    except InvalidOperation:
        raise ValueError(f"“{text}”不是有效的数字，请只填写数字") from None
    if not amount.is_finite():
        raise ValueError(f"“{text}”不是有效的数字，请只填写数字")
    if amount < 0:
        raise ValueError(
            f"“{text}”是负数，{'金额' if answer_type is AnswerType.MONEY else '数量'}不能小于 0"
        )
    if answer_type is AnswerType.MONEY:
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"“{text}”超过两位小数：金额以元为单位，精确到分")
        return f"{amount.quantize(Decimal('0.01'))}"
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _parse_date(text: str) -> str:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"“{text}”不是有效的日期，请按 2026-11-21 的格式填写，或点“日历”选择")


def zh_locale() -> QLocale:
    return QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def zh_date_edit(parent: QWidget | None = None) -> QDateEdit:
    """A date editor in Chinese that opens on today (not on its minimum date)."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setLocale(zh_locale())
    edit.calendarWidget().setLocale(zh_locale())
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate.currentDate())
    return edit


ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_digit(event: QKeyEvent) -> bool:
    """A plain digit (top row or keypad): text typed, or the editor's answer-by-number key."""
    plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return plain == Qt.KeyboardModifier.NoModifier and Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_9


class KeysStayHere(QObject):
    """Event filter: Enter (and, with ``digits``, the digits) go to the watched widget — a
    calendar, a table that starts editing on a key — not to the editor's 下一项 and
    answer-by-number shortcuts."""

    def __init__(self, parent: QObject, *, enter: bool = True, digits: bool = True) -> None:
        super().__init__(parent)
        self.enter = enter
        self.digits = digits

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            entering = self.enter and event.key() in ENTER_KEYS
            if entering or (self.digits and is_digit(event)):
                event.accept()
        return False


class _DateAnswer(_TypedAnswer):
    """A date typed (2026-11-21, 2026/11/21, 2026年11月21日) or picked from a Chinese calendar
    shown under the field (no popup window: pen-friendly), opening on the date already given,
    else today."""

    def __init__(self) -> None:
        super().__init__(AnswerType.DATE)
        self.pick_button = QPushButton("日历…")
        self.pick_button.setMinimumHeight(32)
        self.pick_button.setCheckable(True)
        self.row.addWidget(self.pick_button)
        self.row.addStretch(1)
        self.calendar = QCalendarWidget()
        self.calendar.setLocale(zh_locale())
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setMaximumWidth(420)
        self.calendar.hide()
        self.keys_filter = KeysStayHere(self)  # Enter picks the day, digits type a date
        for part in self.calendar.findChildren(QWidget):
            part.installEventFilter(self.keys_filter)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.calendar)
        self.pick_button.toggled.connect(self.show_calendar)
        self.calendar.activated.connect(self._picked)
        self.calendar.clicked.connect(self._picked)

    @Slot(bool)
    def show_calendar(self, shown: bool) -> None:
        if shown:
            try:
                typed = parse_typed(AnswerType.DATE, self.text())
            except ValueError:
                typed = None
            start = QDate.fromString(typed, "yyyy-MM-dd") if typed else QDate.currentDate()
            self.calendar.setSelectedDate(start)
        self.calendar.setVisible(shown)
        if shown:
            self.calendar.setFocus()

    @Slot(QDate)
    def _picked(self, date: QDate) -> None:
        self.set_text(date.toString("yyyy-MM-dd"))
        self.pick_button.setChecked(False)
        self.flush()


def compliance_options(item: Item) -> list[tuple[Any, str]]:
    """The three answers in the item's own words, each saying what it means (符合 / 不符合)."""
    return [(value, item.compliance_text(value)) for value in COMPLIANCE_VALUES]


def make_answer_widget(item: Item) -> AnswerWidget:
    """The control for ``item`` (tables have their own widget, ``FeeTable``)."""
    widget = _widget_for(item)
    widget.item_id = item.id
    return widget


def _widget_for(item: Item) -> AnswerWidget:
    kind = item.answer_type
    if kind is AnswerType.COMPLIANCE:
        return _ButtonsAnswer(compliance_options(item), radio=False)
    if kind is AnswerType.YES_NO:
        return _ButtonsAnswer([(True, "是"), (False, "否")], radio=False)
    if kind is AnswerType.SINGLE_CHOICE:
        options = [(choice.value, choice.label) for choice in item.choices]
        return _ButtonsAnswer(options, radio=True)
    if kind is AnswerType.MULTI_CHOICE:
        return _MultiChoiceAnswer(item.choices)
    if kind is AnswerType.DATE:
        return _DateAnswer()
    return _TypedAnswer(kind)


def answer_label(item: Item, value: Any) -> str:
    """A short reading of a stored answer for the item tree."""
    if not is_answered(value):
        return "未答"
    if item.answer_type is AnswerType.COMPLIANCE and isinstance(value, str):
        labels = item.answer_labels
        return labels.label(value) if labels else COMPLIANCE_LABELS.get(value, value)
    if item.answer_type is AnswerType.YES_NO:
        return "是" if value else "否"
    return "已答"
