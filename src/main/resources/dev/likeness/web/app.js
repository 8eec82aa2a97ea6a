// The Likeness web page: queue with live progress and previews, history with results, the concept gallery with
// each concept's training curve and samples, and the models. Everything comes from the HTTP API with the session
// cookie the login set; every piece of server data is put into the page as text or attributes, never as HTML.
"use strict";

const API = "/api/v1";
const streams = new Map(); // job id -> EventSource of a running job
const fullJobs = new Map(); // finished job id -> its full view (with results)
let timer = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function call(method, path, body) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  if (r.status === 401) {
    showLogin();
    throw new Error("log in first");
  }
  if (!r.ok) {
    let msg = r.status + "";
    try { msg = (await r.json()).error.message; } catch (e) { /* not JSON */ }
    throw new Error(msg);
  }
  return r.status === 204 ? null : r.json();
}

function showLogin(message) {
  document.body.dataset.state = "login";
  document.getElementById("login").hidden = false;
  document.getElementById("app").hidden = true;
  document.getElementById("logout").hidden = true;
  document.getElementById("login-error").textContent = message || "";
  streams.forEach(s => s.close());
  streams.clear();
  if (timer) clearInterval(timer);
  timer = null;
}

async function start() {
  let version;
  try {
    version = await call("GET", API + "/version");
  } catch (e) {
    return;
  }
  document.getElementById("server").textContent = "Likeness " + version.version + " at " + location.host;
  document.getElementById("login").hidden = true;
  document.getElementById("app").hidden = false;
  document.getElementById("logout").hidden = false;
  await refresh();
  document.body.dataset.state = "ready";
  if (!timer) timer = setInterval(refresh, 2000);
}

async function refresh() {
  try {
    const [jobs, concepts] = await Promise.all([call("GET", API + "/jobs"), call("GET", API + "/concepts")]);
    showJobs(jobs.jobs || []);
    showConcepts(concepts.concepts || []);
    showModels(await call("GET", API + "/models/active"), await call("GET", API + "/models"));
  } catch (e) {
    /* shown by the login form, or tried again on the next tick */
  }
}

// -- jobs ----------------------------------------------------------------------------------------------------------
function describe(job) {
  const p = job.progress || {};
  let text = job.kind + " " + job.id;
  if (p.lossAverage !== undefined) {
    text += " — training " + p.step + "/" + p.total + ", loss " + p.lossAverage.toFixed(4) + " (moving average)"
      + ", lr " + p.lr.toExponential(2);
  } else if (p.total) {
    text += " — " + (p.message || "step") + " " + p.step + "/" + p.total;
  }
  return text;
}

function showJobs(jobs) {
  const queue = document.getElementById("queue");
  const history = document.getElementById("history");
  const live = jobs.filter(j => j.state === "QUEUED" || j.state === "RUNNING");
  const done = jobs.filter(j => !live.includes(j)).sort((a, b) => b.seq - a.seq).slice(0, 30);
  for (const j of live) {
    let row = queue.querySelector('[data-job="' + CSS.escape(j.id) + '"]');
    if (!row) {
      row = el("div", { class: "job", "data-job": j.id },
        el("span", { class: "state" }, j.state), el("span", { class: "what" }, describe(j)),
        el("progress", { max: 1, value: 0 }), el("span", { class: "job-preview" }));
      queue.append(row);
    }
    update(row, j);
    if (j.state === "RUNNING" && !streams.has(j.id)) follow(j.id, row);
  }
  for (const row of [...queue.querySelectorAll(".job")]) {
    if (!live.some(j => j.id === row.dataset.job)) row.remove();
  }
  queue.querySelector(".empty")?.toggleAttribute("hidden", live.length > 0);
  history.replaceChildren(...(done.length ? done.map(historyRow) : [el("p", { class: "empty" }, "No finished jobs.")]));
}

function update(row, job) {
  const p = job.progress || {};
  row.querySelector(".state").textContent = job.state;
  row.querySelector(".what").textContent = describe(job);
  if (p.total) row.querySelector("progress").value = p.step / p.total;
}

function follow(id, row) {
  const events = new EventSource(API + "/jobs/" + encodeURIComponent(id) + "/events");
  streams.set(id, events);
  events.addEventListener("progress", e => update(row, JSON.parse(e.data)));
  events.addEventListener("preview", e => {
    const p = JSON.parse(e.data);
    const img = el("img", { src: "data:image/png;base64," + p.png, alt: "preview, step " + p.step + " of " + p.total,
      title: "step " + p.step + " of " + p.total });
    row.querySelector(".job-preview").replaceChildren(img);
  });
  events.addEventListener("done", () => { events.close(); streams.delete(id); refresh(); });
  events.onerror = () => { events.close(); streams.delete(id); };
}

function historyRow(job) {
  const row = el("div", { class: "job", "data-job": job.id }, el("span", { class: "state" }, job.state),
    el("span", { class: "what" }, describe(job) + (job.error ? " — " + job.error.message : "")));
  const results = el("span", { class: "results" });
  row.append(results);
  if (job.state === "SUCCEEDED" && (job.kind === "generate" || job.kind === "retouch")) {
    const show = full => results.replaceChildren(...(full.results || []).map(r =>
      el("a", { href: r.url, target: "_blank" }, el("img", { src: r.url, alt: "result " + r.index }))));
    if (fullJobs.has(job.id)) show(fullJobs.get(job.id));
    else call("GET", API + "/jobs/" + encodeURIComponent(job.id)).then(f => { fullJobs.set(job.id, f); show(f); });
  }
  return row;
}

