# Runs inside Krita (kritarunner -s krita_runner_test -f main OUT.json, QT_QPA_PLATFORM=offscreen): builds a
# document with a subject layer, runs the Likeness plug-in's operations against the real server, and writes what
# it found to OUT.json ([{"check", "status": PASS|FAIL|NO_RUNNER, "detail"}]).
import json
import os
import sys
import traceback

from krita import Krita, Selection

checks = []


def record(name, ok, detail=""):
    checks.append({"check": name, "status": "PASS" if ok else "FAIL", "detail": str(detail)})
    print("%s %s %s" % ("PASS" if ok else "FAIL", name, detail), flush=True)


def no_runner(name, detail):
    checks.append({"check": name, "status": "NO_RUNNER", "detail": str(detail)})
    print("NO_RUNNER %s %s" % (name, detail), flush=True)


def describe(node):
    b = node.bounds()
    return (node.name(), b.width(), b.height(), b.x(), b.y())


def above(doc, node):
    """The node directly above `node` among its siblings, or None."""
    siblings = node.parentNode().childNodes()
    names = [n.name() for n in siblings]
    i = names.index(node.name())
    return siblings[i + 1] if i + 1 < len(siblings) else None


def run(ops, op, name):
    """Runs an operation; returns True on success, records NO_RUNNER / failures."""
    import likeness_client as lc
    try:
        ops.run_blocking(op, timeout=300)
    except lc.LikenessError as e:
        record(name, False, e.message)
        return False
    if isinstance(op.error, lc.NoRunner):
        no_runner(name, op.error.message)
        return False
    if op.error is not None:
        record(name, False, op.error.message)
        return False
    return True


def main(args):
    out = args[0] if args else "krita-result.json"
    try:
        body(out)
    except Exception:
        record("krita batch test crashed", False, traceback.format_exc())
    with open(out, "w") as f:
        json.dump(checks, f, indent=1)


