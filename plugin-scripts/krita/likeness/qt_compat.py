"""PyQt5 (Krita 5) or PyQt6 (Krita 6): whichever Krita itself loaded. Importing the other one breaks Krita 6
("This version of Krita is not compatible with PyQt5"), so the choice follows what is already in sys.modules."""

import sys


def _use_qt6():
    if "PyQt6" in sys.modules:
        return True
    if "PyQt5" in sys.modules:
        return False
    try:
        import PyQt5  # noqa: F401
        return False
    except ImportError:
        return True


QT6 = _use_qt6()

if QT6:
    from PyQt6 import QtCore, QtGui, QtWidgets  # noqa: F401
else:
    from PyQt5 import QtCore, QtGui, QtWidgets  # noqa: F401

QByteArray = QtCore.QByteArray
QTimer = QtCore.QTimer


def exec_dialog(dialog):
    """exec() (Qt6) / exec_() (Qt5); True when accepted."""
    run = getattr(dialog, "exec", None) or dialog.exec_
    return bool(run())


def process_events():
    QtCore.QCoreApplication.processEvents()

