"""Running a job from a GIMP procedure: the network work happens on a worker thread (likeness_tasks); this
module shows progress (GIMP's progress bar, plus a small window with the live preview and Cancel when interactive)
and hands the messages back on the plug-in's main thread."""

import threading
import time

import gi

gi.require_version("Gimp", "3.0")
from gi.repository import GLib, Gimp  # noqa: E402

import likeness_client as lc  # noqa: E402
import likeness_jobs as jobs  # noqa: E402


class Outcome:
    def __init__(self):
        self.value = None
        self.error = None


def run_task(task, title, interactive, on_started=None):
    """Starts `task` and returns an Outcome once it ended. Interactive runs keep a Gtk loop (progress window
    with Cancel) going; batch runs poll, keeping GIMP's progress bar current."""
    Gimp.progress_init(title)
    outcome = Outcome()
    ui = None
    if interactive:  # Gtk only when there is a display (batch runs may not have its typelib)
        from gimp_progress import ProgressWindow
        ui = ProgressWindow(title, task)

    losses = []

    def progress(fraction, text, job):
        Gimp.progress_set_text("%s: %s" % (title, text))
        Gimp.progress_update(fraction)
        if ui:
            ui.update(fraction, text)
            ui.show_curve(jobs.loss_curve(job, losses))

    def done(value):
        outcome.value = value

    def error(exc):
        outcome.error = exc

    def started(job_id, kind):
        if on_started:
            on_started(job_id, kind)

    task.start()
    callbacks = dict(on_progress=progress, on_started=started, on_done=done, on_error=error,
                     on_preview=ui.show_preview if ui else None)
    if ui:
        ui.run(lambda: task.poll(**callbacks))
    else:
        while task.poll(**callbacks):
            time.sleep(0.05)
    Gimp.progress_end()
    return outcome


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
