"""The Likeness docker: prompt, concept picker, generation settings, progress bar and Cancel. All server work
runs through krita_ops (worker threads); a QTimer polls them on the UI thread."""

from krita import DockWidget, Krita

import likeness_client as lc
import likeness_jobs as jobs

from . import dialogs
from . import krita_layers as kl
from . import krita_ops as ops
from .qt_compat import QTimer, QtGui, QtWidgets

DOCKER_ID = "likeness_docker"
_instances = []


def current():
    """The docker of the active window, if one is open (menu actions use its settings)."""
    return _instances[-1] if _instances else None


class LikenessDocker(DockWidget):
    def __init__(self):
        super().__init__()
        self.setWindowTitle("Likeness")
        self.op = None
        self._concept_task = None
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._tick)
        self._build()
        _instances.append(self)
        self.refresh_concepts()

    # -- layout --------------------------------------------------------------------------------------------------
    def _build(self):
        W = QtWidgets
        root = W.QWidget(self)
        form = W.QFormLayout()
        self.status = W.QLabel("Not connected yet")
        self.status.setWordWrap(True)
        self.concept = W.QComboBox()
        self.concept.activated.connect(self._concept_picked)
        refresh = W.QPushButton("Refresh")
        refresh.clicked.connect(self.refresh_concepts)
        row = W.QHBoxLayout()
        row.addWidget(self.concept, 1)
        row.addWidget(refresh)
        self.prompt = W.QPlainTextEdit("a photo of {}")
        self.prompt.setMaximumHeight(70)
        self.negative = W.QLineEdit()
        self.count = _spin(1, 16, 4)
        self.seed = _spin(-1, 2 ** 31 - 1, -1)
        self.seed.setSpecialValueText("random")
        self.steps = _spin(1, 200, 30)
        self.guidance = W.QDoubleSpinBox()
        self.guidance.setRange(0, 30)
        self.guidance.setValue(7.5)
        self.width_box = _spin(0, 2048, 0, 8)
        self.width_box.setSpecialValueText("auto")
        self.height_box = _spin(0, 2048, 0, 8)
        self.height_box.setSpecialValueText("auto")
        size = W.QHBoxLayout()
        size.addWidget(self.width_box)
        size.addWidget(W.QLabel("x"))
        size.addWidget(self.height_box)
        self.layout_retouch = W.QCheckBox("Layout-and-Retouch")
        self.strength = W.QSlider()
        self.strength.setOrientation(_horizontal())
        self.strength.setRange(1, 100)
        self.strength.setValue(60)
        self.strength_label = W.QLabel("0.60")
        self.strength.valueChanged.connect(lambda v: self.strength_label.setText("%.2f" % (v / 100.0)))
        strength = W.QHBoxLayout()
        strength.addWidget(self.strength, 1)
        strength.addWidget(self.strength_label)

        form.addRow(self.status)
        form.addRow("Concept", row)
        form.addRow("Prompt", self.prompt)
        form.addRow("Negative", self.negative)
        form.addRow("Count", self.count)
        form.addRow("Seed", self.seed)
        form.addRow("Steps", self.steps)
        form.addRow("Guidance", self.guidance)
        form.addRow("Size", size)
        form.addRow("", self.layout_retouch)
        form.addRow("Strength", strength)

        buttons = W.QGridLayout()
        for i, (text, slot) in enumerate([("Generate", self.generate), ("Retouch", self.retouch),
                                          ("Refine", self.refine), ("Personalize...", self.personalize)]):
            b = W.QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b, i // 2, i % 2)
        self.progress = W.QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat("")
        self.progress.setTextVisible(True)
        self.cancel_button = W.QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        prog = W.QHBoxLayout()
        prog.addWidget(self.progress, 1)
        prog.addWidget(self.cancel_button)
        self.preview = W.QLabel("")  # the live preview while a generation samples
        self.preview.setObjectName("likeness-preview")
        self.preview.setVisible(False)
        self._preview_shown = None
        self.curve = W.QLabel("")  # a training job's loss curve (moving average per step)
        self.curve.setObjectName("likeness-loss-curve")
        self.curve.setVisible(False)
        self._curve_points = 0
        self.message = W.QLabel("")
        self.message.setWordWrap(True)
        self.fetch_button = W.QPushButton("Fetch finished results")
        self.fetch_button.clicked.connect(self.fetch)
        self.fetch_button.setVisible(False)
        settings = W.QPushButton("Server settings...")
        settings.clicked.connect(self.settings)

        outer = W.QVBoxLayout(root)
        outer.addLayout(form)
        outer.addLayout(buttons)
        outer.addLayout(prog)
        outer.addWidget(self.preview)
        outer.addWidget(self.curve)
        outer.addWidget(self.message)
        outer.addWidget(self.fetch_button)
        outer.addWidget(settings)
        outer.addStretch(1)
        self.setWidget(root)

    # -- Krita hooks ---------------------------------------------------------------------------------------------
    def canvasChanged(self, canvas):
        self.check_pending()

    def check_pending(self):
        """Offers to fetch results when the active document records jobs (e.g. after reopening it)."""
        doc = Krita.instance().activeDocument()
        n = len(ops.pending_jobs(doc)) if doc is not None else 0
        self.fetch_button.setText("Fetch finished results (%d job%s recorded in this document)"
                                  % (n, "" if n == 1 else "s"))
        self.fetch_button.setVisible(n > 0 and not (self.op and self.op.running))

    # -- concepts ------------------------------------------------------------------------------------------------
    def refresh_concepts(self):
        self.status.setText("Connecting...")
        try:
            client = lc.connect()
        except lc.LikenessError as e:
            self.status.setText(e.message)
            return
        from likeness_tasks import BackgroundTask

        def flow(c, report=None, started=None):
            concepts = c.concepts()
            thumbs = {}
            for concept in concepts:  # the picker shows each concept's last training sample
                try:
                    thumbs[concept["name"]] = c.concept_thumbnail(concept["name"])
                except lc.LikenessError:
                    thumbs[concept["name"]] = None
            return c.check(), concepts, jobs.server_methods(c), thumbs
        self._concept_task = BackgroundTask(flow, client).start()
        self._timer.start()

    def _concepts_loaded(self, value):
        line, concepts, self._methods = value[:3]
        thumbs = value[3] if len(value) > 3 else {}
        self.status.setText(line)
        keep = self.concept_name()
        self.concept.clear()
        self.concept.addItem("(no concept)", "")
        self._concepts = {c["name"]: c for c in concepts}
        for c in concepts:
            label = "%s  %s" % (c["name"], c.get("token", ""))
            pixmap = QtGui.QPixmap()
            if thumbs.get(c["name"]) and pixmap.loadFromData(thumbs[c["name"]], "PNG"):
                self.concept.addItem(QtGui.QIcon(pixmap), label, c["name"])
            else:
                self.concept.addItem(label, c["name"])
        i = self.concept.findData(keep)
        self.concept.setCurrentIndex(max(0, i))

    def concept_name(self):
        return self.concept.currentData() or ""

    def _concept_picked(self, _index):
        name = self.concept_name()
        if name:
            concept = getattr(self, "_concepts", {}).get(name, {"name": name})
            self.prompt.setPlainText(jobs.prompt_for_concept(self.prompt.toPlainText(), concept))

    # -- actions -------------------------------------------------------------------------------------------------
    def _doc_and_node(self):
        doc = Krita.instance().activeDocument()
        if doc is None:
            raise lc.LikenessError("Open or create a document first.")
        node = doc.activeNode()
        return doc, node

    def _start(self, make):
        if self.op is not None and self.op.running:
            self.message.setText("A Likeness job is running; wait for it or cancel it.")
            return
        try:
            self.op = make().start()
        except lc.LikenessError as e:
            self.message.setText(e.message)
            return
        self.message.setText("")
        self.progress.setValue(0)
        self.progress.setFormat(self.op.text)
        self.cancel_button.setEnabled(True)
        self.fetch_button.setVisible(False)
        self._timer.start()

    def generate(self):
        def make():
            doc, node = self._doc_and_node()
            return ops.generate(doc, node, self.prompt.toPlainText(), self.negative.text(), self.concept_name(),
                                self.count.value(), self.seed.value(), self.steps.value(), self.guidance.value(),
                                self.width_box.value(), self.height_box.value(), self.layout_retouch.isChecked(),
                                self.strength.value() / 100.0)
        self._start(make)

    def retouch(self):
        def make():
            doc, node = self._doc_and_node()
            return ops.retouch(doc, node, self.concept_name(), self.prompt.toPlainText(),
                               self.strength.value() / 100.0, self.seed.value())
        self._start(make)

    def refine(self):
        def make():
            doc, node = self._doc_and_node()
            return ops.refine(doc, node, self.prompt.toPlainText(), self.negative.text(), self.concept_name(),
                              self.strength.value() / 100.0, self.seed.value(), self.steps.value(),
                              self.guidance.value())
        self._start(make)

    def personalize(self):
        doc = Krita.instance().activeDocument()
        if doc is None:
            self.message.setText("Open a document and select the layers that show the subject.")
            return
        nodes = kl.selected_layers(doc)
        values = dialogs.personalize_dialog(self, [n.name() for n in nodes], getattr(self, "_methods", None))
        if values:
            self._start(lambda: ops.personalize(doc, nodes, **values))

    def fetch(self):
        def make():
            doc, _node = self._doc_and_node()
            return ops.fetch_pending(doc)
        self._start(make)

    def settings(self):
        if dialogs.settings_dialog(self):
            self.refresh_concepts()

    def cancel(self):
        if self.op is not None and self.op.running:
            self.progress.setFormat("Cancelling..." if self.op.cancel() else "Cancelling when the job starts...")

    # -- polling -------------------------------------------------------------------------------------------------
    def _tick(self):
        busy = False
        if self._concept_task is not None:
            if self._concept_task.poll(on_done=self._concepts_loaded,
                                       on_error=lambda e: self.status.setText(e.message)):
                busy = True
            else:
                self._concept_task = None
        if self.op is not None and self.op.task is not None and not self.op.task.finished:
            running = self.op.poll()
            self._show_preview(self.op.preview if running else None)
            self._show_curve(self.op.losses if running else [])
            self.progress.setValue(int(self.op.fraction * 1000))
            self.progress.setFormat(self.op.text.replace("%", "%%"))
            if running:
                busy = True
            else:
                self.cancel_button.setEnabled(False)
                self.message.setText(self.op.error.message if self.op.error else self.op.summary)
                if self.op.title == "Personalize" and not self.op.error:
                    self.refresh_concepts()
                    busy = True
                self.check_pending()
        if not busy:
            self._timer.stop()


    def _show_preview(self, preview):
        """Shows the operation's latest live preview; hides it once the result has landed (or failed)."""
        if preview is self._preview_shown:
            return
        self._preview_shown = preview
        if preview is None:
            self.preview.clear()
            self.preview.setVisible(False)
            return
        pixmap = QtGui.QPixmap()
        if pixmap.loadFromData(preview["png"], "PNG"):
            self.preview.setPixmap(pixmap)
            self.preview.setToolTip("Preview: step %d of %d" % (preview.get("step", 0), preview.get("total", 0)))
            self.preview.setVisible(True)


    def _show_curve(self, losses):
        """Draws a training job's moving-average loss, step by step; hidden outside training."""
        if len(losses) == self._curve_points:
            return
        self._curve_points = len(losses)
        if len(losses) < 2:
            self.curve.clear()
            self.curve.setVisible(False)
            return
        w, h = 240, 60
        image = QtGui.QImage(w, h, QtGui.QImage.Format.Format_RGB32)
        image.fill(QtGui.QColor(32, 32, 36))
        painter = QtGui.QPainter(image)
        painter.setPen(QtGui.QPen(QtGui.QColor(120, 200, 255), 2))
        lo, hi = min(losses), max(losses)
        span = (hi - lo) or 1.0
        points = [_point(4 + (w - 8) * i / (len(losses) - 1), h - 4 - (h - 8) * (v - lo) / span)
                  for i, v in enumerate(losses)]
        for a, b in zip(points, points[1:]):
            painter.drawLine(a, b)
        painter.end()
        self.curve.setPixmap(QtGui.QPixmap.fromImage(image))
        self.curve.setToolTip("Loss (moving average) over %d steps: %.4f to %.4f; now %.4f"
                              % (len(losses), lo, hi, losses[-1]))
        self.curve.setVisible(True)


def _point(x, y):
    from .qt_compat import QtCore
    return QtCore.QPointF(x, y)


def _spin(lo, hi, value, step=1):
    s = QtWidgets.QSpinBox()
    s.setRange(lo, hi)
    s.setSingleStep(step)
    s.setValue(value)
    return s


def _horizontal():
    from .qt_compat import QtCore
    return QtCore.Qt.Orientation.Horizontal
