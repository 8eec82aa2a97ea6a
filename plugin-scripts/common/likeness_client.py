"""HTTP client for the Likeness bridge server (standard library only), shared by the GIMP and Krita plug-ins.

Every call here does network I/O and may block: editors call it from a worker thread (see likeness_tasks),
never from their UI thread. Errors are raised as LikenessError subclasses whose message is meant for the user.
"""

import base64
import getpass
import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request

API = "/api/v1"
DEFAULT_TIMEOUT = 30.0
# The server sends a keep-alive comment every 15 s on an event stream; silence longer than this means trouble.
EVENT_TIMEOUT = 60.0


class LikenessError(Exception):
    """Something the user should read. `code` is the server's error code when there is one."""

    def __init__(self, message, code=None, status=None, field=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.field = field


class ServerNotRunning(LikenessError):
    pass


class WrongToken(LikenessError):
    pass


class ModelNotLoaded(LikenessError):
    pass


class NoRunner(LikenessError):
    """The server cannot run this job kind yet (503 NO_RUNNER)."""


class JobFailed(LikenessError):
    pass


class JobCancelled(LikenessError):
    pass


class ApiError(LikenessError):
    pass


# ---------------------------------------------------------------------------------------------------------------
# Where the server is: runtime.json (local server) or saved settings (URL + token, e.g. a remote GPU box)

def server_data_dir(env=None, platform=None, home=None):
    """The server's default data folder (same rules as the server's UserDirs); LIKENESS_DATA_DIR overrides."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    home = os.path.expanduser("~") if home is None else home
    if env.get("LIKENESS_DATA_DIR"):
        return env["LIKENESS_DATA_DIR"]
    if platform.startswith("win") and env.get("APPDATA"):
        return os.path.join(env["APPDATA"], "likeness")
    if platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "likeness")
    xdg = env.get("XDG_CONFIG_HOME")
    if xdg and os.path.isabs(xdg):
        return os.path.join(xdg, "likeness")
    return os.path.join(home, ".config", "likeness")


def runtime_path(env=None):
    return os.path.join(server_data_dir(env), "runtime.json")


def settings_path(env=None):
    """The plug-ins' connection settings (shared by GIMP and Krita); LIKENESS_PLUGIN_SETTINGS overrides."""
    env = os.environ if env is None else env
    if env.get("LIKENESS_PLUGIN_SETTINGS"):
        return env["LIKENESS_PLUGIN_SETTINGS"]
    return os.path.join(server_data_dir(env), "plugin-settings.json")


def load_settings(path=None):
    """{"url": str, "token": str}; empty values mean "use runtime.json"."""
    path = path or settings_path()
    try:
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = {}
    return {"url": str(data.get("url") or "").strip(), "token": str(data.get("token") or "").strip()}


def save_settings(url, token, path=None):
    path = path or settings_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds a token: owner only
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"url": url.strip(), "token": token.strip()}, f)
    os.replace(tmp, path)


def read_runtime(path=None):
    path = path or runtime_path()
    try:
        with open(path, "r", encoding="utf-8") as f:
            rt = json.load(f)
    except FileNotFoundError:
        raise ServerNotRunning(
            "The Likeness server is not running (no %s). Start it with 'bridge-server/likeness serve', "
            "or enter a server URL and token in Likeness > Settings." % path)
    except (OSError, ValueError) as e:
        raise ServerNotRunning("Cannot read %s (%s). Restart the Likeness server." % (path, e))
    if not rt.get("url") or not rt.get("token"):
        raise ServerNotRunning("%s has no url/token. Restart the Likeness server." % path)
    return rt


def connect(settings=None, runtime=None):
    """A Client from saved settings when they name a URL, otherwise from the local server's runtime.json."""
    settings = load_settings() if settings is None else settings
    if settings.get("url"):
        return Client(settings["url"], settings.get("token", ""), source="settings")
    rt = read_runtime(runtime)
    return Client(rt["url"], rt["token"], source="runtime.json")


# ---------------------------------------------------------------------------------------------------------------