// -- concepts ------------------------------------------------------------------------------------------------------
let conceptKey = "";

function showConcepts(concepts) {
  const key = JSON.stringify(concepts);
  if (key === conceptKey) return;
  conceptKey = key;
  const box = document.getElementById("concepts");
  if (!concepts.length) {
    box.replaceChildren(el("p", { class: "empty" }, "No concepts yet."));
    return;
  }
  box.replaceChildren(...concepts.map(card));
}

function card(c) {
  const base = API + "/concepts/" + encodeURIComponent(c.name);
  const thumb = el("img", { src: base + "/thumbnail?v=" + encodeURIComponent(c.created || ""), alt: c.name });
  thumb.addEventListener("error", () => thumb.removeAttribute("src"));
  return el("div", { class: "card", "data-concept": c.name }, thumb, el("strong", {}, c.name),
    el("div", { class: "meta" }, c.method + " · " + (c.sizeBytes / 1024).toFixed(1) + " KB", el("br"),
      "token " + c.token + (c.classWord ? " · class " + c.classWord : ""), el("br"),
      "made " + (c.created || "?").replace("T", " ").slice(0, 16)),
    el("div", { class: "actions" },
      el("button", { class: "curve", onclick: () => detail(c) }, "Curve & samples"),
      el("button", { onclick: () => rename(c) }, "Rename"),
      el("button", { class: "danger", onclick: () => remove(c) }, "Delete"),
      el("a", { href: base + "/export", download: c.name + ".zip" }, "Download")));
}

async function rename(c) {
  const to = prompt("New name for " + c.name, c.name);
  if (!to || to === c.name) return;
  try { await call("POST", API + "/concepts/" + encodeURIComponent(c.name) + "/rename", { newName: to }); }
  catch (e) { alert(e.message); }
  refresh();
}

async function remove(c) {
  if (!confirm("Delete the concept " + c.name + "?")) return;
  try { await call("DELETE", API + "/concepts/" + encodeURIComponent(c.name)); } catch (e) { alert(e.message); }
  refresh();
}

async function detail(c) {
  const base = API + "/concepts/" + encodeURIComponent(c.name);
  const box = document.getElementById("concept-detail");
  box.hidden = false;
  document.getElementById("detail-title").textContent = c.name + " — training";
  let steps = [];
  try { steps = (await call("GET", base + "/training")).steps; } catch (e) { /* trained before histories */ }
  drawCurve(steps);
  const samples = await call("GET", base + "/samples").catch(() => ({ samples: [] }));
  document.getElementById("samples").replaceChildren(...samples.samples.map(s =>
    el("figure", {}, el("img", { src: s.url, alt: "sample at step " + s.step }),
      el("figcaption", {}, "step " + s.step))));
  box.dataset.ready = "true";
}

function drawCurve(steps) {
  const canvas = document.getElementById("curve");
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  const note = document.getElementById("curve-note");
  if (steps.length < 2) {
    note.textContent = steps.length ? "one step" : "no loss history kept for this concept";
    canvas.dataset.points = String(steps.length);
    return;
  }
  const losses = steps.map(s => s.loss);
  const lo = Math.min(...losses), hi = Math.max(...losses), span = (hi - lo) || 1;
  const x = i => 8 + (canvas.width - 16) * i / (steps.length - 1);
  const y = v => canvas.height - 8 - (canvas.height - 16) * (v - lo) / span;
  for (const [key, colour, width] of [["loss", "#666a75", 1], ["lossAverage", "#78c8ff", 2]]) {
    g.strokeStyle = colour;
    g.lineWidth = width;
    g.beginPath();
    steps.forEach((s, i) => (i ? g.lineTo(x(i), y(s[key])) : g.moveTo(x(i), y(s[key]))));
    g.stroke();
  }
  const last = steps[steps.length - 1];
  note.textContent = steps.length + " steps; loss " + lo.toFixed(4) + " to " + hi.toFixed(4) + "; moving average now "
    + last.lossAverage.toFixed(4) + "; learning rate " + last.lr.toExponential(2);
  canvas.dataset.points = String(steps.length);
}

// -- models --------------------------------------------------------------------------------------------------------
function showModels(active, listing) {
  const info = active.info;
  document.getElementById("active-model").textContent = "In use: " + active.selected
    + (info ? " (" + (info.family || "") + ", " + (info.name || "") + ")" : active.loaded ? "" : " (not loaded yet)");
  const list = document.getElementById("models");
  list.replaceChildren(...(listing.models || []).map(m =>
    el("li", {}, m.name + " — " + m.format + ", " + (m.sizeBytes / 1048576).toFixed(1) + " MB"
      + (m.selected ? " (selected)" : ""))));
}

// -- login ---------------------------------------------------------------------------------------------------------
document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("login-form").addEventListener("submit", async e => {
    e.preventDefault();
    const token = document.getElementById("token");
    const r = await fetch("/ui/login", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: token.value }) });
    token.value = "";
    if (r.status === 204) start();
    else showLogin("That is not this server's token.");
  });
  document.getElementById("logout").addEventListener("click", async () => {
    await fetch("/ui/logout", { method: "POST", credentials: "same-origin" });
    showLogin("Logged out.");
  });
  start();
});
