"""An in-process stand-in for the bridge server's HTTP API (the routes the plug-ins use), on 127.0.0.1 only."""

import base64
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import likeness_png  # noqa: E402


class FakeState:
    def __init__(self, token="secret-token"):
        self.token = token
        self.lock = threading.Lock()
        self.uploads = {}            # id -> png bytes
        self.jobs = {}               # id -> job dict
        self.specs = {}              # id -> submitted spec
        self.concepts = {}
        self.runners = {"generate", "personalize", "retouch"}
        self.fail_next = None        # message: the next job fails with it
        self.refuse_streams = False  # 429 on /events, so the client polls
        self.hold = threading.Event()  # when cleared, jobs stay RUNNING until set (for cancel tests)
        self.hold.set()
        self.requests = []           # (method, path, headers) of every request
        self.model = {"selected": "demo", "loaded": False}
        self.steps = 3
        self.methods = [  # GET /api/v1/methods (None: a server without the route, 404)
            {"id": "textual-inversion", "aliases": ["ti"], "title": "Textual Inversion",
             "options": [{"name": "initWord"}, {"name": "vectors"}]},
            {"id": "dreambooth", "aliases": ["db"], "title": "DreamBooth", "options": [{"name": "loraRank"}]},
            {"id": "perfusion", "aliases": [], "title": "Perfusion", "options": [{"name": "beta"}]},
            {"id": "palp", "aliases": [], "title": "PALP", "options": [{"name": "targetPrompt"}]},
        ]


def public(job):
    return {k: v for k, v in dict(job).items() if not k.startswith("_")}