def submitter_name():
    """user@host, as the studio queue orders each submitter's jobs (letters, digits and . _ @ + - only)."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name in this environment
        user = "user"
    name = re.sub(r"[^A-Za-z0-9._@+-]", "-", "%s@%s" % (user, socket.gethostname()))
    return name[:64] or "user"


class Client:
    def __init__(self, url, token, timeout=DEFAULT_TIMEOUT, source="settings"):
        # a studio gives several fronts ("http://a:7487, http://b:7487", one token for all): when the one in use
        # cannot be reached the client moves to the next that answers
        self.urls = [u.rstrip("/") for u in re.split(r"[,\s]+", url.strip()) if u] or [url.rstrip("/")]
        self.url = self.urls[0]
        self.token = token
        self.timeout = timeout
        self.source = source

    # -- transport ------------------------------------------------------------------------------------------------

    def _open(self, method, path, body=None, content_type=None, accept="application/json", timeout=None):
        headers = {"Accept": accept}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if method == "POST" and path.startswith(API + "/jobs/"):
            headers["X-Likeness-Submitter"] = submitter_name()
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
        first_error = None
        start = self.urls.index(self.url) if self.url in self.urls else 0
        for url in self.urls[start:] + self.urls[:start]:
            req = urllib.request.Request(url + path, data=body, method=method, headers=headers)
            try:
                response = urllib.request.urlopen(req, timeout=timeout or self.timeout)
                self.url = url
                return response
            except urllib.error.HTTPError as e:
                self.url = url
                raise self._http_error(e)
            except (urllib.error.URLError, ConnectionError, socket.timeout, OSError) as e:
                first_error = first_error or e
                reason = getattr(e, "reason", e)
                # a refused connection never reached the server, so even a submit is safe to send to another front
                if method != "GET" and not isinstance(reason, ConnectionRefusedError):
                    break
        if first_error is not None:
            reason = getattr(first_error, "reason", first_error)
            raise ServerNotRunning(
                "Cannot reach the Likeness server at %s (%s). Is it running? Start it with "
                "'bridge-server/likeness serve', or check the URL in Likeness > Settings." % (self.url, reason))

    def _http_error(self, e):
        try:
            err = json.loads(e.read().decode("utf-8")).get("error", {})
        except Exception:
            err = {}
        code = err.get("code")
        message = err.get("message") or ("HTTP %d" % e.code)
        field = err.get("field")
        if e.code == 401:
            hint = ("The server restarted with a new token: runtime.json is read again on the next try."
                    if self.source == "runtime.json" else "Check the token in Likeness > Settings.")
            return WrongToken("The Likeness server refused the access token. " + hint, code, 401)
        if e.code == 503 and code == "NO_RUNNER":
            return NoRunner("The server cannot run this yet (NO_RUNNER): " + message, code, 503, field)
        if code and "MODEL" in code:
            return ModelNotLoaded("The server's model is not loaded: " + message, code, e.code, field)
        text = "Server error: " + message + (" (field %s)" % field if field else "")
        return ApiError(text, code, e.code, field)

    def _json(self, method, path, payload=None):
        body = None if payload is None else json.dumps(payload).encode("utf-8")
        with self._open(method, path, body) as r:
            data = r.read()
        return json.loads(data.decode("utf-8")) if data else {}

    # -- system, models, concepts ---------------------------------------------------------------------------------

    def health(self):
        return self._json("GET", API + "/health")

    def version(self):
        return self._json("GET", API + "/version")

    def active_model(self):
        return self._json("GET", API + "/models/active")

    def methods(self):
        """The server's personalization methods: [{"id", "aliases", "title", "loop", "options": [...]}, ...]."""
        return self._json("GET", API + "/methods").get("methods", [])

    def check(self):
        """One line describing the server, or an exception saying what is wrong (token, model)."""
        v = self.version()
        m = self.active_model()
        if not m.get("selected"):
            raise ModelNotLoaded("The server has no model selected. Start it with --model, or load one.")
        state = "loaded" if m.get("loaded") else "loads with the first job"
        return "Likeness %s at %s, model %s (%s); runs %s" % (
            v.get("version", "?"), self.url, m["selected"], state, ", ".join(v.get("jobKinds", [])))

    def job_kinds(self):
        return list(self.version().get("jobKinds", []))

    def concepts(self):
        return self._json("GET", API + "/concepts").get("concepts", [])

    def concept(self, name):
        return self._json("GET", API + "/concepts/" + urllib.request.quote(name, safe=""))

    def concept_thumbnail(self, name):
        """The concept's picture for pickers (its last training sample, else a reference image), PNG bytes; None
        when it has none (or the server is older than thumbnails)."""
        try:
            with self._open("GET", API + "/concepts/" + urllib.request.quote(name, safe="") + "/thumbnail",
                            accept="image/png") as r:
                return r.read()
        except ApiError as e:
            if e.status == 404:
                return None
            raise

    # -- uploads and jobs -----------------------------------------------------------------------------------------

    def upload_png(self, png):
        with self._open("POST", API + "/uploads", bytes(png), "image/png", timeout=max(self.timeout, 120)) as r:
            return json.loads(r.read().decode("utf-8"))["id"]

    def submit(self, kind, spec):
        return self._json("POST", API + "/jobs/" + kind, spec)

    def job(self, job_id):
        return self._json("GET", API + "/jobs/" + _seg(job_id))

    def jobs(self):
        return self._json("GET", API + "/jobs").get("jobs", [])

    def cancel(self, job_id):
        return self._json("POST", API + "/jobs/" + _seg(job_id) + "/cancel")

    def result_png(self, job_id, index):
        with self._open("GET", API + "/jobs/%s/results/%d" % (_seg(job_id), index), accept="image/png",
                        timeout=max(self.timeout, 120)) as r:
            return r.read()

    def events(self, job_id):
        """Yields (event, job) from the job's Server-Sent Events stream until the `done` event."""
        r = self._open("GET", API + "/jobs/" + _seg(job_id) + "/events", accept="text/event-stream",
                       timeout=EVENT_TIMEOUT)
        with r:
            for event, data in parse_sse(r):
                try:
                    job = json.loads(data)
                except ValueError:
                    continue
                yield event, job
                if event == "done":
                    return

    def wait(self, job_id, on_progress=None, poll_interval=1.0, sleep=None, on_preview=None):
        """Waits for a job to finish (event stream, polling when streams are refused); returns the full job.

        `on_preview(preview)` gets each live preview of a job submitted with "preview": true, a dict with "step",
        "total", "image", "width", "height" and "png" (the PNG bytes). Raises JobFailed (with the server's message) or
        JobCancelled when it did not succeed.
        """
        last = None
        try:
            for event, job in self.events(job_id):
                if event == "preview":
                    if on_preview:
                        on_preview(decode_preview(job))
                    continue
                last = job
                if on_progress:
                    on_progress(job)
                if job.get("state") in FINAL_STATES:
                    break
        except (ApiError, ServerNotRunning) as e:
            # 429 TOO_MANY_STREAMS or a dropped stream: fall back to polling
            if isinstance(e, ApiError) and e.status not in (429, None):
                raise
        sleep = sleep or time.sleep
        while True:
            job = self.job(job_id)
            if job != last and on_progress:
                on_progress(job)
            last = job
            if job.get("state") in FINAL_STATES:
                return outcome(job)
            sleep(poll_interval)


