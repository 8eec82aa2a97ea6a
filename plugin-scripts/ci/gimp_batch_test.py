# Runs inside GIMP 3 (gimp-console-3.0 --batch-interpreter=python-fu-eval): builds an image with a subject layer,
# calls the Likeness procedures through the PDB against the real server, and writes what it found to
# $LIKENESS_TEST_OUT (JSON: [{"check", "status": PASS|FAIL|NO_RUNNER, "detail"}]).
import json
import os
import sys
import traceback

import gi

gi.require_version("Gimp", "3.0")
gi.require_version("Gegl", "0.4")
from gi.repository import Gegl, Gimp, Gio  # noqa: E402

PLUGIN_DIR = os.environ["LIKENESS_PLUGIN_DIR"]
OUT = os.environ["LIKENESS_TEST_OUT"]
sys.path.insert(0, PLUGIN_DIR)
import likeness_client as lc  # noqa: E402
import likeness_jobs as jobs  # noqa: E402
import likeness_png  # noqa: E402

FMT = "R'G'B'A u8"
checks = []


def record(name, ok, detail=""):
    checks.append({"check": name, "status": "PASS" if ok else "FAIL", "detail": str(detail)})
    print("%s %s %s" % ("PASS" if ok else "FAIL", name, detail), flush=True)


def no_runner(name, detail):
    checks.append({"check": name, "status": "NO_RUNNER", "detail": detail})
    print("NO_RUNNER %s %s" % (name, detail), flush=True)


def call(name, image, drawables, **args):
    proc = Gimp.get_pdb().lookup_procedure("plug-in-likeness-" + name)
    if proc is None:
        raise RuntimeError("procedure plug-in-likeness-%s is not registered" % name)
    cfg = proc.create_config()
    cfg.set_property("run-mode", Gimp.RunMode.NONINTERACTIVE)
    cfg.set_property("image", image)
    cfg.set_core_object_array("drawables", drawables)
    for key, value in args.items():
        cfg.set_property(key.replace("_", "-"), value)
    res = proc.run(cfg)
    status = res.index(0)
    if status != Gimp.PDBStatusType.SUCCESS:
        return status, (res.index(1) if res.length() > 1 else "")
    return status, (res.index(1) if res.length() > 1 else None)


def pixels(layer):
    w, h = layer.get_width(), layer.get_height()
    return bytes(layer.get_buffer().get(Gegl.Rectangle.new(0, 0, w, h), 1.0, FMT, Gegl.AbyssPolicy.NONE))


def params(layer):
    p = layer.get_parasite(jobs.PARAMS_KEY)
    return json.loads(bytes(p.get_data()).decode("utf-8")) if p else None


def pending(image):
    p = image.get_parasite(jobs.PENDING_KEY)
    return jobs.pending_load(bytes(p.get_data()).decode("utf-8")) if p else []


def describe(layer):
    _ok, x, y = layer.get_offsets()
    return (layer.get_name(), layer.get_width(), layer.get_height(), x, y)


def make_image():
    img = Gimp.Image.new(128, 96, Gimp.ImageBaseType.RGB)
    bg = Gimp.Layer.new(img, "Background", 128, 96, Gimp.ImageType.RGB_IMAGE, 100.0, Gimp.LayerMode.NORMAL)
    img.insert_layer(bg, None, 0)
    bg.fill(Gimp.FillType.WHITE)
    subject = Gimp.Layer.new(img, "subject", 48, 40, Gimp.ImageType.RGBA_IMAGE, 100.0, Gimp.LayerMode.NORMAL)
    img.insert_layer(subject, None, 0)
    subject.set_offsets(20, 16)
    px = bytearray()
    for y in range(40):
        for x in range(48):
            inside = (x - 24) ** 2 / 400.0 + (y - 20) ** 2 / 256.0 <= 1.0
            px += bytes((220, 40, 30, 255)) if inside else bytes((0, 0, 0, 0))
    buf = subject.get_buffer()
    buf.set(Gegl.Rectangle.new(0, 0, 48, 40), FMT, bytes(px))
    buf.flush()
    img.set_selected_layers([subject])
    return img, subject