def _png(width, height, seed):
    px = bytearray()
    for y in range(height):
        for x in range(width):
            px += bytes(((x * 7 + seed) & 255, (y * 5 + seed) & 255, (seed * 3) & 255, 255))
    return likeness_png.encode_rgba(width, height, bytes(px))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set per server

    def log_message(self, *args):
        pass

    # -- helpers -------------------------------------------------------------------------------------------------
    def _send(self, status, body=b"", ctype="application/json", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status, obj):
        self._send(status, json.dumps(obj).encode("utf-8"))

    def _error(self, status, code, message, field=None):
        err = {"code": code, "message": message}
        if field:
            err["field"] = field
        self._json(status, {"error": err})

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _authorized(self):
        return self.headers.get("Authorization") == "Bearer " + self.state.token

    def _route(self, method):
        st = self.state
        st.requests.append((method, self.path, dict(self.headers)))
        path = self.path
        if path == "/api/v1/health":
            return self._json(200, {"status": "ok", "version": "0.1.0"})
        if not self._authorized():
            return self._error(401, "UNAUTHORIZED", "missing or wrong token")
        if method == "GET" and path == "/api/v1/version":
            return self._json(200, {"version": "0.1.0", "api": "v1", "jobKinds": sorted(st.runners), "py4j": False})
        if method == "GET" and path == "/api/v1/methods":
            if st.methods is None:
                return self._error(404, "NOT_FOUND", "no such route")
            return self._json(200, {"methods": st.methods})
        if method == "GET" and path == "/api/v1/models/active":
            return self._json(200, st.model)
        if method == "GET" and path == "/api/v1/concepts":
            return self._json(200, {"concepts": [public(c) for c in st.concepts.values()]})
        m = re.match(r"^/api/v1/concepts/([^/]+)/thumbnail$", path)
        if method == "GET" and m:
            c = st.concepts.get(m.group(1))
            if not c or not c.get("_thumbnail"):
                return self._error(404, "NO_THUMBNAIL", "no samples or references")
            body = c["_thumbnail"]
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        m = re.match(r"^/api/v1/concepts/([^/]+)$", path)
        if method == "GET" and m:
            c = st.concepts.get(m.group(1))
            return self._json(200, public(c)) if c else self._error(404, "NOT_FOUND", "no such concept")
        if method == "POST" and path == "/api/v1/uploads":
            if self.headers.get("Content-Type") != "image/png":
                return self._error(415, "UNSUPPORTED_MEDIA_TYPE", "send image/png")
            body = self._body()
            try:
                img = likeness_png.decode(body)
            except ValueError as e:
                return self._error(400, "INVALID_IMAGE", str(e))
            with st.lock:
                uid = "up-%024d" % len(st.uploads)
                st.uploads[uid] = body
            return self._json(201, {"id": uid, "width": img.width, "height": img.height, "bytes": len(body)})
        m = re.match(r"^/api/v1/jobs/(generate|personalize|retouch)$", path)
        if method == "POST" and m:
            return self._submit(m.group(1))
        m = re.match(r"^/api/v1/jobs/([^/]+)(/cancel|/events|/results/(\d+))?$", path)
        if m:
            job = st.jobs.get(m.group(1))
            if job is None:
                return self._error(404, "NOT_FOUND", "no such job")
            if method == "POST" and m.group(2) == "/cancel":
                self._body()
                with st.lock:
                    if job["state"] in ("QUEUED", "RUNNING"):
                        job["cancelRequested"] = True
                st.hold.set()
                return self._json(200, public(job))
            if method == "GET" and m.group(2) == "/events":
                return self._events(job)
            if method == "GET" and m.group(3) is not None:
                i = int(m.group(3))
                if i >= len(job.get("results", [])):
                    return self._error(404, "NOT_FOUND", "no such result")
                return self._send(200, job["_pngs"][i], "image/png")
            if method == "GET" and m.group(2) is None:
                return self._json(200, public(job))
        return self._error(404, "NOT_FOUND", "no route")

    def _submit(self, kind):
        st = self.state
        if kind not in st.runners:
            return self._error(503, "NO_RUNNER", "this build cannot run %s jobs yet" % kind)
        if self.headers.get("Content-Type") != "application/json":
            return self._error(415, "UNSUPPORTED_MEDIA_TYPE", "send JSON")
        spec = json.loads(self._body().decode("utf-8"))
        for i, uid in enumerate(spec.get("images", [])):
            if uid not in st.uploads:
                return self._error(400, "UNKNOWN_UPLOAD", "unknown upload", "images[%d]" % i)
        if kind == "generate" and not spec.get("prompt"):
            return self._error(400, "INVALID_REQUEST", "prompt is required", "prompt")
        with st.lock:
            jid = "j%06d-fake" % (len(st.jobs) + 1)
            job = {"id": jid, "seq": len(st.jobs) + 1, "kind": kind, "state": "QUEUED", "attempts": 0}
            st.jobs[jid] = job
            st.specs[jid] = spec
        threading.Thread(target=self._run_job, args=(job, spec), daemon=True).start()
        return self._json(202, public(job))

    def _run_job(self, job, spec):
        st = self.state
        job["state"] = "RUNNING"
        for step in range(1, st.steps + 1):
            job["progress"] = {"step": step, "total": st.steps, "message": "denoising"}
            if job["kind"] == "personalize":  # as the real server: loss, average and lr, a sample every 2nd step
                job["progress"] = {"step": step, "total": st.steps, "message": "training", "loss": 1.0 / step,
                                   "lossAverage": 1.0 / step, "lr": 0.005}
                if step % 2 == 0 or step == st.steps:
                    job["_preview"] = {"step": step, "total": st.steps, "image": 0, "width": 8, "height": 8,
                                       "png": base64.b64encode(_png(8, 8, step)).decode("ascii")}
            if job["kind"] == "generate" and spec.get("preview") is True:
                job["_preview"] = {"step": step, "total": st.steps, "image": 0, "width": 8, "height": 8,
                                   "png": base64.b64encode(_png(8, 8, step)).decode("ascii")}
            st.hold.wait(10)
            time.sleep(0.03)
            if job.get("cancelRequested"):
                job["state"] = "CANCELLED"
                job["error"] = {"code": "CANCELLED", "message": "cancelled"}
                return
        if st.fail_next:
            job["state"] = "FAILED"
            job["error"] = {"code": "JOB_FAILED", "message": st.fail_next}
            st.fail_next = None
            return
        kind = job["kind"]
        pngs, results = [], []
        if kind == "generate":
            seed = spec.get("seed", 99)
            for k in range(spec.get("count", 1)):
                w, h = spec.get("width", 64), spec.get("height", 64)
                pngs.append(_png(w, h, seed + k))
                results.append({"prompt": spec["prompt"], "negativePrompt": spec.get("negativePrompt", ""),
                                "seed": seed + k, "steps": spec.get("steps", 30), "guidance": spec.get("guidance", 7.5),
                                "width": w, "height": h, "concepts": spec.get("concepts", []),
                                "mode": "img2img" if spec.get("images") else "txt2img", "model": "demo"})
        elif kind == "retouch":
            layout = likeness_png.decode(st.uploads[spec["images"][0]])
            seed = spec.get("seed", 7)
            pngs.append(_png(layout.width, layout.height, seed))
            results.append({"prompt": spec.get("prompt", ""), "seed": seed, "concept": spec["concept"],
                            "width": layout.width, "height": layout.height, "mode": "retouch"})
        elif kind == "personalize":
            name = spec["name"]
            st.concepts[name] = {"name": name, "method": spec["method"], "token": spec["token"],
                                 "classWord": spec["classWord"], "modelFamily": "sd1", "files": [], "sizeBytes": 1,
                                 "_thumbnail": _png(8, 8, st.steps)}
            job["output"] = {"concept": name}
        job["_pngs"] = pngs
        job["results"] = [{"index": i, "url": "/api/v1/jobs/%s/results/%d" % (job["id"], i), "metadata": md}
                          for i, md in enumerate(results)]
        job["progress"] = {"step": st.steps, "total": st.steps, "message": "done"}
        job["state"] = "SUCCEEDED"

    def _events(self, job):
        if self.state.refuse_streams:
            return self._error(429, "TOO_MANY_STREAMS", "too many streams; poll instead")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        last = None
        preview_sent = None
        n = 0
        while True:
            preview = job.get("_preview")
            if preview is not None and preview is not preview_sent:
                n += 1
                preview_sent = preview
                self.wfile.write(("event: preview\nid: %d\ndata: %s\n\n" % (n, json.dumps(preview))).encode("utf-8"))
            brief = {k: v for k, v in public(job).items() if k not in ("results", "output")}
            final = brief["state"] in ("SUCCEEDED", "FAILED", "CANCELLED")
            text = json.dumps(brief)
            if text != last or final:
                n += 1
                event = "done" if final else "progress"
                self.wfile.write(("event: %s\nid: %d\ndata: %s\n\n" % (event, n, text)).encode("utf-8"))
                if n == 1:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                last = text
            if final:
                self.close_connection = True
                return
            time.sleep(0.01)

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")


class FakeServer:
    """Start with `with FakeServer() as fake:`; `fake.url`, `fake.state`."""

    def __init__(self, token="secret-token"):
        self.state = FakeState(token)
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.state.hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()
