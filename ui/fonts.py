"""The UI font: a Chinese face that is actually installed, at a size people can read."""

from PySide6.QtGui import QFont, QFontDatabase

# First match wins: Windows faces, then the Linux faces the setup script installs.
PREFERRED_FAMILIES = (
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "PingFang SC",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
    "SimSun",
)
BASE_POINT_SIZE = 10.5  # UX.md: at least 10.5 pt on laptops


def ui_font() -> QFont:
    """The first installed family from ``PREFERRED_FAMILIES`` at the base size."""
    installed = set(QFontDatabase.families())
    family = next((name for name in PREFERRED_FAMILIES if name in installed), "")
    font = QFont(family) if family else QFont()
    font.setPointSizeF(BASE_POINT_SIZE)
    return font
