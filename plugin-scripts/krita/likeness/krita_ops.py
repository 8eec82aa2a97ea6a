"""The plug-in's actions on a Krita document, usable from the docker, the menu actions and batch scripts
(kritarunner). Each returns an Operation: the server work runs on a worker thread, `poll()` (called from a
QTimer on the UI thread) shows progress and applies the results to the document."""

import time

import likeness_client as lc
import likeness_jobs as jobs
from likeness_tasks import BackgroundTask

from . import krita_layers as kl
from .qt_compat import process_events


class Operation:
    def __init__(self, doc, title, flow, args, apply, placement=None, previews=False):
        self.doc = doc
        self.previews = previews
        self.preview = None  # the latest live preview (a training sample too): {"step", "total", "png": bytes, ...}
        self.losses = []  # a training job's moving-average loss per step, for the docker's curve
        self.title = title
        self._flow = flow
        self._args = args
        self._apply = apply
        self._placement = placement or {}
        self.task = None
        self.started_ids = []
        self.fraction = 0.0
        self.text = "Sending to the Likeness server..."
        self.value = None
        self.error = None
        self.summary = ""

    def start(self, client=None):
        self.task = BackgroundTask(self._flow, client or lc.connect(), *self._args, previews=self.previews).start()
        return self

    @property
    def running(self):
        return self.task is not None and not self.task.finished

    def poll(self):
        """Delivers progress and, at the end, applies the results; returns False once finished."""
        return self.task.poll(on_progress=self._progress, on_started=self._started, on_done=self._done,
                              on_error=self._failed, on_preview=self._preview)

    def _preview(self, preview):
        if preview.get("png"):
            self.preview = preview

    def cancel(self):
        return self.task.cancel() if self.task else False

    def _progress(self, fraction, text, job):
        self.fraction, self.text = fraction, text
        jobs.loss_curve(job, self.losses)

    def _started(self, job_id, kind):
        self.started_ids.append(job_id)
        pending = kl.get_text(self.doc, jobs.PENDING_KEY)
        kl.set_text(self.doc, jobs.PENDING_KEY, jobs.pending_add(pending, job_id, kind, self._placement),
                    "Likeness: jobs not fetched yet")

    def _forget(self, job_ids):
        pending = kl.get_text(self.doc, jobs.PENDING_KEY)
        for job_id in job_ids:
            pending = jobs.pending_remove(pending, job_id)
        kl.set_text(self.doc, jobs.PENDING_KEY, pending, "Likeness: jobs not fetched yet")

    def _done(self, value):
        self.value = value
        try:
            applied = self._apply(value)
            # apply returns a summary, or (summary, job ids now done) when it decides which jobs are finished
            summary, done_ids = applied if isinstance(applied, tuple) else (applied, self.started_ids)
            self.summary = summary or ""
            self.fraction, self.text = 1.0, self.summary or "Done"
            self._forget(done_ids)
        except lc.LikenessError as e:
            self._failed(e)

    def _failed(self, error):
        self.error = error
        self.text = error.message
        if isinstance(error, (lc.JobFailed, lc.JobCancelled)):
            self._forget(self.started_ids)


def run_blocking(op, timeout=600.0, client=None):
    """Starts and waits for an operation while keeping Qt's event loop turning (batch scripts, tests)."""
    if op.task is None:
        op.start(client)
    deadline = time.time() + timeout
    while op.poll():
        if time.time() > deadline:
            op.cancel()
            raise lc.LikenessError("%s timed out after %.0f s" % (op.title, timeout))
        process_events()
        time.sleep(0.05)
    return op


def _add_layers(doc, above, results, x, y):
    for r in results:
        kl.add_result_layer(doc, above, r, x, y)
    doc.refreshProjection()
    return "%d layer(s) added" % len(results)


