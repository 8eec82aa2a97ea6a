import json
import os
import socket
import stat
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import likeness_client as lc  # noqa: E402
import likeness_png  # noqa: E402
from fake_server import FakeServer  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class DiscoveryTest(unittest.TestCase):
    def test_data_dir_follows_the_server_rules(self):
        self.assertEqual(lc.server_data_dir({}, "linux", "/h"), "/h/.config/likeness")
        self.assertEqual(lc.server_data_dir({"XDG_CONFIG_HOME": "/x"}, "linux", "/h"), "/x/likeness")
        self.assertEqual(lc.server_data_dir({"XDG_CONFIG_HOME": "rel"}, "linux", "/h"), "/h/.config/likeness")
        self.assertEqual(lc.server_data_dir({}, "darwin", "/h"), "/h/Library/Application Support/likeness")
        self.assertEqual(lc.server_data_dir({"APPDATA": "C:/A"}, "win32", "/h"), os.path.join("C:/A", "likeness"))
        self.assertEqual(lc.server_data_dir({"LIKENESS_DATA_DIR": "/d"}, "linux", "/h"), "/d")

    def test_connect_reads_runtime_json_unless_settings_name_a_url(self):
        with tempfile.TemporaryDirectory() as d:
            rt = os.path.join(d, "runtime.json")
            with self.assertRaises(lc.ServerNotRunning) as e:
                lc.connect({"url": "", "token": ""}, rt)
            self.assertIn("not running", str(e.exception))
            with open(rt, "w") as f:
                json.dump({"url": "http://127.0.0.1:7487", "token": "t0k"}, f)
            c = lc.connect({"url": "", "token": ""}, rt)
            self.assertEqual((c.url, c.token, c.source), ("http://127.0.0.1:7487", "t0k", "runtime.json"))
            c = lc.connect({"url": "http://gpu-box:7487/", "token": "remote"}, rt)
            self.assertEqual((c.url, c.token, c.source), ("http://gpu-box:7487", "remote", "settings"))

    def test_settings_are_saved_owner_only(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "sub", "plugin-settings.json")
            self.assertEqual(lc.load_settings(p), {"url": "", "token": ""})
            lc.save_settings(" http://10.0.0.5:7487 ", "abc ", p)
            self.assertEqual(lc.load_settings(p), {"url": "http://10.0.0.5:7487", "token": "abc"})
            if os.name == "posix":
                self.assertEqual(stat.S_IMODE(os.stat(p).st_mode), 0o600)


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeServer().__enter__()
        self.client = lc.Client(self.fake.url, "secret-token")

    def tearDown(self):
        self.fake.__exit__(None, None, None)

    def test_bearer_token_and_check(self):
        line = self.client.check()
        self.assertIn("model demo", line)
        self.assertIn("generate", line)
        method, path, headers = self.fake.state.requests[-1]
        self.assertEqual(headers["Authorization"], "Bearer secret-token")

    def test_jobs_name_their_submitter_for_the_studio_queue(self):
        name = lc.submitter_name()
        self.assertRegex(name, r"^[A-Za-z0-9._@+-]{1,64}$")
        self.assertIn("@", name)
        self.client.submit("generate", {"prompt": "a cat", "width": 16, "height": 8})
        method, path, headers = [r for r in self.fake.state.requests if r[0] == "POST"][-1]
        self.assertEqual(headers.get("X-Likeness-Submitter"), name)

    def test_a_studio_client_moves_to_the_next_front_when_one_is_gone(self):
        dead = "http://127.0.0.1:%d" % free_port()
        client = lc.Client(dead + ", " + self.fake.url, "secret-token", timeout=3)
        self.assertIn("model demo", client.check())
        self.assertEqual(client.url, self.fake.url)
        job = client.submit("generate", {"prompt": "a cat", "width": 16, "height": 8})
        self.assertTrue(job["id"])
        with self.assertRaises(lc.ServerNotRunning):
            lc.Client(dead, "secret-token", timeout=3).version()

    def test_wrong_token_is_named(self):
        with self.assertRaises(lc.WrongToken) as e:
            lc.Client(self.fake.url, "nope", source="runtime.json").concepts()
        self.assertIn("refused the access token", str(e.exception))

    def test_server_not_running(self):
        with self.assertRaises(lc.ServerNotRunning) as e:
            lc.Client("http://127.0.0.1:%d" % free_port(), "t", timeout=3).version()
        self.assertIn("Cannot reach the Likeness server", str(e.exception))

    def test_model_not_selected(self):
        self.fake.state.model = {"selected": None, "loaded": False}
        with self.assertRaises(lc.ModelNotLoaded):
            self.client.check()

    def test_no_runner_is_reported(self):
        self.fake.state.runners.discard("personalize")
        with self.assertRaises(lc.NoRunner) as e:
            self.client.submit("personalize", {"name": "x"})
        self.assertEqual(e.exception.status, 503)
        self.assertIn("cannot run personalize", str(e.exception))

    def test_field_errors_show_the_server_message(self):
        with self.assertRaises(lc.ApiError) as e:
            self.client.submit("generate", {"prompt": ""})
        self.assertEqual((e.exception.code, e.exception.field), ("INVALID_REQUEST", "prompt"))
        self.assertIn("prompt is required", str(e.exception))

    def test_upload_sends_raw_png(self):
        data = likeness_png.encode_rgba(2, 2, bytes(16))
        uid = self.client.upload_png(data)
        self.assertEqual(self.fake.state.uploads[uid], data)
        _, path, headers = self.fake.state.requests[-1]
        self.assertEqual((path, headers["Content-Type"]), ("/api/v1/uploads", "image/png"))

    def test_wait_follows_events_then_results(self):
        job = self.client.submit("generate", {"prompt": "a cat", "count": 2, "seed": 5, "width": 16, "height": 8})
        seen = []
        final = self.client.wait(job["id"], on_progress=lambda j: seen.append(lc.progress_fraction(j)))
        self.assertEqual(final["state"], "SUCCEEDED")
        self.assertEqual(seen[-1], 1.0)
        self.assertTrue(any(0 < f < 1 for f in seen), seen)
        self.assertTrue(any(p.endswith("/events") for _, p, _ in self.fake.state.requests))
        img = likeness_png.decode(self.client.result_png(job["id"], 1))
        self.assertEqual((img.width, img.height), (16, 8))
        self.assertEqual(final["results"][1]["metadata"]["seed"], 6)

    def test_wait_hands_previews_over_and_progress_stays_job_updates(self):
        job = self.client.submit("generate", {"prompt": "a cat", "preview": True})
        previews, updates = [], []
        final = self.client.wait(job["id"], on_progress=updates.append, on_preview=previews.append)
        self.assertEqual(final["state"], "SUCCEEDED")
        self.assertTrue(previews)
        self.assertTrue(all("state" in u for u in updates), "a preview never reaches on_progress")
        self.assertEqual(likeness_png.decode(previews[-1]["png"]).width, 8)
        self.assertIsNone(lc.decode_preview({"png": "not base64!"})["png"])

    def test_wait_polls_when_streams_are_refused(self):
        self.fake.state.refuse_streams = True
        job = self.client.submit("generate", {"prompt": "a cat"})
        final = self.client.wait(job["id"], poll_interval=0.01)
        self.assertEqual(final["state"], "SUCCEEDED")

    def test_failed_job_raises_with_server_message(self):
        self.fake.state.fail_next = "The GPU ran out of memory. Try a smaller size."
        job = self.client.submit("generate", {"prompt": "a cat"})
        with self.assertRaises(lc.JobFailed) as e:
            self.client.wait(job["id"])
        self.assertIn("The GPU ran out of memory", str(e.exception))

    def test_cancel_from_another_thread_ends_the_wait(self):
        self.fake.state.hold.clear()
        job = self.client.submit("generate", {"prompt": "a cat"})
        threading.Timer(0.2, lambda: self.client.cancel(job["id"])).start()
        with self.assertRaises(lc.JobCancelled):
            self.client.wait(job["id"])

    def test_progress_text(self):
        self.assertEqual(lc.progress_text({"state": "QUEUED"}), "Waiting in the server's queue")
        self.assertEqual(lc.progress_text({"state": "RUNNING", "progress": {"step": 3, "total": 30,
                                                                            "message": "denoising"}}),
                         "denoising 3/30")
        self.assertAlmostEqual(lc.progress_fraction({"state": "RUNNING", "progress": {"step": 3, "total": 30}}), 0.1)

    def test_sse_parser(self):
        lines = [b": keep-alive\n", b"event: progress\n", b"id: 1\n", b"data: {\"a\":1}\n", b"\n",
                 b"event: done\n", b"data: {\"a\":\n", b"data: 2}\n", b"\n"]
        self.assertEqual(list(lc.parse_sse(lines)), [("progress", '{"a":1}'), ("done", '{"a":\n2}')])


if __name__ == "__main__":
    unittest.main()
