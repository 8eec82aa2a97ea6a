"""Builds the Krita plug-in's docker and dialogs with PyQt5 or PyQt6 (argv[1]: 5 or 6) outside Krita, with a stand-in
`krita` module, offscreen: catches Qt5/Qt6 API differences (enums, exec, QAction) that Krita 5.1 alone cannot.
Usage: QT_QPA_PLATFORM=offscreen python3 qt_smoke.py 6 PYKRITA_DIR [SCREENSHOT.png]"""
import sys
import types

major, pykrita = sys.argv[1], sys.argv[2]
binding = "PyQt%s" % major
QtWidgets = __import__(binding + ".QtWidgets", fromlist=["QtWidgets"])  # load it first, as Krita does
QtGui = __import__(binding + ".QtGui", fromlist=["QtGui"])
app = QtWidgets.QApplication([])


class _Doc:
    def annotation(self, key):
        return None


class _Krita:
    registered = []

    @staticmethod
    def instance():
        return _Krita()

    def activeDocument(self):
        return _Doc()

    def addExtension(self, ext):
        self.registered.append(type(ext).__name__)

    def addDockWidgetFactory(self, factory):
        self.registered.append(factory.args[0])


class _Factory:
    def __init__(self, *args):
        self.args = args


fake = types.ModuleType("krita")
fake.DockWidget = type("DockWidget", (QtWidgets.QDockWidget,), {})
fake.Krita = _Krita
fake.DockWidgetFactory = _Factory
fake.DockWidgetFactoryBase = type("DockWidgetFactoryBase", (), {"DockRight": 2})
fake.Extension = type("Extension", (), {"__init__": lambda self, parent=None: None})
sys.modules["krita"] = fake
sys.path.insert(0, pykrita)
sys.path.insert(0, pykrita + "/likeness")

from likeness import qt_compat  # noqa: E402
assert qt_compat.QT6 == (major == "6"), "qt_compat picked the wrong binding"
from likeness import docker, extension  # noqa: E402,F401
assert _Krita.registered == ["LikenessExtension", "likeness_docker"], _Krita.registered

d = docker.LikenessDocker()
d.check_pending()
methods = [{"id": "textual-inversion", "title": "Textual Inversion"}, {"id": "dreambooth", "title": "DreamBooth"}]
d._concepts_loaded(("Likeness 0.1.0 at http://127.0.0.1:1", [{"name": "my-cat", "token": "<my-cat>"}], methods))
assert d._methods == methods, d._methods
d.concept.setCurrentIndex(1)
d._concept_picked(1)
assert "<my-cat>" in d.prompt.toPlainText(), d.prompt.toPlainText()
d.strength.setValue(35)
assert d.strength_label.text() == "0.35"

# a live preview (as the server sends it) shows in the docker, and goes when the result lands
import likeness_png  # noqa: E402
gradient = bytes(v for y in range(32) for x in range(48) for v in (x * 5, y * 7, 128, 255))
d._show_preview({"step": 3, "total": 6, "png": likeness_png.encode_rgba(48, 32, gradient)})
assert not d.preview.isHidden(), "the preview label is shown"
shown = d.preview.pixmap().toImage()
assert (shown.width(), shown.height()) == (48, 32), (shown.width(), shown.height())
colours = {shown.pixel(x, y) for y in range(0, 32, 4) for x in range(0, 48, 4)}
assert len(colours) > 20, "the preview is a picture, not a blank: %d colours" % len(colours)
assert "step 3 of 6" in d.preview.toolTip(), d.preview.toolTip()
d._show_preview(None)
assert d.preview.isHidden(), "the preview goes once the result has landed"

# a training job's loss curve, drawn from the moving averages its progress carried
d._show_curve([0.9, 0.7, 0.75, 0.5, 0.4])
assert not d.curve.isHidden(), "the loss curve is shown while training"
curve = d.curve.pixmap().toImage()
lit = sum(1 for y in range(curve.height()) for x in range(curve.width()) if QtGui.QColor(curve.pixel(x, y)).blue() > 200)
assert lit > 100, "the curve is drawn: %d line pixels" % lit
assert "5 steps" in d.curve.toolTip() and "now 0.4000" in d.curve.toolTip(), d.curve.toolTip()
if len(sys.argv) > 3:  # a screenshot of the docker while a concept trains: its latest sample and the curve
    big = bytes(v for y in range(96) for x in range(128) for v in (x * 2, y * 2, 128, 255))
    d._show_preview({"step": 6, "total": 6, "png": likeness_png.encode_rgba(128, 96, big)})
    d.progress.setValue(600)
    d.progress.setFormat("training 60/100, loss 0.4000")
    d.resize(300, 760)
    d.show()
    app.processEvents()
    assert d.grab().save(sys.argv[3]), "screenshot written"
    d._show_preview(None)
d._show_curve([])
assert d.curve.isHidden(), "no curve outside training"

# the concept picker shows each concept's thumbnail (its last training sample)
d._concepts_loaded(("Likeness", [{"name": "my-cat", "token": "<my-cat>"}, {"name": "bare", "token": "<bare>"}],
                    methods, {"my-cat": likeness_png.encode_rgba(48, 32, gradient), "bare": None}))
assert not d.concept.itemIcon(1).isNull(), "a concept with a sample has its thumbnail"
assert d.concept.itemIcon(2).isNull(), "a concept without one has none"
assert [m for m in sys.modules if m.startswith("PyQt") and not m.startswith(binding)] == [], "mixed Qt bindings"
print("qt smoke %s: PASS" % binding)
