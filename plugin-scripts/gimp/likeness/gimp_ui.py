"""Running a job from a GIMP procedure: the network work happens on a worker thread (likeness_tasks); this
module shows progress (GIMP's progress bar, plus a small window with Cancel when interactive) and hands the
messages back on the plug-in's main thread."""

import threading
import time

import gi

gi.require_version("Gimp", "3.0")
from gi.repository import GLib, Gimp  # noqa: E402

import likeness_client as lc  # noqa: E402


class Outcome:
    def __init__(self):
        self.value = None
        self.error = None


def run_task(task, title, interactive, on_started=None):
    """Starts `task` and returns an Outcome once it ended. Interactive runs keep a Gtk loop (progress window
    with Cancel) going; batch runs poll, keeping GIMP's progress bar current."""
    Gimp.progress_init(title)
    outcome = Outcome()
    ui = _ProgressWindow(title, task) if interactive else None

    def progress(fraction, text, _job):
        Gimp.progress_set_text("%s: %s" % (title, text))
        Gimp.progress_update(fraction)
        if ui:
            ui.update(fraction, text)

    def done(value):
        outcome.value = value

    def error(exc):
        outcome.error = exc

    def started(job_id, kind):
        if on_started:
            on_started(job_id, kind)

    task.start()
    callbacks = dict(on_progress=progress, on_started=started, on_done=done, on_error=error)
    if ui:
        ui.run(lambda: task.poll(**callbacks))
    else:
        while task.poll(**callbacks):
            time.sleep(0.05)
    Gimp.progress_end()
    return outcome


class _ProgressWindow:
    def __init__(self, title, task):
        gi.require_version("Gtk", "3.0")
        from gi.repository import Gtk
        self.Gtk = Gtk
        self.task = task
        self.window = Gtk.Dialog(title=title)
        self.window.add_button("_Cancel job", Gtk.ResponseType.CANCEL)
        self.window.set_default_size(420, -1)
        self.bar = Gtk.ProgressBar(show_text=True)
        self.bar.set_text("Sending to the Likeness server...")
        box = self.window.get_content_area()
        box.set_border_width(12)
        box.pack_start(self.bar, False, False, 6)
        self.window.connect("response", self._response)
        self.window.connect("delete-event", lambda *_: self._response(None, Gtk.ResponseType.CANCEL) or True)

    def _response(self, _dialog, response):
        if response == self.Gtk.ResponseType.CANCEL:
            self.bar.set_text("Cancelling..." if self.task.cancel() else "Cancelling when the job starts...")

    def update(self, fraction, text):
        self.bar.set_fraction(fraction)
        self.bar.set_text(text)

    def run(self, poll):
        Gtk = self.Gtk

        def tick():
            if poll():
                return True
            Gtk.main_quit()
            return False

        GLib.timeout_add(100, tick)
        self.window.show_all()
        Gtk.main()
        self.window.destroy()


def fetch_in_background(fn, on_done):
    """Calls fn() on a worker thread and on_done(result_or_exception) on the main loop (e.g. the concept list
    for a dialog's picker)."""
    def work():
        try:
            value = fn()
        except lc.LikenessError as e:
            value = e
        GLib.idle_add(lambda: on_done(value) and False)

    threading.Thread(target=work, daemon=True).start()
