"""One accent colour, status colours only for status (UX.md), touch-friendly sizes."""

from PySide6.QtGui import QColor

ACCENT = "#1f5fa8"
RED = QColor("#c62828")  # overdue, not compliant
AMBER = QColor("#b26a00")  # due within 7 days
GREEN = QColor("#2e7d32")  # compliant, closed
GREY = QColor("#6b6b6b")  # not applicable

STYLE_SHEET = f"""
QListWidget#nav {{ background: #f3f5f8; border: none; border-right: 1px solid #d8dde5; outline: 0;
    font-size: 12pt; padding-top: 8px; }}
QListWidget#nav::item {{ padding: 10px 16px; min-height: 28px; }}
QListWidget#nav::item:selected {{ background: {ACCENT}; color: white; }}
QLabel#screenTitle {{ font-size: 15pt; font-weight: bold; padding: 4px 0; }}
QLabel#question {{ font-size: 13pt; font-weight: bold; }}
QLabel#muted {{ color: #555; }}
QLabel#saved {{ color: #2e7d32; }}
QPushButton {{ min-height: 36px; padding: 2px 14px; }}  /* with borders: 40 px for a pen */
QPushButton#primary {{ background: {ACCENT}; color: white; border: none; border-radius: 4px; }}
QPushButton#primary:disabled {{ background: #9fb3cc; }}
QPushButton:checked {{ background: {ACCENT}; color: white; }}
QLineEdit, QComboBox, QDateEdit, QDateTimeEdit, QSpinBox, QDoubleSpinBox {{ min-height: 34px; }}
QTableView {{ gridline-color: #e3e6eb; }}
QTreeView::item {{ min-height: 32px; }}  /* a pen's target (UX.md) */
QListWidget::item {{ min-height: 32px; }}
QCheckBox, QRadioButton {{ min-height: 32px; spacing: 8px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 20px; height: 20px; }}
QTableView::indicator {{ width: 20px; height: 20px; }}
QHeaderView::section {{ padding: 6px; background: #f3f5f8; border: none;
    border-bottom: 1px solid #d8dde5; }}
"""
