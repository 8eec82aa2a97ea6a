import json
import os
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import likeness_client as lc  # noqa: E402
import likeness_jobs as jobs  # noqa: E402
import likeness_png  # noqa: E402
from likeness_tasks import BackgroundTask  # noqa: E402
from fake_server import FakeServer  # noqa: E402


def subject_png(w=24, h=16):
    px = bytearray()
    for y in range(h):
        for x in range(w):
            inside = 4 <= x < 20 and 4 <= y < 12
            px += bytes((200, 30, 30, 255 if inside else 0))  # cut-out subject: transparent around it
    return likeness_png.encode_rgba(w, h, bytes(px))


class NamingTest(unittest.TestCase):
    def test_layer_name(self):
        self.assertEqual(jobs.layer_name("a photo of <my-cat>  on a beach", 1234),
                         "[Likeness] a photo of <my-cat> on a beach (seed 1234)")
        long = jobs.layer_name("x" * 200, 1)
        self.assertTrue(long.endswith("\u2026 (seed 1)"))

    def test_insert_token(self):
        self.assertEqual(jobs.insert_token("a photo of {} on a beach", "<c>"), "a photo of <c> on a beach")
        self.assertEqual(jobs.insert_token("a painting", "<c>"), "a painting <c>")
        self.assertEqual(jobs.insert_token("", "<c>"), "a photo of <c>")
        self.assertEqual(jobs.insert_token("a <c> hat", "<c>"), "a <c> hat")

    def test_fit_size(self):
        self.assertEqual(jobs.fit_size(640, 480), (640, 480))
        self.assertEqual(jobs.fit_size(4000, 3000), (1024, 768))
        self.assertEqual(jobs.fit_size(100, 37), (96, 32))
        self.assertEqual(jobs.fit_size(3, 3), (8, 8))

    def test_specs(self):
        s = jobs.generate_spec("p", count=3, seed=-1, width=64, height=32, concepts=["a", ""])
        self.assertNotIn("seed", s)
        self.assertEqual((s["count"], s["width"], s["concepts"]), (3, 64, ["a"]))
        self.assertEqual(jobs.generate_spec("p", seed=0)["seed"], 0)
        self.assertIs(s["preview"], True, "the plug-ins ask for live previews by default")
        self.assertNotIn("preview", jobs.generate_spec("p", preview=False))
        p = jobs.personalize_spec("PALP", "my-cat", "cat", ["up-1"], 200, "a <my-cat> in the snow")
        self.assertEqual((p["method"], p["token"], p["steps"], p["options"]["targetPrompt"]),
                         ("palp", "<my-cat>", 200, "a <my-cat> in the snow"))
        self.assertEqual(jobs.personalize_spec("Textual Inversion", "c", "dog", [])["method"], "textual-inversion")
        self.assertEqual(jobs.personalize_spec("DreamBooth", "c", "dog", [])["options"], {"loraRank": 8})
        with self.assertRaisesRegex(lc.LikenessError, "target prompt"):
            jobs.personalize_spec("palp", "c", "dog", [])
        with self.assertRaisesRegex(lc.LikenessError, "concept name"):
            jobs.personalize_spec("dreambooth", "My Cat", "cat", [])
        with self.assertRaisesRegex(lc.LikenessError, "class word"):
            jobs.personalize_spec("perfusion", "c", " ", [])
        with self.assertRaisesRegex(lc.LikenessError, "Unknown method"):
            jobs.method_value("lora")

    def test_pending_records(self):
        text = jobs.pending_add("", "j1", "generate", {"x": 3, "y": 4})
        text = jobs.pending_add(text, "j2", "personalize")
        text = jobs.pending_add(text, "j1", "generate", {"x": 5})
        self.assertEqual([j["jobId"] for j in jobs.pending_load(text)], ["j2", "j1"])
        self.assertEqual(jobs.pending_load(text)[1]["placement"], {"x": 5})
        self.assertEqual(jobs.pending_load(jobs.pending_remove(text, "j2"))[0]["jobId"], "j1")
        self.assertEqual(jobs.pending_load("not json"), [])


class FlowTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeServer().__enter__()
        self.client = lc.Client(self.fake.url, "secret-token")

    def tearDown(self):
        self.fake.__exit__(None, None, None)

    def test_generate_results_are_named_and_carry_parameters(self):
        started = []
        spec = jobs.generate_spec("a <my-cat> on a beach", count=2, seed=1234, width=32, height=16,
                                  concepts=["my-cat"])
        results = jobs.generate(self.client, spec, started=lambda jid, kind: started.append((jid, kind)))
        self.assertEqual([r.name for r in results], ["[Likeness] a <my-cat> on a beach (seed 1234)",
                                                     "[Likeness] a <my-cat> on a beach (seed 1235)"])
        self.assertEqual(started[0][1], "generate")
        params = json.loads(results[1].params_json())
        self.assertEqual((params["seed"], params["jobId"], params["concepts"]), (1235, started[0][0], ["my-cat"]))
        self.assertEqual(likeness_png.decode(results[0].png).width, 32)

    def test_refine_uploads_the_init_image(self):
        results = jobs.generate(self.client, jobs.generate_spec("oil paint", seed=1, width=24, height=16),
                                init_png=subject_png(), started=None)
        spec = list(self.fake.state.specs.values())[-1]
        self.assertEqual(len(spec["images"]), 1)
        self.assertEqual(spec["strength"], 0.75)
        self.assertEqual(results[0].metadata["mode"], "img2img")

    def test_personalize_uploads_layers_with_alpha_and_returns_the_concept(self):
        concept = jobs.personalize(self.client, "Textual Inversion", "my-cat", "cat", [subject_png(), subject_png()],
                                   steps=10)
        self.assertEqual((concept["name"], concept["token"], concept["classWord"]), ("my-cat", "<my-cat>", "cat"))
        spec = list(self.fake.state.specs.values())[-1]
        self.assertEqual(len(spec["images"]), 2)
        uploaded = likeness_png.decode(self.fake.state.uploads[spec["images"][0]])
        self.assertEqual(uploaded.pixel(0, 0)[3], 0)
        self.assertEqual(uploaded.pixel(10, 8)[3], 255)
        self.assertIn("my-cat", [c["name"] for c in self.client.concepts()])

    def test_personalize_shows_its_samples_loss_curve_and_thumbnail(self):
        previews, curve, texts = [], [], []

        def report(job):
            jobs.loss_curve(job, curve)
            texts.append(lc.progress_text(job))
        jobs.personalize(self.client, "Textual Inversion", "pet", "dog", [subject_png()], report=report,
                         preview=previews.append)
        self.assertTrue(previews and all(p["png"].startswith(b"\x89PNG") for p in previews), previews)
        self.assertEqual(previews[-1]["step"], previews[-1]["total"], "the last sample arrives")
        self.assertTrue(curve and all(a >= b for a, b in zip(curve, curve[1:])), curve)
        self.assertTrue(any(t.startswith("training ") and ", loss " in t for t in texts), texts)
        self.assertTrue(self.client.concept_thumbnail("pet").startswith(b"\x89PNG"))
        self.assertNotIn("_thumbnail", self.client.concept("pet"))
        self.fake.state.concepts["bare"] = {"name": "bare", "token": "<bare>"}
        self.assertIsNone(self.client.concept_thumbnail("bare"), "404: no thumbnail")

    def test_methods_come_from_the_server(self):
        self.fake.state.methods = self.fake.state.methods + [
            {"id": "one-vector", "aliases": ["ov"], "title": "One vector", "options": [{"name": "targetPrompt"}]}]
        methods = jobs.server_methods(self.client)
        self.assertIn(("One vector", "one-vector"), jobs.method_choices(methods))
        self.assertEqual(jobs.method_value("ov", methods), "one-vector")
        with self.assertRaisesRegex(lc.LikenessError, "target prompt"):
            jobs.personalize(self.client, "One vector", "c", "dog", [subject_png()])
        concept = jobs.personalize(self.client, "One vector", "ov-cat", "cat", [subject_png()],
                                   target_prompt="a sketch of {}")
        spec = list(self.fake.state.specs.values())[-1]
        self.assertEqual((spec["method"], spec["options"]), ("one-vector", {"targetPrompt": "a sketch of {}"}))
        self.assertEqual(concept["name"], "ov-cat")
        self.fake.state.methods = [m for m in self.fake.state.methods if m["id"] != "perfusion"]
        with self.assertRaisesRegex(lc.LikenessError, "Unknown method"):
            jobs.personalize(self.client, "Perfusion", "c", "dog", [subject_png()])

    def test_an_older_server_without_the_methods_route_gets_the_built_in_list(self):
        self.fake.state.methods = None
        self.assertEqual(jobs.method_choices(jobs.server_methods(self.client)), jobs.METHODS)

    def test_personalize_needs_layers(self):
        with self.assertRaisesRegex(lc.LikenessError, "at least one layer"):
            jobs.personalize(self.client, "dreambooth", "c", "dog", [])

    def test_retouch_keeps_layout_size_and_sends_mask(self):
        mask = likeness_png.encode_rgba(24, 16, likeness_png.gray_mask_to_rgba(bytes([255]) * 24 * 16)[:24 * 16 * 4])
        results = jobs.retouch(self.client, "my-cat", "a <my-cat>", subject_png(), mask, 0.4, 9)
        spec = list(self.fake.state.specs.values())[-1]
        self.assertEqual((len(spec["images"]), spec["concept"], spec["strength"], spec["seed"]),
                         (2, "my-cat", 0.4, 9))
        img = likeness_png.decode(results[0].png)
        self.assertEqual((img.width, img.height), (24, 16))
        self.assertEqual(results[0].name, "[Likeness] a <my-cat> (seed 9)")

    def test_layout_and_retouch_generates_generic_layouts_then_retouches(self):
        spec = jobs.generate_spec("a <my-cat> in a garden", count=2, seed=40, width=16, height=16, concepts=["my-cat"])
        results = jobs.layout_and_retouch(self.client, spec, "my-cat", "cat", 0.5)
        specs = list(self.fake.state.specs.values())
        self.assertEqual(specs[0]["prompt"], "a cat in a garden")
        self.assertEqual(specs[0]["concepts"], [])
        self.assertEqual([s["concept"] for s in specs[1:]], ["my-cat", "my-cat"])
        self.assertEqual([r.metadata["mode"] for r in results], ["layout-retouch"] * 2)
        self.assertEqual([r.name for r in results], ["[Likeness] a <my-cat> in a garden (seed 40)",
                                                     "[Likeness] a <my-cat> in a garden (seed 41)"])

    def test_check_pending_marks_forgotten_jobs(self):
        job = self.client.submit("generate", {"prompt": "x"})
        self.client.wait(job["id"])
        text = jobs.pending_add(jobs.pending_add("", job["id"], "generate"), "j999-gone", "generate")
        found = jobs.check_pending(self.client, text)
        self.assertEqual(found[0][1]["state"], "SUCCEEDED")
        self.assertIsNone(found[1][1])
        self.assertEqual(len(jobs.fetch_results(self.client, found[0][1])), 1)


