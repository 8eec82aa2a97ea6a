"""The progress window of an interactive GIMP run: a progress bar, the job's latest live preview (a generation's
steps, a training run's samples) and Cancel. Only Gtk, so it can be checked outside GIMP (ci/gtk_smoke.py)."""

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
        box = self.window.get_content_area()
        box.set_border_width(12)
        box.pack_start(self.bar, False, False, 6)
        box.pack_start(self.preview, False, False, 6)
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