def main():
    client = lc.connect()
    record("server reachable from GIMP", True, client.check())
    image, subject = make_image()
    concept = "gimp-subject-%d" % os.getpid()

    # -- personalize
    status, value = call("personalize", image, [subject], method="textual-inversion", concept_name=concept,
                         class_word="toy", steps=2)
    if status == Gimp.PDBStatusType.SUCCESS:
        names = [c["name"] for c in client.concepts()]
        record("personalize created concept from the layer", value == concept and concept in names,
               "returned %r, server has %s" % (value, names))
    elif "NO_RUNNER" in str(value):
        no_runner("personalize", value)
    else:
        record("personalize", False, "status %s: %s" % (status, value))

    # -- generate variations into the selection
    image.select_rectangle(Gimp.ChannelOps.REPLACE, 8, 8, 64, 48)
    before = len(image.get_layers())
    status, value = call("generate", image, [subject], prompt="a photo of a toy", negative_prompt="blurry",
                         count=2, seed=1234, steps=2, guidance=7.5, width=0, height=0)
    record("generate ran", status == Gimp.PDBStatusType.SUCCESS and value == 2, "status %s, %r" % (status, value))
    layers = image.get_layers()
    record("generate added 2 layers", len(layers) == before + 2, [describe(l) for l in layers])
    pos = image.get_item_position(subject)
    expected = [("[Likeness] a photo of a toy (seed 1234)", 64, 48, 8, 8),
                ("[Likeness] a photo of a toy (seed 1235)", 64, 48, 8, 8)]
    got = [describe(l) for l in layers[pos - 2:pos]] if pos >= 2 else []
    record("variation layers: names, sizes, positions, directly above the active layer", got == expected, got)
    for layer, seed in zip(layers[pos - 2:pos], (1234, 1235)):
        p = params(layer) or {}
        ok = (p.get("seed") == seed and p.get("prompt") == "a photo of a toy" and p.get("negativePrompt") == "blurry"
              and p.get("steps") == 2 and p.get("width") == 64 and p.get("height") == 48 and p.get("jobId"))
        record("parasite holds the parameters (seed %d)" % seed, bool(ok), p)
    first = layers[pos - 1]
    p = params(first) or {}
    if p.get("jobId"):
        server = likeness_png.decode(client.result_png(p["jobId"], p["resultIndex"]))
        record("layer pixels equal the server's PNG", pixels(first) == server.pixels, "%dx%d" % (server.width,
                                                                                              server.height))
    record("no pending jobs left after generate", pending(image) == [], pending(image))
    Gimp.Selection.none(image)

    # -- refine (img2img) on the subject layer
    image.set_selected_layers([subject])
    status, value = call("refine", image, [subject], prompt="an oil painting", strength=0.5, seed=7, steps=2)
    record("refine ran", status == Gimp.PDBStatusType.SUCCESS and value == 1, "status %s, %r" % (status, value))
    layers = image.get_layers()
    above = layers[image.get_item_position(subject) - 1]
    record("refine layer aligned with its source", describe(above) ==
           ("[Likeness] an oil painting (seed 7)", 48, 40, 20, 16), describe(above))
    record("refine parameters", (params(above) or {}).get("mode") == "img2img", params(above))

    # -- retouch in place (with the concept personalize made)
    if concept not in [c["name"] for c in client.concepts()]:
        no_runner("retouch", "needs the concept from personalize, which this server cannot make yet")
        status, value = None, None
    else:
        status, value = call("retouch", image, [subject], concept=concept, prompt="a photo of {}", strength=0.6, seed=11)
    if status is None:
        pass
    elif status == Gimp.PDBStatusType.SUCCESS:
        layers = image.get_layers()
        above = layers[image.get_item_position(subject) - 1]
        record("retouch layer aligned with its source",
               describe(above)[1:] == (48, 40, 20, 16) and describe(above)[0].endswith("(seed 11)"), describe(above))
    elif "NO_RUNNER" in str(value):
        no_runner("retouch", value)
    else:
        record("retouch", False, "status %s: %s" % (status, value))

    # -- a job recorded in the image survives saving, closing and reopening
    job = client.submit("generate", jobs.generate_spec("restart test", seed=99, steps=2, width=32, height=24))
    image.attach_parasite(Gimp.Parasite.new(jobs.PENDING_KEY, Gimp.PARASITE_PERSISTENT, list(
        jobs.pending_add("", job["id"], "generate", {"x": 4, "y": 5, "above": "subject"}).encode("utf-8"))))
    path = os.path.join(os.path.dirname(OUT), "restart.xcf")
    Gimp.file_save(Gimp.RunMode.NONINTERACTIVE, image, Gio.File.new_for_path(path), None)
    image.delete()
    client.wait(job["id"])
    image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, Gio.File.new_for_path(path))
    subject = [l for l in image.get_layers() if l.get_name() == "subject"][0]
    record("parasites survive XCF", params(image.get_layers()[0]) is not None, describe(image.get_layers()[0]))
    status, value = call("fetch-results", image, [subject])
    layers = image.get_layers()
    above = layers[image.get_item_position(subject) - 1]
    record("fetch-results after reopening added the finished job's layer",
           status == Gimp.PDBStatusType.SUCCESS and value == 1
           and describe(above) == ("[Likeness] restart test (seed 99)", 32, 24, 4, 5), describe(above))
    record("fetched job is no longer pending", pending(image) == [], pending(image))
    image.delete()


try:
    main()
except Exception:
    record("gimp batch test crashed", False, traceback.format_exc())
with open(OUT, "w") as f:
    json.dump(checks, f, indent=1)