class BackgroundTaskTest(unittest.TestCase):
    def test_flow_runs_off_the_calling_thread_and_reports_through_poll(self):
        with FakeServer() as fake:
            client = lc.Client(fake.url, "secret-token")
            caller = threading.current_thread()
            threads = []

            def flow(c, spec, report=None, started=None):
                threads.append(threading.current_thread())
                return jobs.generate(c, spec, report=report, started=started)

            task = BackgroundTask(flow, client, jobs.generate_spec("a", seed=3, width=8, height=8)).start()
            got = {"progress": [], "started": [], "done": None}
            deadline = time.time() + 20
            while task.poll(on_progress=lambda f, t, j: got["progress"].append(f),
                            on_started=lambda jid, kind: got["started"].append(kind),
                            on_done=lambda r: got.__setitem__("done", r),
                            on_error=lambda e: self.fail(e)) and time.time() < deadline:
                time.sleep(0.01)
            self.assertIsNot(threads[0], caller)
            self.assertEqual(got["started"], ["generate"])
            self.assertEqual(got["done"][0].metadata["seed"], 3)
            self.assertTrue(got["progress"])

    def test_previews_reach_the_ui_thread_before_the_result(self):
        with FakeServer() as fake:
            client = lc.Client(fake.url, "secret-token")
            task = BackgroundTask(jobs.generate, client, jobs.generate_spec("a", width=8, height=8),
                                  previews=True).start()
            events = []
            deadline = time.time() + 20
            while task.poll(on_preview=lambda p: events.append(("preview", p)),
                            on_done=lambda r: events.append(("done", r)),
                            on_error=lambda e: self.fail(e)) and time.time() < deadline:
                time.sleep(0.01)
            kinds = [k for k, _ in events]
            self.assertIn("preview", kinds)
            self.assertEqual(kinds[-1], "done")
            last = [p for k, p in events if k == "preview"][-1]
            self.assertEqual((last["step"], last["total"]), (fake.state.steps, fake.state.steps))
            self.assertEqual(likeness_png.decode(last["png"]).width, 8)

    def test_cancel_and_errors_reach_the_ui(self):
        with FakeServer() as fake:
            fake.state.hold.clear()
            client = lc.Client(fake.url, "secret-token")
            task = BackgroundTask(jobs.generate, client, jobs.generate_spec("a")).start()
            deadline = time.time() + 20
            while task.job_id is None and time.time() < deadline:
                time.sleep(0.01)
            self.assertTrue(task.cancel())
            errors = []
            while task.poll(on_error=errors.append) and time.time() < deadline:
                time.sleep(0.01)
            self.assertIsInstance(errors[0], lc.JobCancelled)


if __name__ == "__main__":
    unittest.main()


class PromptForConceptTest(unittest.TestCase):
    def test_palp_concept_prefills_its_target_prompt(self):
        palp = {"name": "cat", "token": "<cat>", "targetPrompt": "a sketch of <cat> in Paris"}
        self.assertEqual(jobs.prompt_for_concept("", palp), "a sketch of <cat> in Paris")
        self.assertEqual(jobs.prompt_for_concept("a photo", palp), "a sketch of <cat> in Paris")
        self.assertEqual(jobs.prompt_for_concept("<cat> on a boat", palp), "<cat> on a boat")

    def test_other_concepts_get_their_token(self):
        self.assertEqual(jobs.prompt_for_concept("a photo of {}", {"name": "dog", "token": "<dog>"}), "a photo of <dog>")
        self.assertEqual(jobs.prompt_for_concept("", {"name": "dog"}), "a photo of <dog>")
