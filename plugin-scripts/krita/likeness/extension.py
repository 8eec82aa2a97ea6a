"""Menu actions (Tools > Scripts > Likeness: ...). They use the docker's current settings and show progress
there, so the docker is opened when it is hidden."""

from krita import Extension, Krita

from . import docker as docker_module
from .qt_compat import QtWidgets

ACTIONS = [
    ("likeness_personalize", "Likeness: Personalize from selected layers...", "personalize"),
    ("likeness_generate", "Likeness: Generate variations", "generate"),
    ("likeness_retouch", "Likeness: Retouch in place", "retouch"),
    ("likeness_refine", "Likeness: Refine (img2img)", "refine"),
    ("likeness_fetch", "Likeness: Fetch finished results", "fetch"),
    ("likeness_settings", "Likeness: Server settings...", "settings"),
]


class LikenessExtension(Extension):
    def __init__(self, parent):
        super().__init__(parent)

    def setup(self):
        pass

    def createActions(self, window):
        for action_id, text, method in ACTIONS:
            action = window.createAction(action_id, text, "tools/scripts")
            action.triggered.connect(lambda _checked=False, m=method: self._run(m))

    def _run(self, method):
        docker = docker_module.current()
        if docker is None:
            window = Krita.instance().activeWindow()
            QtWidgets.QMessageBox.information(window.qwindow() if window else None, "Likeness",
                                              "Open the Likeness docker: Settings > Dockers > Likeness.")
            return
        docker.show()
        docker.raise_()
        getattr(docker, method)()
