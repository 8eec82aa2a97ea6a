"""Screenshot helper for the README (plugin-scripts/ci/screenshots.sh), never installed for users: opens a
document with a subject layer, runs Generate from the Likeness docker, saves PNGs of the window and the docker
to $LIKENESS_SHOT_DIR, then quits Krita."""

import os

from krita import Extension, Krita

from likeness.qt_compat import QByteArray, QTimer

OUT = os.environ.get("LIKENESS_SHOT_DIR", "/tmp")


class Shot(Extension):
    def setup(self):
        Krita.instance().notifier().windowCreated.connect(lambda: QTimer.singleShot(3000, self.prepare))

    def createActions(self, window):
        pass

    def prepare(self):
        from likeness import docker
        app = Krita.instance()
        doc = app.createDocument(512, 384, "portrait", "RGBA", "U8", "", 72.0)
        app.activeWindow().addView(doc)
        subject = doc.createNode("subject", "paintlayer")
        doc.rootNode().addChildNode(subject, None)
        px = bytearray()
        for y in range(200):
            for x in range(160):
                inside = (x - 80) ** 2 / 6400.0 + (y - 100) ** 2 / 10000.0 <= 1.0
                px += bytes((60, 90, 200, 255)) if inside else bytes(4)
        subject.setPixelData(QByteArray(bytes(px)), 176, 92, 160, 200)
        doc.setActiveNode(subject)
        doc.refreshProjection()
        d = docker.current()
        d.show()
        d.prompt.setPlainText("a watercolor portrait of a cat in a garden")
        d.count.setValue(2)
        d.seed.setValue(1234)
        d.steps.setValue(4)
        d.width_box.setValue(256)
        d.height_box.setValue(192)
        QTimer.singleShot(2000, d.generate)
        QTimer.singleShot(2600, lambda: self.save(d, "krita-docker-running"))
        self.wait(d)

    def wait(self, d):
        if d.op is not None and not d.op.running:
            QTimer.singleShot(1500, lambda: self.finish(d))
        else:
            QTimer.singleShot(500, lambda: self.wait(d))

    def save(self, d, name):
        d.grab().save(os.path.join(OUT, name + ".png"))

    def finish(self, d):
        self.save(d, "krita-docker")
        Krita.instance().activeWindow().qwindow().grab().save(os.path.join(OUT, "krita-window.png"))
        os._exit(0)  # skips the "save changes?" question


Krita.instance().addExtension(Shot(Krita.instance()))
