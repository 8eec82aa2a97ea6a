#!/usr/bin/env python3
"""Likeness for GIMP 3: personalize Stable Diffusion from layers, generate variations, retouch in place.

Every procedure runs non-interactively with all inputs as arguments (batch mode, other plug-ins); interactive
runs show GIMP's procedure dialog first. Network work runs on a worker thread, never on this process's main
loop. Menu: Filters > Likeness.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
# Installed: the shared modules sit next to this file. In the source tree they are in plugin-scripts/common.
sys.path[:0] = [_HERE, os.path.join(_HERE, "..", "..", "common")]

import gi  # noqa: E402

gi.require_version("Gimp", "3.0")
gi.require_version("GimpUi", "3.0")
gi.require_version("Gegl", "0.4")
from gi.repository import GLib, GObject, Gimp  # noqa: E402

import gimp_layers as gl  # noqa: E402
import gimp_ui  # noqa: E402
import likeness_client as lc  # noqa: E402
import likeness_jobs as jobs  # noqa: E402
from likeness_tasks import BackgroundTask  # noqa: E402

MENU = "<Image>/Filters/Likeness"
RW = GObject.ParamFlags.READWRITE
PREFIX = "plug-in-likeness-"


def _fail(procedure, message, status=Gimp.PDBStatusType.EXECUTION_ERROR):
    return procedure.new_return_values(status, GLib.Error(message))


def _ok(procedure, value=None, gtype=GObject.TYPE_INT):
    ret = procedure.new_return_values(Gimp.PDBStatusType.SUCCESS, GLib.Error())
    if value is not None:
        ret.remove(1)
        ret.insert(1, GObject.Value(gtype, value))
    return ret


def _dialog(procedure, config, title, fields, extra=None):
    """The procedure's own dialog (remembers last values); False when the user cancelled."""
    from gi.repository import GimpUi
    GimpUi.init("likeness")
    dialog = GimpUi.ProcedureDialog.new(procedure, config, title)
    dialog.fill(fields)
    if extra:
        extra(dialog)
    ok = dialog.run()
    dialog.destroy()
    return ok


def _concept_picker(config, prompt_field="prompt"):
    """Adds a concept picker that fills itself from the server in the background and puts the concept's token
    into the prompt when one is picked."""
    def add(dialog):
        gi.require_version("Gtk", "3.0")
        from gi.repository import Gtk
        from gimp_picker import ConceptPicker
        row = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=6)
        row.pack_start(Gtk.Label(label="Concept:"), False, False, 0)
        known = {}

        def changed(name):
            config.set_property("concept", name)
            if name:
                prompt = config.get_property(prompt_field)
                concept = known.get(name, {"name": name})
                config.set_property(prompt_field, jobs.prompt_for_concept(prompt, concept))

        picker = ConceptPicker(changed)
        row.pack_start(picker.combo, True, True, 0)
        dialog.get_content_area().pack_start(row, False, False, 6)
        row.show_all()

        def loaded(value):
            if isinstance(value, Exception):
                picker.failed(value)
                return
            concepts, thumbs = value
            known.clear()
            known.update({c["name"]: c for c in concepts})
            picker.fill(concepts, thumbs, config.get_property("concept") or "")

        def fetch():
            client = lc.connect()
            concepts = client.concepts()
            return concepts, {c["name"]: client.concept_thumbnail(c["name"]) for c in concepts}
        gimp_ui.fetch_in_background(fetch, loaded)
    return add


