"""The main window. For now it shows what the store holds; the UI issue replaces it."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from inspector.counts import StoreCounts

_ROWS = (
    ("organizations", "检查对象（社会组织）"),
    ("inspectors", "执法人员"),
    ("checklists", "检查表"),
    ("tasks", "检查任务"),
    ("inspections", "检查记录"),
    ("findings", "发现问题"),
    ("open_findings", "待整改问题"),
)


class MainWindow(QMainWindow):
    def __init__(self, counts: StoreCounts, db_label: str) -> None:
        super().__init__()
        self.setWindowTitle("社会组织现场检查")
        central = QWidget()
        layout = QVBoxLayout(central)
        title = QLabel("工作台")
        title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        layout.addWidget(title)
        form = QFormLayout()
        self.count_labels: dict[str, QLabel] = {}
        for key, label in _ROWS:
            value = QLabel(f"{getattr(counts, key):,}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.count_labels[key] = value
            form.addRow(label, value)
        layout.addLayout(form)
        layout.addStretch()
        self.setCentralWidget(central)
        self.statusBar().showMessage(f"离线 · 数据库：{db_label}")
