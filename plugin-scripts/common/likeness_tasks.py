"""Runs a blocking flow on a worker thread and hands its messages to the UI thread.

The editor's UI thread calls `poll()` from a timer (Qt QTimer in Krita, GLib.timeout_add in GIMP): all callbacks
run there, so they may touch layers and widgets. The worker never touches the editor.
"""

import queue
import threading

import likeness_client as lc


class BackgroundTask:
    def __init__(self, flow, *args, previews=False, **kwargs):
        """`previews`: the flow takes a `preview` callback (a generation); its previews reach poll's on_preview."""
        self._previews = previews
        self._flow = flow
        self._args = args
        self._kwargs = kwargs
        self._messages = queue.Queue()
        self._thread = None
        self.job_id = None
        self.client = kwargs.get("client") or (args[0] if args and isinstance(args[0], lc.Client) else None)
        self.finished = False

    def start(self):
        self._kwargs["report"] = lambda job: self._messages.put(("progress", job))
        self._kwargs["started"] = self._started
        if self._previews:
            self._kwargs["preview"] = lambda p: self._messages.put(("preview", p))
        self._thread = threading.Thread(target=self._work, name="likeness-job", daemon=True)
        self._thread.start()
        return self

    def _started(self, job_id, kind):
        self.job_id = job_id
        self._messages.put(("started", (job_id, kind)))

    def _work(self):
        try:
            self._messages.put(("done", self._flow(*self._args, **self._kwargs)))
        except lc.LikenessError as e:
            self._messages.put(("error", e))
        except Exception as e:  # a bug or an unexpected reply: still reach the UI as a message
            self._messages.put(("error", lc.LikenessError("Unexpected error: %s: %s" % (type(e).__name__, e))))

    def cancel(self):
        """Asks the server to cancel, from another worker thread; the flow then ends with JobCancelled."""
        job_id, client = self.job_id, self.client
        if job_id and client:
            threading.Thread(target=_quiet_cancel, args=(client, job_id), daemon=True).start()
            return True
        return False

    def poll(self, on_progress=None, on_started=None, on_done=None, on_error=None, on_preview=None):
        """Delivers waiting messages to the callbacks; returns False once the task has ended."""
        while True:
            try:
                kind, value = self._messages.get_nowait()
            except queue.Empty:
                return not self.finished
            if kind == "progress" and on_progress:
                on_progress(lc.progress_fraction(value), lc.progress_text(value), value)
            elif kind == "preview" and on_preview:
                on_preview(value)
            elif kind == "started" and on_started:
                on_started(*value)
            elif kind in ("done", "error"):
                self.finished = True
                callback = on_done if kind == "done" else on_error
                if callback:
                    callback(value)
                return False

    def join(self, timeout=None):
        self._thread.join(timeout)


def _quiet_cancel(client, job_id):
    try:
        client.cancel(job_id)
    except lc.LikenessError:
        pass