class Job:
    """One procedure run: connects, runs a flow in the background, records the job in the image while it runs."""

    def __init__(self, image, interactive, placement):
        self.image = image
        self.interactive = interactive
        self.placement = placement
        self.started_ids = []

    def run(self, title, flow, *args, previews=False):
        """`previews`: the flow takes a `preview` callback (generate, variations, personalize); an interactive run
        shows each preview in its progress window."""
        client = lc.connect()
        task = BackgroundTask(flow, client, *args, previews=previews and self.interactive)
        outcome = gimp_ui.run_task(task, title, self.interactive, on_started=self._started)
        if outcome.error is not None:
            if isinstance(outcome.error, (lc.JobFailed, lc.JobCancelled)):
                self.finished()  # the user is told now; nothing left to fetch later
            raise outcome.error
        return outcome.value

    def _started(self, job_id, kind):
        self.started_ids.append(job_id)
        pending = gl.get_text(self.image, jobs.PENDING_KEY)
        gl.set_text(self.image, jobs.PENDING_KEY, jobs.pending_add(pending, job_id, kind, self.placement))

    def finished(self, job_ids=None):
        """Forgets the jobs this run started (or the given ones): their results are in the image now."""
        pending = gl.get_text(self.image, jobs.PENDING_KEY)
        for job_id in self.started_ids if job_ids is None else job_ids:
            pending = jobs.pending_remove(pending, job_id)
        gl.set_text(self.image, jobs.PENDING_KEY, pending)


def _first_layer(drawables):
    layers = [d for d in drawables if isinstance(d, Gimp.Layer)]
    return layers[0] if layers else None


def _add_layers(image, above, results, x, y):
    image.undo_group_start()
    try:
        for r in results:
            gl.add_result_layer(image, above, r, x, y)
    finally:
        image.undo_group_end()
    Gimp.displays_flush()
    return len(results)


# -- procedures -----------------------------------------------------------------------------------------------------

def run_personalize(procedure, run_mode, image, drawables, config, _data):
    interactive = run_mode == Gimp.RunMode.INTERACTIVE
    if interactive and not _dialog(procedure, config, "Likeness: Personalize",
                                   ["method", "concept-name", "class-word", "target-prompt", "steps"]):
        return _fail(procedure, "", Gimp.PDBStatusType.CANCEL)
    layers = [d for d in drawables if isinstance(d, Gimp.Layer)]
    try:
        pngs = [gl.layer_png(layer) for layer in layers]
        job = Job(image, interactive, {"layers": [layer.get_name() for layer in layers]})
        concept = job.run("Likeness: personalize", jobs.personalize, config.get_property("method"),
                          config.get_property("concept-name"), config.get_property("class-word"), pngs,
                          config.get_property("steps"), config.get_property("target-prompt"), previews=True)
        job.finished()
    except lc.LikenessError as e:
        return _fail(procedure, e.message)
    if interactive:
        Gimp.message("Likeness: concept '%s' is ready; use %s in prompts." % (concept["name"], concept["token"]))
    return _ok(procedure, concept["name"], GObject.TYPE_STRING)


def run_generate(procedure, run_mode, image, drawables, config, _data):
    interactive = run_mode == Gimp.RunMode.INTERACTIVE
    x, y, aw, ah = gl.generation_area(image)
    if interactive:
        if config.get_property("width") == 0 or config.get_property("height") == 0:
            w, h = jobs.fit_size(aw, ah)
            config.set_property("width", w)
            config.set_property("height", h)
        if not _dialog(procedure, config, "Likeness: Generate variations",
                       ["prompt", "negative-prompt", "count", "seed", "steps", "guidance", "width", "height",
                        "layout-retouch"], extra=_concept_picker(config)):
            return _fail(procedure, "", Gimp.PDBStatusType.CANCEL)
    width, height = config.get_property("width"), config.get_property("height")
    if width <= 0 or height <= 0:
        width, height = jobs.fit_size(aw, ah)
    concept = config.get_property("concept")
    prompt = config.get_property("prompt")
    if concept:
        prompt = jobs.insert_token(prompt, jobs.concept_token(concept))
    above = _first_layer(drawables)
    try:
        spec = jobs.generate_spec(prompt, config.get_property("negative-prompt"), config.get_property("count"),
                                  config.get_property("seed"), config.get_property("steps"),
                                  config.get_property("guidance"), width, height, [concept] if concept else [])
        job = Job(image, interactive, {"x": x, "y": y, "above": above.get_name() if above else ""})
        results = job.run("Likeness: generate", jobs.variations, spec, concept,
                          config.get_property("layout-retouch"), 0.6, previews=True)
    except lc.LikenessError as e:
        return _fail(procedure, e.message)
    n = _add_layers(image, above, results, x, y)
    job.finished()
    return _ok(procedure, n)