def body(out):
    from likeness.qt_compat import QByteArray, QT6
    import likeness  # noqa: F401  (registers the extension and docker as Krita would)
    from likeness import krita_layers as kl
    from likeness import krita_ops as ops
    import likeness_client as lc
    import likeness_jobs as jobs
    import likeness_png

    app = Krita.instance()
    app.setBatchmode(True)
    client = lc.connect()
    record("server reachable from Krita (PyQt%d)" % (6 if QT6 else 5), True, client.check())

    doc = app.createDocument(128, 96, "likeness-test", "RGBA", "U8", "", 72.0)
    subject = doc.createNode("subject", "paintlayer")
    doc.rootNode().addChildNode(subject, None)
    px = bytearray()
    for y in range(40):
        for x in range(48):
            inside = (x - 24) ** 2 / 400.0 + (y - 20) ** 2 / 256.0 <= 1.0
            px += bytes((30, 40, 220, 255)) if inside else bytes(4)  # BGRA: red subject, transparent around
    subject.setPixelData(QByteArray(bytes(px)), 20, 16, 48, 40)
    doc.setActiveNode(subject)
    doc.waitForDone()
    sb = subject.bounds()
    record("subject layer written", (sb.width(), sb.height()) == (41, 33), describe(subject))
    uploaded = likeness_png.decode(kl.node_png(subject))
    record("layer->PNG keeps alpha and colour (BGRA->RGBA)",
           uploaded.pixel(0, 0)[3] == 0 and uploaded.pixel(20, 16) == (220, 40, 30, 255),
           (uploaded.pixel(0, 0), uploaded.pixel(20, 16)))

    # -- personalize from the layer
    concept = "krita-subject-%d" % os.getpid()
    op = ops.personalize(doc, [subject], "textual-inversion", concept, "toy", steps=2)
    if run(ops, op, "personalize"):
        names = [c["name"] for c in client.concepts()]
        record("personalize created concept from the layer", concept in names, names)
        pv = op.preview or {}
        record("a training sample arrived as a preview while it trained (the last step's, a PNG)",
               bool(pv.get("png")) and pv.get("step") == pv.get("total") == 2,
               {k: v for k, v in pv.items() if k != "png"})
        record("the docker's loss curve got the training steps", 1 <= len(op.losses) <= 2, op.losses)
        thumb = client.concept_thumbnail(concept)
        record("the concept has a thumbnail for the picker (its last sample)",
               bool(thumb) and likeness_png.decode(thumb).width > 0, len(thumb or b""))

    # -- generate variations into a selection
    sel = Selection()
    sel.select(8, 8, 64, 48, 255)
    doc.setSelection(sel)
    n_before = len(doc.rootNode().childNodes())
    op = ops.generate(doc, subject, "a photo of a toy", "blurry", "", 2, 1234, 2, 7.5, 0, 0)
    ok = run(ops, op, "generate")
    doc.waitForDone()
    record("generate ran", ok, op.summary)
    pv = op.preview or {}
    record("a live preview arrived from the real server (last step, a PNG)",
           bool(pv.get("png")) and pv.get("step") == pv.get("total") and pv.get("width") == 64,
           {k: v for k, v in pv.items() if k != "png"})
    nodes = doc.rootNode().childNodes()
    record("generate added 2 layers", len(nodes) == n_before + 2, [describe(n) for n in nodes])
    first = above(doc, subject)
    second = above(doc, first) if first else None
    got = [describe(n) for n in (second, first) if n is not None]
    expected = [("[Likeness] a photo of a toy (seed 1234)", 64, 48, 8, 8),
                ("[Likeness] a photo of a toy (seed 1235)", 64, 48, 8, 8)]
    record("variation layers: names, sizes, positions, directly above the active layer", got == expected, got)
    for node, seed in ((second, 1234), (first, 1235)):
        p = (kl.layer_params(doc, node) if node else None) or {}
        ok = (p.get("seed") == seed and p.get("prompt") == "a photo of a toy" and p.get("negativePrompt") == "blurry"
              and p.get("steps") == 2 and p.get("width") == 64 and p.get("jobId"))
        record("annotation holds the parameters (seed %d)" % seed, bool(ok), p)
    if second is not None:
        p = kl.layer_params(doc, second) or {}
        server = likeness_png.decode(client.result_png(p["jobId"], p["resultIndex"]))
        layer_rgba = likeness_png.swap_red_blue(bytes(second.pixelData(8, 8, 64, 48)))
        record("layer pixels equal the server's PNG (RGBA->BGRA)", layer_rgba == server.pixels,
               "%dx%d" % (server.width, server.height))
    record("no pending jobs left after generate", ops.pending_jobs(doc) == [], ops.pending_jobs(doc))
    doc.setSelection(None)

    # -- refine (img2img) on the subject
    region = kl.source_region(doc, subject)
    op = ops.refine(doc, subject, "an oil painting", strength=0.5, seed=7, steps=2)
    record("refine ran", run(ops, op, "refine"), op.summary)
    node = above(doc, subject)
    record("refine layer aligned with its source", describe(node) ==
           ("[Likeness] an oil painting (seed 7)", region[2], region[3], region[0], region[1]),
           (describe(node), region))

    # -- retouch in place (with the concept personalize made)
    if concept not in [c["name"] for c in client.concepts()]:
        no_runner("retouch", "needs the concept from personalize, which this server cannot make yet")
        return _restart(app, doc, client, out, ops, kl, jobs)
    try:
        op = ops.retouch(doc, subject, concept, "a photo of {}", 0.6, 11)
        if run(ops, op, "retouch"):
            node = above(doc, subject)
            record("retouch layer aligned with its source",
                   describe(node)[1:] == (region[2], region[3], region[0], region[1])
                   and describe(node)[0].endswith("(seed 11)"), (describe(node), region))
    except lc.LikenessError as e:
        record("retouch", False, e.message)
    _restart(app, doc, client, out, ops, kl, jobs)


def _restart(app, doc, client, out, ops, kl, jobs):
    # -- a job recorded in the document survives saving, closing and reopening
    job = client.submit("generate", jobs.generate_spec("restart test", seed=99, steps=2, width=32, height=24))
    kl.set_text(doc, jobs.PENDING_KEY, jobs.pending_add("", job["id"], "generate",
                                                        {"x": 4, "y": 5, "above": "subject"}))
    path = os.path.join(os.path.dirname(os.path.abspath(out)), "restart.kra")
    doc.saveAs(path)
    doc.waitForDone()
    doc.close()
    client.wait(job["id"])
    doc = app.openDocument(path)
    doc.waitForDone()
    subject = doc.nodeByName("subject")
    record("pending job and parameters survive .kra", len(ops.pending_jobs(doc)) == 1
           and kl.layer_params(doc, doc.nodeByName("[Likeness] a photo of a toy (seed 1234)")) is not None,
           ops.pending_jobs(doc))
    op = ops.fetch_pending(doc)
    run(ops, op, "fetch results")
    doc.waitForDone()
    node = above(doc, subject)
    record("fetch after reopening added the finished job's layer",
           describe(node) == ("[Likeness] restart test (seed 99)", 32, 24, 4, 5), (describe(node), op.summary))
    record("fetched job is no longer pending", ops.pending_jobs(doc) == [], ops.pending_jobs(doc))
    doc.close()
