"""Small modal dialogs: Personalize options and the server connection. They only collect input; the connection
test runs on a worker thread."""

import likeness_client as lc
import likeness_jobs as jobs
from likeness_tasks import BackgroundTask

from .qt_compat import QTimer, QtWidgets, exec_dialog


def _buttons(dialog):
    box = QtWidgets.QDialogButtonBox()
    box.addButton("OK", QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
    box.addButton("Cancel", QtWidgets.QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def personalize_dialog(parent, layer_names, methods=None):
    """{"method", "name", "class_word", "target_prompt", "steps"} or None when cancelled; the method list and which
    methods take a target prompt come from the server (GET /api/v1/methods), else the built-in list."""
    W = QtWidgets
    d = W.QDialog(parent)
    d.setWindowTitle("Likeness: Personalize")
    form = W.QFormLayout(d)
    form.addRow(W.QLabel("Reference layers: " + (", ".join(layer_names) or "(none selected)")))
    method = W.QComboBox()
    for label, value in jobs.method_choices(methods):
        method.addItem(label, value)
    name = W.QLineEdit("my-subject")
    class_word = W.QLineEdit()
    class_word.setPlaceholderText("what the subject is: cat, person, mug...")
    target = W.QLineEdit()
    target.setPlaceholderText("PALP: the prompt to tune for")
    steps = W.QSpinBox()
    steps.setRange(0, 100000)
    steps.setSpecialValueText("method default")
    def takes_target(_i=None):
        target.setEnabled("targetPrompt" in jobs.method_options(methods, method.currentData()))
    method.currentIndexChanged.connect(takes_target)
    takes_target()
    form.addRow("Method", method)
    form.addRow("Concept name", name)
    form.addRow("Class word", class_word)
    form.addRow("Target prompt", target)
    form.addRow("Steps", steps)
    form.addRow(_buttons(d))
    if not exec_dialog(d):
        return None
    return {"method": method.currentData(), "name": name.text().strip(), "class_word": class_word.text().strip(),
            "target_prompt": target.text().strip(), "steps": steps.value()}


def settings_dialog(parent):
    """Server URL + token (empty URL: the local server's runtime.json). True when saved."""
    W = QtWidgets
    saved = lc.load_settings()
    d = W.QDialog(parent)
    d.setWindowTitle("Likeness: Server connection")
    form = W.QFormLayout(d)
    url = W.QLineEdit(saved["url"])
    url.setPlaceholderText("empty: the local server (runtime.json)")
    token = W.QLineEdit(saved["token"])
    token.setEchoMode(W.QLineEdit.EchoMode.Password)
    result = W.QLabel("")
    result.setWordWrap(True)
    test = W.QPushButton("Test connection")
    timer = QTimer(d)
    state = {}

    def run_test():
        client = lc.Client(url.text().strip(), token.text().strip()) if url.text().strip() else None
        try:
            client = client or lc.connect({"url": "", "token": ""})
        except lc.LikenessError as e:
            result.setText(e.message)
            return
        result.setText("Testing...")
        state["task"] = BackgroundTask(lambda c, report=None, started=None: c.check(), client).start()
        timer.start(100)

    def tick():
        task = state.get("task")
        if task is not None and not task.poll(on_done=result.setText, on_error=lambda e: result.setText(e.message)):
            timer.stop()

    timer.timeout.connect(tick)
    test.clicked.connect(run_test)
    form.addRow("Server URL", url)
    form.addRow("Token", token)
    form.addRow(test, result)
    form.addRow(_buttons(d))
    if not exec_dialog(d):
        return False
    lc.save_settings(url.text(), token.text())
    return True