def run_retouch(procedure, run_mode, image, drawables, config, _data):
    interactive = run_mode == Gimp.RunMode.INTERACTIVE
    if interactive and not _dialog(procedure, config, "Likeness: Retouch in place", ["prompt", "strength", "seed"],
                                   extra=_concept_picker(config)):
        return _fail(procedure, "", Gimp.PDBStatusType.CANCEL)
    layer = _first_layer(drawables)
    if layer is None:
        return _fail(procedure, "Select the layout layer to retouch.", Gimp.PDBStatusType.CALLING_ERROR)
    concept = config.get_property("concept")
    if not concept:
        return _fail(procedure, "Choose the concept to paint in.", Gimp.PDBStatusType.CALLING_ERROR)
    region = gl.source_region(image, layer)
    try:
        layout, mask = gl.region_png(layer, region), gl.selection_mask_png(image, region)
        job = Job(image, interactive, {"x": region[0], "y": region[1], "above": layer.get_name()})
        prompt = jobs.insert_token(config.get_property("prompt"), jobs.concept_token(concept))
        results = job.run("Likeness: retouch", jobs.retouch, concept, prompt, layout, mask,
                          config.get_property("strength"), config.get_property("seed"))
    except lc.LikenessError as e:
        return _fail(procedure, e.message)
    n = _add_layers(image, layer, results, region[0], region[1])
    job.finished()
    return _ok(procedure, n)


def run_refine(procedure, run_mode, image, drawables, config, _data):
    interactive = run_mode == Gimp.RunMode.INTERACTIVE
    if interactive and not _dialog(procedure, config, "Likeness: Refine (img2img)",
                                   ["prompt", "negative-prompt", "strength", "seed", "steps", "guidance"],
                                   extra=_concept_picker(config)):
        return _fail(procedure, "", Gimp.PDBStatusType.CANCEL)
    layer = _first_layer(drawables)
    if layer is None:
        return _fail(procedure, "Select the layer to refine.", Gimp.PDBStatusType.CALLING_ERROR)
    region = gl.source_region(image, layer)
    concept = config.get_property("concept")
    prompt = config.get_property("prompt")
    if concept:
        prompt = jobs.insert_token(prompt, jobs.concept_token(concept))
    try:
        spec = jobs.generate_spec(prompt, config.get_property("negative-prompt"), 1, config.get_property("seed"),
                                  config.get_property("steps"), config.get_property("guidance"), region[2], region[3],
                                  [concept] if concept else [], strength=config.get_property("strength"))
        spec["strength"] = config.get_property("strength")
        job = Job(image, interactive, {"x": region[0], "y": region[1], "above": layer.get_name()})
        results = job.run("Likeness: refine", jobs.generate, spec, gl.region_png(layer, region), previews=True)
    except lc.LikenessError as e:
        return _fail(procedure, e.message)
    n = _add_layers(image, layer, results, region[0], region[1])
    job.finished()
    return _ok(procedure, n)


def run_fetch(procedure, run_mode, image, _drawables, _config, _data):
    """Jobs recorded in the image (e.g. before GIMP was closed): adds the results of the finished ones."""
    interactive = run_mode == Gimp.RunMode.INTERACTIVE
    pending = gl.get_text(image, jobs.PENDING_KEY)
    if not jobs.pending_load(pending):
        if interactive:
            Gimp.message("Likeness: this image has no unfinished jobs.")
        return _ok(procedure, 0)

    def flow(client, text, report=None, started=None):
        out = []
        for record, job in jobs.check_pending(client, text):
            results = jobs.fetch_results(client, job) if job and job.get("state") == "SUCCEEDED" else []
            out.append((record, job, results))
        return out

    try:
        found = Job(image, interactive, None).run("Likeness: fetching results", flow, pending)
    except lc.LikenessError as e:
        return _fail(procedure, e.message)
    added, notes, done = 0, [], []
    for record, job, results in found:
        state = job.get("state") if job else "UNKNOWN"
        if state in ("QUEUED", "RUNNING"):
            notes.append("%s %s is still %s" % (record["kind"], record["jobId"], state.lower()))
            continue
        done.append(record["jobId"])
        if state == "SUCCEEDED" and results:
            place = record.get("placement") or {}
            above = gl.find_layer(image, place.get("above", ""))
            added += _add_layers(image, above, results, place.get("x", 0), place.get("y", 0))
        elif state == "SUCCEEDED" and record["kind"] == "personalize":
            notes.append("concept from job %s is ready" % record["jobId"])
        elif job is None:
            notes.append("the server no longer knows job %s" % record["jobId"])
        else:
            notes.append("%s %s %s: %s" % (record["kind"], record["jobId"], state.lower(),
                                           (job.get("error") or {}).get("message", "")))
    Job(image, interactive, None).finished(done)
    if interactive:
        Gimp.message("Likeness: added %d layer(s). %s" % (added, "; ".join(notes)))
    return _ok(procedure, added)


