"""Qt's own Chinese: the standard dialogs and buttons (file dialogs, calendar, OK / Cancel,
the message box's buttons) come from Qt's catalogue, not from our code.

Only ``qtbase_zh_CN.qm`` is loaded (about 150 KB, a few milliseconds): it holds every string
of QtWidgets and QtGui; the other catalogues are for tools we do not ship.
"""

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def install_chinese(app: QApplication) -> bool:
    """Make zh_CN the default locale and load Qt's Chinese catalogue once; False if missing."""
    QLocale.setDefault(CHINESE)
    if app.findChild(QTranslator, "qtbase_zh_CN") is not None:
        return True
    translator = QTranslator(app)
    translator.setObjectName("qtbase_zh_CN")
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(CHINESE, "qtbase", "_", folder):
        translator.deleteLater()
        return False
    return app.installTranslator(translator)