def personalize(doc, nodes, method, name, class_word, target_prompt="", steps=0):
    if not nodes:
        raise lc.LikenessError("Select the layers that show the subject.")
    pngs = [kl.node_png(n) for n in nodes]

    def apply(concept):
        return "Concept '%s' is ready: use %s in prompts." % (concept["name"], concept["token"])
    return Operation(doc, "Personalize", jobs.personalize, (method, name, class_word, pngs, steps, target_prompt),
                     apply, {"layers": [n.name() for n in nodes]}, previews=True)


def generate(doc, above, prompt, negative="", concept="", count=4, seed=-1, steps=30, guidance=7.5, width=0,
             height=0, layout_retouch=False, retouch_strength=0.6):
    x, y, aw, ah = kl.generation_area(doc)
    if width <= 0 or height <= 0:
        width, height = jobs.fit_size(aw, ah)
    if concept:
        prompt = jobs.insert_token(prompt, jobs.concept_token(concept))
    spec = jobs.generate_spec(prompt, negative, count, seed, steps, guidance, width, height,
                              [concept] if concept else [])
    return Operation(doc, "Generate", jobs.variations, (spec, concept, layout_retouch, retouch_strength),
                     lambda results: _add_layers(doc, above, results, x, y),
                     {"x": x, "y": y, "above": above.name() if above else ""}, previews=True)


def retouch(doc, node, concept, prompt="", strength=0.6, seed=-1):
    if not concept:
        raise lc.LikenessError("Choose the concept to paint in.")
    region = kl.source_region(doc, node)
    layout, mask = kl.region_png(node, region), kl.selection_mask_png(doc, region)
    prompt = jobs.insert_token(prompt, jobs.concept_token(concept))
    return Operation(doc, "Retouch", jobs.retouch, (concept, prompt, layout, mask, strength, seed),
                     lambda results: _add_layers(doc, node, results, region[0], region[1]),
                     {"x": region[0], "y": region[1], "above": node.name()})


def refine(doc, node, prompt, negative="", concept="", strength=0.5, seed=-1, steps=30, guidance=7.5):
    region = kl.source_region(doc, node)
    if concept:
        prompt = jobs.insert_token(prompt, jobs.concept_token(concept))
    spec = jobs.generate_spec(prompt, negative, 1, seed, steps, guidance, region[2], region[3],
                              [concept] if concept else [])
    spec["strength"] = float(strength)
    return Operation(doc, "Refine", jobs.generate, (spec, kl.region_png(node, region)),
                     lambda results: _add_layers(doc, node, results, region[0], region[1]),
                     {"x": region[0], "y": region[1], "above": node.name()}, previews=True)


def pending_jobs(doc):
    return jobs.pending_load(kl.get_text(doc, jobs.PENDING_KEY))


def fetch_pending(doc):
    """Adds the results of the document's recorded jobs that have finished (e.g. while Krita was closed)."""
    text = kl.get_text(doc, jobs.PENDING_KEY)

    def flow(client, report=None, started=None):
        out = []
        for record, job in jobs.check_pending(client, text):
            ok = job is not None and job.get("state") == "SUCCEEDED"
            out.append((record, job, jobs.fetch_results(client, job) if ok else []))
        return out

    def apply(found):
        added, notes, done = 0, [], []
        for record, job, results in found:
            state = job.get("state") if job else "UNKNOWN"
            place = record.get("placement") or {}
            if state not in ("QUEUED", "RUNNING"):
                done.append(record["jobId"])
            if results:
                _add_layers(doc, kl.find_node(doc, place.get("above")), results, place.get("x", 0), place.get("y", 0))
                added += len(results)
            elif state in ("QUEUED", "RUNNING"):
                notes.append("%s job still %s" % (record["kind"], state.lower()))
            elif job is None:
                notes.append("the server no longer knows job %s" % record["jobId"])
            elif state != "SUCCEEDED":
                notes.append("%s job %s: %s" % (record["kind"], state.lower(),
                                                (job.get("error") or {}).get("message", "")))
        return "; ".join(["%d layer(s) added" % added] + notes), done
    return Operation(doc, "Fetch results", flow, (), apply)
