"""The progress window of an interactive GIMP run: a progress bar, the job's latest live preview (a generation's
steps, a training run's samples), a training run's loss curve, and Cancel. Only Gtk, so it can be checked outside GIMP (ci/gtk_smoke.py)."""

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf, GLib, Gtk  # noqa: E402


class ProgressWindow:
    def __init__(self, title, task):
        self.task = task
        self.window = Gtk.Dialog(title=title)
        self.window.add_button("_Cancel job", Gtk.ResponseType.CANCEL)
        self.window.set_default_size(420, -1)
        self.bar = Gtk.ProgressBar(show_text=True)
        self.bar.set_text("Sending to the Likeness server...")
        self.preview = Gtk.Image()  # hidden until the first preview arrives
        self.preview.set_no_show_all(True)
        self.losses = []  # a training job's moving-average loss per step
        self.curve = Gtk.Image()  # drawn into a pixbuf: no cairo bindings needed
        self.curve.set_no_show_all(True)
        box = self.window.get_content_area()
        box.set_border_width(12)
        box.pack_start(self.bar, False, False, 6)
        box.pack_start(self.preview, False, False, 6)
        box.pack_start(self.curve, False, False, 6)
        self.window.connect("response", self._response)
        self.window.connect("delete-event", lambda *_: self._response(None, Gtk.ResponseType.CANCEL) or True)

    def _response(self, _dialog, response):
        if response == Gtk.ResponseType.CANCEL:
            self.bar.set_text("Cancelling..." if self.task.cancel() else "Cancelling when the job starts...")

    def update(self, fraction, text):
        self.bar.set_fraction(fraction)
        self.bar.set_text(text)

    def show_preview(self, preview):
        """Shows a live preview ({"png": bytes, "step", "total", ...}) in place of the previous one."""
        loader = GdkPixbuf.PixbufLoader.new_with_type("png")
        try:
            loader.write(preview["png"])
            loader.close()
        except GLib.Error:
            return
        self.preview.set_from_pixbuf(loader.get_pixbuf())
        self.preview.set_tooltip_text("Preview: step %d of %d" % (preview.get("step", 0), preview.get("total", 0)))
        self.preview.show()

    def show_curve(self, losses):
        """Draws a training job's loss curve (moving average per step); shown from the second step on."""
        self.losses = list(losses)
        if len(self.losses) < 2:
            return
        self.curve.set_from_pixbuf(curve_pixbuf(self.losses))
        self.curve.set_tooltip_text("Loss (moving average) over %d steps: now %.4f"
                                    % (len(self.losses), self.losses[-1]))
        self.curve.show()

    def run(self, poll):
        def tick():
            if poll():
                return True
            Gtk.main_quit()
            return False

        GLib.timeout_add(100, tick)
        self.window.show_all()
        Gtk.main()
        self.window.destroy()


def curve_pixbuf(values, w=240, h=60):
    """The values as a light-blue line on a dark ground, w x h RGB."""
    px = bytearray(bytes((33, 33, 38)) * (w * h))
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    points = [(4 + (w - 8) * i / (len(values) - 1), h - 4 - (h - 8) * (v - lo) / span) for i, v in enumerate(values)]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        n = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        for k in range(n + 1):
            x = int(round(x0 + (x1 - x0) * k / n))
            y = int(round(y0 + (y1 - y0) * k / n))
            for dy in (0, 1):
                if 0 <= x < w and 0 <= y + dy < h:
                    i = ((y + dy) * w + x) * 3
                    px[i:i + 3] = bytes((120, 200, 255))
    return GdkPixbuf.Pixbuf.new_from_bytes(GLib.Bytes.new(bytes(px)), GdkPixbuf.Colorspace.RGB, False, 8, w, h, w * 3)