def run_settings(procedure, run_mode, _image, _drawables, config, _data):
    interactive = run_mode == Gimp.RunMode.INTERACTIVE
    if interactive:
        saved = lc.load_settings()
        config.set_property("server-url", saved["url"])
        config.set_property("token", saved["token"])
        if not _dialog(procedure, config, "Likeness: Server connection", ["server-url", "token"]):
            return _fail(procedure, "", Gimp.PDBStatusType.CANCEL)
    lc.save_settings(config.get_property("server-url") or "", config.get_property("token") or "")
    try:
        client = lc.connect()
        outcome = gimp_ui.run_task(BackgroundTask(_check, client), "Likeness: testing the connection", interactive)
        if outcome.error is not None:
            raise outcome.error
    except lc.LikenessError as e:
        return _fail(procedure, e.message)
    if interactive:
        Gimp.message(outcome.value)
    return _ok(procedure, outcome.value, GObject.TYPE_STRING)


def _check(client, report=None, started=None):
    return client.check()


# -- registration ---------------------------------------------------------------------------------------------------

def _prompt_args(p, with_negative=True):
    p.add_string_argument("prompt", "_Prompt", "What to generate ({} marks where the concept token goes)",
                          "a photo of {}", RW)
    if with_negative:
        p.add_string_argument("negative-prompt", "_Negative prompt", "What to avoid", "", RW)


def _sampling_args(p):
    p.add_int_argument("seed", "S_eed", "Seed (-1: random; image k of a batch uses seed + k)", -1, 2 ** 31 - 1, -1,
                       RW)
    p.add_int_argument("steps", "_Steps", "Denoising steps", 1, 200, 30, RW)
    p.add_double_argument("guidance", "_Guidance", "Classifier-free guidance scale", 0.0, 30.0, 7.5, RW)


def _concept_arg(p):
    p.add_string_argument("concept", "_Concept", "Concept name (its token is put into the prompt); empty for none",
                          "", RW)


def _define(plugin, name):
    short = name[len(PREFIX):]
    spec = PROCEDURES[short]
    p = Gimp.ImageProcedure.new(plugin, name, Gimp.PDBProcType.PLUGIN, spec["run"], None)
    p.set_image_types(spec.get("types", "RGB*"))
    p.set_menu_label(spec["label"])
    p.add_menu_path(MENU)
    p.set_documentation(spec["doc"], spec["doc"], name)
    p.set_attribution("Likeness", "Likeness", "2026")
    p.set_sensitivity_mask(spec.get("sensitivity", Gimp.ProcedureSensitivityMask.DRAWABLE
                                    | Gimp.ProcedureSensitivityMask.DRAWABLES))
    spec["args"](p)
    return p


