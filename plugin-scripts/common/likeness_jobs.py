"""What the plug-ins do, independent of the editor: job specs, layer names, the flows for each action, and the
pending-job records kept in the document so jobs survive an editor restart.

Flows take a Client and PNG bytes and return PNG bytes + metadata; the editor modules turn layers into PNGs and
results into layers. Flows block (network): run them with likeness_tasks.BackgroundTask from a UI.
"""

import json
import re

import likeness_client as lc

# (label shown to the user, API value): only for an older server without GET /api/v1/methods, and for GIMP's
# procedure registration, which happens before any server is reached. Otherwise the server's list is the source.
METHODS = [
    ("Textual Inversion", "textual-inversion"),
    ("DreamBooth", "dreambooth"),
    ("Perfusion", "perfusion"),
    ("PALP", "palp"),
]
FALLBACK_METHODS = [{"id": value, "aliases": [], "title": label,
                     "options": [{"name": "targetPrompt"}] if value == "palp" else []} for label, value in METHODS]
LAYER_PREFIX = "[Likeness] "
PARAMS_KEY = "likeness-params"      # GIMP parasite / Krita annotation holding a layer's parameters
PENDING_KEY = "likeness-jobs"       # GIMP image parasite / Krita annotation listing jobs not yet fetched
MAX_SIDE = 2048
NAME_RE = re.compile(r"^[a-z0-9_-]{1,64}$")


def server_methods(client):
    """The methods the server offers (GET /api/v1/methods); the built-in list for a server without that route."""
    try:
        return client.methods()
    except lc.LikenessError as e:
        if e.status == 404:
            return FALLBACK_METHODS
        raise


def method_choices(methods=None):
    """(label, API value) pairs for a method picker, from the server's list."""
    return [(m.get("title") or m["id"], m["id"]) for m in (methods or FALLBACK_METHODS)]


def method_options(methods, method_id):
    """The JSON names of a method's settings (what its form may fill in)."""
    for m in methods or FALLBACK_METHODS:
        if m["id"] == method_id:
            return [o["name"] for o in m.get("options", [])]
    return []


def method_value(label_or_value, methods=None):
    methods = methods or FALLBACK_METHODS
    key = (label_or_value or "").strip().lower()
    for m in methods:
        names = [m["id"], m.get("title") or m["id"]] + list(m.get("aliases") or [])
        if key in (n.lower() for n in names):
            return m["id"]
    raise lc.LikenessError("Unknown method '%s'; choose one of %s" % (
        label_or_value, ", ".join(label for label, _ in method_choices(methods))))


def concept_token(name):
    return "<%s>" % name


def check_concept_name(name):
    if not NAME_RE.match(name or ""):
        raise lc.LikenessError("A concept name is 1-64 characters of a-z, 0-9, '-' and '_' (got '%s')." % name)
    return name


def insert_token(prompt, token):
    """The prompt with the concept token in it once: at "{}" when the prompt has one, otherwise appended."""
    if not token or token in prompt:
        return prompt
    text = prompt.strip()
    if "{}" in text:
        return text.replace("{}", token)
    return (text + " " + token) if text else "a photo of " + token


def prompt_for_concept(prompt, concept):
    """The prompt after picking a concept: a PALP concept was trained for one target prompt, which is pre-filled
    when the prompt does not use the concept yet; other concepts just get their token inserted."""
    token = concept.get("token") or concept_token(concept.get("name", ""))
    target = (concept.get("targetPrompt") or "").strip()
    if target and token not in (prompt or ""):
        return target
    return insert_token(prompt or "", token)


def layer_name(prompt, seed, limit=80):
    text = " ".join(str(prompt).split())
    if len(text) > limit:
        text = text[:limit - 1] + "\u2026"
    return "%s%s (seed %s)" % (LAYER_PREFIX, text, seed)