FINAL_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")


def decode_preview(event_data):
    """A `preview` event's data with its base64 PNG decoded to bytes (an unreadable one gives png=None)."""
    preview = dict(event_data)
    try:
        preview["png"] = base64.b64decode(preview.get("png") or "", validate=True) or None
    except (ValueError, TypeError):
        preview["png"] = None
    return preview


def outcome(job):
    """The job when it succeeded; otherwise JobFailed / JobCancelled carrying the server's message."""
    state = job.get("state")
    if state == "SUCCEEDED":
        return job
    err = job.get("error") or {}
    if state == "CANCELLED" or err.get("code") == "CANCELLED":
        raise JobCancelled("The job was cancelled.", "CANCELLED")
    message = err.get("message") or "no reason given"
    if err.get("code") == "NO_RUNNER":
        raise NoRunner("The server cannot run this yet (NO_RUNNER): " + message, "NO_RUNNER")
    raise JobFailed("The job failed on the server: " + message, err.get("code"))


def progress_fraction(job):
    p = job.get("progress") or {}
    total = p.get("total") or 0
    if job.get("state") == "SUCCEEDED":
        return 1.0
    return min(1.0, max(0.0, float(p.get("step", 0)) / total)) if total else 0.0


def progress_text(job):
    p = job.get("progress") or {}
    state = job.get("state", "")
    if state == "QUEUED":
        return "Waiting in the server's queue"
    if p.get("lossAverage") is not None:  # a training step
        return "training %d/%d, loss %.4f" % (p.get("step", 0), p.get("total", 0), p["lossAverage"])
    if p.get("total"):
        return "%s %d/%d" % (p.get("message") or "step", p.get("step", 0), p["total"])
    return p.get("message") or state.capitalize()


def parse_sse(lines):
    """Yields (event, data) from an iterable of byte lines in text/event-stream format."""
    event, data = "message", []
    for raw in lines:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if data:
        yield event, "\n".join(data)


def _seg(s):
    return urllib.request.quote(str(s), safe="")
