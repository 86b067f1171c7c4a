"""The safe view of a draft whose stored answers cannot all be read.

The draft opens read-only with the failing items named; the inspector can repair it (the
unreadable answers are cleared, their old values kept in the audit log) or discard the draft
(with a reason, audited). It never locks anyone out of the app.
"""

from html import escape

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ui.editor.session import InspectionSession


class SafeViewBanner(QFrame):
    def __init__(self, session: InspectionSession) -> None:
        super().__init__(objectName="safeView")
        self.session = session
        self.setStyleSheet("#safeView { background: #fff3e0; border: 1px solid #ef6c00; }")
        self.text = QLabel(wordWrap=True)
        self.repair_button = QPushButton("修复：清除无法读取的答案")
        self.discard_button = QPushButton("放弃草稿…")
        for button in (self.repair_button, self.discard_button):
            button.setMinimumHeight(32)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.repair_button)
        buttons.addWidget(self.discard_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        broken = self.session.unreadable
        self.setVisible(bool(broken))
        self.discard_button.setVisible(self.session.discardable)
        positions = {item.id: n for n, item in enumerate(self.session.checklist.items(), 1)}
        lines = "".join(
            f"<li>第 {positions.get(entry.item_id, '?')} 项「{escape(entry.question)}」："
            f"{escape(entry.reason)}</li>"
            for entry in broken
        )
        self.text.setText(
            "<b>这份草稿有答案无法读取，现以只读方式打开，其他内容未受影响。</b>"
            f"<ul>{lines}</ul>"
            "修复会清除这些答案（原值记入执法全过程记录），之后可重新作答；也可以放弃这份草稿。"
        )
