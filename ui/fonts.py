"""The UI font: a Chinese face that is actually installed, at a size people can read."""

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

import reports

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
LARGE_POINT_SIZE = 13.0  # 字号：大 (tablets, glare, older eyes); UX.md asks 12 pt on tablets
FONT_SIZE_KEY = "ui/font_size"  # QSettings: "normal" or "large"


# The fonts the desktop build ships for PDFs (see packaging/inspector.spec); the screen uses
# them too on a machine with no Chinese font of its own (a fresh Debian, a minimal Kylin).
SHIPPED_FONTS = Path(reports.__file__).with_name("fonts")


def point_size(choice: object) -> float:
    """The point size for a stored 字号 choice (anything unknown is normal)."""
    return LARGE_POINT_SIZE if choice == "large" else BASE_POINT_SIZE


def ui_font(size: float = BASE_POINT_SIZE) -> QFont:
    """The first installed family from ``PREFERRED_FAMILIES`` at ``size`` points."""
    family = _preferred(set(QFontDatabase.families()))
    if not family:
        family = _preferred(_add_shipped_fonts())
    font = QFont(family) if family else QFont()
    font.setPointSizeF(size)
    return font


def _preferred(families: set[str]) -> str:
    return next((name for name in PREFERRED_FAMILIES if name in families), "")


def _add_shipped_fonts() -> set[str]:
    """Register the shipped font files with Qt; the families they hold."""
    added: set[str] = set()
    for path in sorted(SHIPPED_FONTS.glob("*.tt[cf]")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            added.update(QFontDatabase.applicationFontFamilies(font_id))
    return added