def fit_size(width, height, max_side=1024):
    """Generation size for a canvas/selection: same aspect, longest side at most max_side, multiples of 8."""
    width, height = max(1, int(width)), max(1, int(height))
    scale = min(1.0, float(max_side) / max(width, height))
    w = max(8, int(width * scale) // 8 * 8)
    h = max(8, int(height * scale) // 8 * 8)
    return min(w, MAX_SIDE), min(h, MAX_SIDE)


def generate_spec(prompt, negative="", count=1, seed=-1, steps=30, guidance=7.5, width=512, height=512,
                  concepts=(), sampler="", strength=None, images=(), preview=True):
    spec = {"prompt": prompt, "negativePrompt": negative or "", "count": int(count), "steps": int(steps),
            "guidance": float(guidance), "width": int(width), "height": int(height),
            "concepts": [c for c in concepts if c]}
    if preview:  # live previews on the progress stream; the plug-ins show them while sampling
        spec["preview"] = True
    if seed is not None and int(seed) >= 0:
        spec["seed"] = int(seed)
    if sampler:
        spec["sampler"] = sampler
    if images:
        spec["images"] = list(images)
        spec["strength"] = float(0.75 if strength is None else strength)
    return spec


DREAMBOOTH_LORA_RANK = 8


def personalize_spec(method, name, class_word, images, steps=0, target_prompt="", methods=None):
    method = method_value(method, methods)
    check_concept_name(name)
    if not class_word or not class_word.strip():
        raise lc.LikenessError("Give the class word: what the subject is (e.g. 'cat', 'person', 'mug').")
    spec = {"method": method, "name": name, "token": concept_token(name), "classWord": class_word.strip(),
            "images": list(images)}
    if steps and int(steps) > 0:
        spec["steps"] = int(steps)
    if "targetPrompt" in method_options(methods, method):
        if not target_prompt or not target_prompt.strip():
            raise lc.LikenessError("This method needs a target prompt (the prompt the concept is tuned for).")
        spec["options"] = {"targetPrompt": target_prompt.strip()}
    if method == "dreambooth":
        # LoRA: a full fine-tune is a whole new model, which the server's shared model cannot take on per request
        spec["options"] = {"loraRank": DREAMBOOTH_LORA_RANK}
    return spec


class Result:
    """One result image: PNG bytes, the server's metadata, and the layer name to use."""

    def __init__(self, png, metadata, name):
        self.png = png
        self.metadata = metadata
        self.name = name

    def params_json(self):
        return json.dumps(self.metadata, sort_keys=True)


def fetch_results(client, job):
    out = []
    for r in job.get("results", []):
        meta = dict(r.get("metadata") or {})
        meta.setdefault("jobId", job.get("id"))
        meta.setdefault("kind", job.get("kind"))
        meta.setdefault("resultIndex", r["index"])
        png = client.result_png(job["id"], r["index"])
        out.append(Result(png, meta, layer_name(meta.get("prompt", job.get("kind", "")), meta.get("seed", "?"))))
    return out


# -- flows ---------------------------------------------------------------------------------------------------------
# `report(job)` is called with each job update (progress); `started(job_id, kind)` once the server accepted the job,
# so the editor can record it in the document before waiting; `preview(p)` with each live preview of a generation
# (see likeness_client.Client.wait).

def _run(client, kind, spec, report=None, started=None, preview=None):
    job = client.submit(kind, spec)
    if started:
        started(job["id"], kind)
    final = client.wait(job["id"], on_progress=report, on_preview=preview)
    return final


def generate(client, spec, init_png=None, report=None, started=None, preview=None):
    if init_png is not None:
        spec = dict(spec, images=[client.upload_png(init_png)])
        spec.setdefault("strength", 0.75)
    job = _run(client, "generate", spec, report, started, preview)
    return fetch_results(client, job)


def variations(client, spec, concept="", layout_retouch=False, retouch_strength=0.6, report=None, started=None,
               preview=None):
    """Generate variations: plain generation, or Layout-and-Retouch when asked (needs a concept)."""
    if layout_retouch:
        if not concept:
            raise lc.LikenessError("Layout-and-Retouch needs a concept to paint in.")
        class_word = client.concept(concept).get("classWord", "")
        return layout_and_retouch(client, spec, concept, class_word, retouch_strength, report, started, preview)
    return generate(client, spec, report=report, started=started, preview=preview)


def layout_and_retouch(client, spec, concept, class_word, strength=0.6, report=None, started=None, preview=None):
    """Layout-and-Retouch: layouts from the prompt with the concept's token replaced by its class word (so the
    personalized model's collapsed layouts do not dominate), then each layout retouched with the concept."""
    token = concept_token(concept)
    layout = dict(spec, prompt=spec["prompt"].replace(token, class_word or "").strip(),
                  concepts=[c for c in spec.get("concepts", []) if c != concept])
    layouts = generate(client, layout, report=report, started=started, preview=preview)
    results = []
    for i, lay in enumerate(layouts):
        seed = lay.metadata.get("seed", spec.get("seed", 0))
        done = retouch(client, concept, spec["prompt"], lay.png, None, strength, seed, report, started)
        for r in done:
            r.metadata["layout"] = {"prompt": layout["prompt"], "seed": seed}
            r.metadata["mode"] = "layout-retouch"
            r.name = layer_name(spec["prompt"], seed)
        results.extend(done)
    return results


def personalize(client, method, name, class_word, layer_pngs, steps=0, target_prompt="", report=None,
                started=None, preview=None):
    """Trains a concept from the layers; `preview(p)` gets each sample image the server makes while it trains."""
    if not layer_pngs:
        raise lc.LikenessError("Select at least one layer showing the subject.")
    methods = server_methods(client)
    spec = personalize_spec(method, name, class_word, [], steps, target_prompt, methods)  # validate before uploading
    spec["images"] = [client.upload_png(png) for png in layer_pngs]
    job = _run(client, "personalize", spec, report, started, preview)
    return concept_from_job(client, job, name)


def loss_curve(job, curve):
    """Appends a progress update's moving-average loss to `curve` (a list), once per training step."""
    p = job.get("progress") or {}
    if p.get("lossAverage") is not None and p.get("step", 0) > len(curve):
        curve.append(float(p["lossAverage"]))
    return curve


def concept_from_job(client, job, name=None):
    concept = ((job.get("output") or {}).get("concept")) or name
    if isinstance(concept, dict):
        concept = concept.get("name", name)
    return client.concept(concept)


def retouch(client, concept, prompt, layout_png, mask_png=None, strength=0.6, seed=-1, report=None, started=None):
    images = [client.upload_png(layout_png)]
    if mask_png is not None:
        images.append(client.upload_png(mask_png))
    spec = {"images": images, "concept": concept, "prompt": prompt or concept_token(concept),
            "strength": float(strength)}
    if seed is not None and int(seed) >= 0:
        spec["seed"] = int(seed)
    job = _run(client, "retouch", spec, report, started)
    results = fetch_results(client, job)
    for r in results:
        r.metadata.setdefault("concept", concept)
        r.metadata.setdefault("strength", float(strength))
        r.metadata.setdefault("mode", "retouch")
    return results


# -- pending jobs stored in the document ----------------------------------------------------------------------------

def pending_load(text):
    try:
        data = json.loads(text) if text else []
    except ValueError:
        return []
    return [j for j in data if isinstance(j, dict) and j.get("jobId")] if isinstance(data, list) else []


def pending_add(text, job_id, kind, placement=None, extra=None):
    jobs = [j for j in pending_load(text) if j["jobId"] != job_id]
    record = {"jobId": job_id, "kind": kind, "placement": placement or {}}
    if extra:
        record.update(extra)
    jobs.append(record)
    return json.dumps(jobs)


def pending_remove(text, job_id):
    return json.dumps([j for j in pending_load(text) if j["jobId"] != job_id])


def check_pending(client, text):
    """[(record, job)] for each recorded job the server still knows; forgotten jobs get job=None."""
    out = []
    for record in pending_load(text):
        try:
            job = client.job(record["jobId"])
        except lc.ApiError as e:
            if e.status == 404:
                out.append((record, None))
                continue
            raise
        out.append((record, job))
    return out