def _personalize_args(p):
    choice = Gimp.Choice.new()
    for i, (label, value) in enumerate(jobs.METHODS):
        choice.add(value, i, label, "")
    p.add_choice_argument("method", "_Method", "Personalization method", choice, "textual-inversion", RW)
    p.add_string_argument("concept-name", "Concept _name", "a-z, 0-9, - and _ (the token becomes <name>)",
                          "my-subject", RW)
    p.add_string_argument("class-word", "C_lass word", "What the subject is: cat, person, mug...", "", RW)
    p.add_string_argument("target-prompt", "_Target prompt (PALP)", "PALP only: the prompt the concept is tuned for",
                          "", RW)
    p.add_int_argument("steps", "_Steps", "Training steps (0: the method's default)", 0, 100000, 0, RW)
    p.add_string_return_value("concept", "Concept", "Name of the new concept", "", RW)


def _generate_args(p):
    _prompt_args(p)
    _concept_arg(p)
    p.add_int_argument("count", "C_ount", "Number of variations", 1, 16, 4, RW)
    _sampling_args(p)
    p.add_int_argument("width", "_Width", "Width (multiple of 8; 0: from the selection or canvas)", 0, 2048, 0, RW)
    p.add_int_argument("height", "_Height", "Height (multiple of 8; 0: from the selection or canvas)", 0, 2048, 0,
                       RW)
    p.add_boolean_argument("layout-retouch", "_Layout-and-Retouch",
                           "Lay out with the class word, then paint the concept in (more varied scenes)", False, RW)
    p.add_int_return_value("layers", "Layers", "Layers added", 0, 64, 0, RW)


def _retouch_args(p):
    _prompt_args(p, with_negative=False)
    _concept_arg(p)
    p.add_double_argument("strength", "St_rength", "How much may change (0.01-1)", 0.01, 1.0, 0.6, RW)
    p.add_int_argument("seed", "S_eed", "Seed (-1: random)", -1, 2 ** 31 - 1, -1, RW)
    p.add_int_return_value("layers", "Layers", "Layers added", 0, 64, 0, RW)


def _refine_args(p):
    _prompt_args(p)
    _concept_arg(p)
    p.add_double_argument("strength", "St_rength", "How much may change (0.01-1)", 0.01, 1.0, 0.5, RW)
    _sampling_args(p)
    p.add_int_return_value("layers", "Layers", "Layers added", 0, 64, 0, RW)


def _fetch_args(p):
    p.add_int_return_value("layers", "Layers", "Layers added", 0, 1024, 0, RW)


def _settings_args(p):
    p.add_string_argument("server-url", "Server _URL", "e.g. http://gpu-box:7487; empty: the local server "
                          "(runtime.json)", "", RW)
    p.add_string_argument("token", "_Token", "The server's access token (from its runtime.json)", "", RW)
    p.add_string_return_value("status", "Status", "What the server said", "", RW)


ALWAYS = Gimp.ProcedureSensitivityMask.ALWAYS
PROCEDURES = {
    "personalize": dict(run=run_personalize, args=_personalize_args, label="_Personalize from selected layers...",
                        doc="Learn a concept from the selected layers (PNG with alpha: a cut-out subject gives "
                            "its mask)"),
    "generate": dict(run=run_generate, args=_generate_args, label="_Generate variations...",
                     doc="Generate images from a prompt as new layers above the active layer"),
    "retouch": dict(run=run_retouch, args=_retouch_args, label="_Retouch in place...",
                    doc="Paint a concept's identity into the active layer (or selection); result as an aligned "
                        "new layer"),
    "refine": dict(run=run_refine, args=_refine_args, label="Re_fine (img2img)...",
                   doc="img2img on the active layer (or selection); result as an aligned new layer"),
    "fetch-results": dict(run=run_fetch, args=_fetch_args, label="_Fetch finished results", types="*",
                          sensitivity=ALWAYS, doc="Add the results of jobs that finished while the image was "
                                                  "closed"),
    "settings": dict(run=run_settings, args=_settings_args, label="Server _settings...", types="*",
                     sensitivity=ALWAYS, doc="Server URL and token (empty: the local server's runtime.json)"),
}


class Likeness(Gimp.PlugIn):
    def do_set_i18n(self, _name):
        return False

    def do_query_procedures(self):
        return [PREFIX + name for name in PROCEDURES]

    def do_create_procedure(self, name):
        return _define(self, name)


if __name__ == "__main__":
    Gimp.main(Likeness.__gtype__, sys.argv)
