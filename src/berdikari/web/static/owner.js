/* Berdikari owner app: one view at a time, answers kept on the phone until the server has them.
 *
 * Signed in: every tap goes into a queue in localStorage (last value per question wins) and is
 * POSTed to api/jawab; only what the server acknowledged (after its commit) is shown as saved.
 * A failed send is retried with backoff, on "online" and when the page becomes visible again.
 * Without an account: answers live in localStorage only; the server scores them on request.
 * No framework, no network beyond this server. Never claims a save that did not happen.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var T = {};
  try { T = JSON.parse(document.getElementById("bdk-texts").textContent); } catch (e) { T = {}; }

  function fmt(s, v) {
    return String(s || "").replace(/\{(\w+)\}/g, function (m, k) { return v && k in v ? v[k] : m; });
  }
  function $(sel, el) { return (el || document).querySelector(sel); }
  function $$(sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); }
  function store(key, value) {
    try {
      if (value === undefined) { return JSON.parse(localStorage.getItem(key) || "null"); }
      if (value === null) { localStorage.removeItem(key); return true; }
      var text = JSON.stringify(value);
      localStorage.setItem(key, text);
      return localStorage.getItem(key) === text;
    } catch (e) { return value === undefined ? null : false; }
  }

  var indicator = $(".bdk-saved-indicator");
  function say(state, text) {
    if (!indicator) { return; }
    indicator.setAttribute("data-state", state);
    indicator.textContent = text;
  }

  /* --- the start page: the route panel follows the answers without a reload --------------- */
  var start = $("#bdk-start");
  if (start) {
    $$(".bdk-nojs", start).forEach(function (b) { b.hidden = true; });
    start.addEventListener("change", function (ev) {
      if (ev.target.name === "kategori") { start.submit(); return; }
      var q = new URLSearchParams(new FormData(start)).toString();
      if (history.replaceState) { history.replaceState(null, "", "?" + q); }
      fetch(start.getAttribute("data-route") + "?" + q, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (html) { $("#bdk-route-panel").innerHTML = html; anonStates(); })
        .catch(function () { start.submit(); });
    });
    anonStates();
  }
  function anonStates() {
    if (document.querySelector(".bdk-signout")) { return; }
    $$(".bdk-checklist-card").forEach(function (card) {
      var saved = store("bdk-anon-" + card.getAttribute("data-checklist"));
      var n = saved && saved.answers ? Object.keys(saved.answers).length : 0;
      if (!n) { return; }
      var total = +card.getAttribute("data-total");
      var st = $(".bdk-state", card);
      st.textContent = (n >= total ? T.done : T.in_progress) + " · " + n + "/" + total;
      st.setAttribute("data-state", n >= total ? "selesai" : "sedang");
    });
  }

  /* --- sign out: say what would be lost, forget this owner's answers on this phone -------- */
  $$("form.bdk-signout").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var n = app && app.pending ? app.pending() : 0;
      if (n && !window.confirm(fmt(T.confirm_signout, { n: n }))) { ev.preventDefault(); return; }
      try {
        Object.keys(localStorage).forEach(function (k) {
          if (k.indexOf("bdk-q-") === 0 || k.indexOf("bdk-view-") === 0) { localStorage.removeItem(k); }
        });
      } catch (e) { /* nothing kept */ }
    });
  });

  var root = $("#bdk-app");
  var app = null;
  if (!root) { return; }

  var mode = root.getAttribute("data-mode");
  var checklist = root.getAttribute("data-checklist");
  var total = +root.getAttribute("data-total");
  var api = root.getAttribute("data-root");
  var xsrf = root.getAttribute("data-xsrf");
  var assessment = root.getAttribute("data-assessment");
  var readonly = root.getAttribute("data-readonly") === "1";
  var query = root.getAttribute("data-query") || "";
  var form = $("#bdk-form");

  /* --- views: one at a time, each opens at its heading ------------------------------------ */
  var views = $$(".bdk-view", root);
  var returnToCheck = false;
  function show(id, fromUser) {
    var target = document.getElementById(id) || views[0];
    if (!target || !target.classList.contains("bdk-view")) { target = views[0]; }
    views.forEach(function (v) { v.classList.toggle("is-current", v === target); });
    var view = target.getAttribute("data-view");
    if (view === "check") { returnToCheck = false; fillCheck(); }
    if (view === "section") { nextLinks(target); }
    if (view === "result") { loadResult(); }
    if (view === "tasks") { returnToCheck = false; }
    window.scrollTo(0, 0);
    var h = $(".bdk-view-heading", target);
    if (h) { try { h.focus({ preventScroll: true }); } catch (e) { h.focus(); } }
    if (fromUser) { window.scrollTo(0, 0); }
    if (mode === "signed" && assessment) { store("bdk-view-" + assessment, id); }
  }
  function nextLinks(section) {
    var next = $(".bdk-next", section);
    if (!next) { return; }
    if (returnToCheck) {
      next.setAttribute("href", "#periksa");
      next.textContent = T.back_to_check || next.textContent;
    } else {
      next.setAttribute("href", next.getAttribute("data-next"));
    }
  }
  if ("scrollRestoration" in history) { history.scrollRestoration = "manual"; }
  window.addEventListener("hashchange", function () { show(location.hash.slice(1), true); });
  root.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a[href^='#']") : null;
    if (!a) { return; }
    if (a.hasAttribute("data-return")) { returnToCheck = true; }
    var id = a.getAttribute("href").slice(1);
    if (location.hash.slice(1) === id) { ev.preventDefault(); show(id, true); }
  });

  /* --- answers ---------------------------------------------------------------------------- */
  var answers = {};   // item -> {v, n}: what the screen shows
  var acked = {};     // item -> value the server acknowledged (signed in)
  $$(".bdk-question", root).forEach(function (q) {
    var id = q.getAttribute("data-item");
    var checked = $("input[type=radio]:checked", q);
    var note = $(".bdk-note", q);
    if (checked) {
      answers[id] = { v: checked.value, n: note ? note.value : "" };
      if (mode === "signed") { acked[id] = checked.value + "\u0000" + (note ? note.value : ""); }
    }
  });
  function question(id) { return root.querySelector('.bdk-question[data-item="' + id + '"]'); }
  function status(id, state, text) {
    var q = question(id);
    var el = q && $(".bdk-status", q);
    if (!el) { return; }
    el.setAttribute("data-state", state);
    el.textContent = text;
  }
  function setChoice(id, entry) {
    var q = question(id);
    if (!q) { return; }
    $$("input[type=radio]", q).forEach(function (r) { r.checked = r.value === entry.v; });
    var note = $(".bdk-note", q);
    if (note && entry.n !== undefined) { note.value = entry.n || ""; }
  }
  function progress() {
    var n = Object.keys(answers).length;
    $$("[data-progress]", root).forEach(function (p) { p.textContent = fmt(T.answered_of, { answered: n, total: total }); });
    $$(".bdk-task-state", root).forEach(function (el) {
      var sid = el.getAttribute("data-section");
      var section = root.querySelector('.bdk-view[data-section="' + sid + '"]');
      var qs = section ? $$(".bdk-question", section) : [];
      var done = qs.filter(function (q) { return answers[q.getAttribute("data-item")]; }).length;
      var label = done === 0 ? T.not_started : (done < qs.length ? T.in_progress : T.done);
      el.textContent = label + " · " + done + "/" + qs.length;
    });
    var prov = $(".bdk-provisional", root);
    if (prov) { prov.hidden = n >= total; }
  }
  function fillCheck() {
    var labels = {};
    var any = $(".bdk-question", root);
    if (any) {
      $$(".bdk-choice", root).forEach(function (l) {
        var r = $("input", l);
        if (r && !labels[r.value]) { labels[r.value] = $("span", l).textContent; }
      });
    }
    $$("[data-check]", root).forEach(function (dd) {
      var e = answers[dd.getAttribute("data-check")];
      dd.textContent = e ? (labels[e.v] || e.v) : T.not_answered;
    });
  }

  /* --- signed in: the queue --------------------------------------------------------------- */
  var qkey = mode === "signed" && assessment ? "bdk-q-" + root.getAttribute("data-owner") + "-" + assessment : null;
  var queue = (qkey && store(qkey)) || {};
  var seq = 0;
  Object.keys(queue).forEach(function (k) { seq = Math.max(seq, queue[k].s || 0); });
  var inflight = false, delay = 1000, timer = null, problem = "";
  function pending() { return Object.keys(queue).length; }
  function header() {
    if (mode !== "signed") { return; }
    var n = pending();
    if (problem === "signed-out") { say("offline", fmt(T.signed_out, { n: n })); return; }
    if (n && problem) { say("offline", fmt(T.offline, { n: n })); return; }
    if (n) { say("saving", fmt(T.saving, { n: n })); return; }
    if (Object.keys(acked).length) { say("saved", "\u2713 " + T.all_saved); } else { say("", ""); }
  }
  function retry() {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 15000);
  }
  function flush() {
    clearTimeout(timer);
    if (inflight || !pending() || !qkey) { header(); return; }
    inflight = true;
    var batch = {};
    Object.keys(queue).forEach(function (k) { batch[k] = queue[k]; });
    var body = {};
    Object.keys(batch).forEach(function (k) { body[k] = { v: batch[k].v, n: batch[k].n }; });
    var ctrl = window.AbortController ? new AbortController() : null;
    var guard = setTimeout(function () { if (ctrl) { ctrl.abort(); } }, 20000);
    header();
    fetch(api + "api/jawab", {
      method: "POST", credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined,
      headers: { "Content-Type": "application/json", "X-XSRFToken": xsrf },
      body: JSON.stringify({ assessment: +assessment, answers: body })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { r: r, data: data }; });
    }).then(function (res) {
      clearTimeout(guard);
      inflight = false;
      var r = res.r, data = res.data || {};
      if (r.status === 401) { problem = "signed-out"; header(); retry(); return; }
      if (r.status === 409) {
        problem = "";
        Object.keys(batch).forEach(function (k) {
          if (queue[k] && queue[k].s === batch[k].s) { delete queue[k]; }
          status(k, "error", T.sent_elsewhere);
        });
        store(qkey, queue); header(); return;
      }
      if (!r.ok) { problem = "error"; header(); retry(); return; }
      problem = ""; delay = 1000;
      var saved = data.saved || {}, refused = data.refused || {};
      Object.keys(batch).forEach(function (k) {
        var same = queue[k] && queue[k].s === batch[k].s;
        if (k in refused) {
          if (same) { delete queue[k]; }
          status(k, "error", fmt(T.refused, { why: refused[k] }));
          return;
        }
        if (saved[k] === batch[k].v) {
          acked[k] = batch[k].v + "\u0000" + (batch[k].n || "");
          if (same) { delete queue[k]; status(k, "saved", "\u2713 " + T.saved); }
        }
      });
      store(qkey, queue);
      header();
      if (pending()) { flush(); }
    }).catch(function () {
      clearTimeout(guard);
      inflight = false; problem = "offline"; header(); retry();
    });
  }
  function now() { delay = 1000; flush(); }

  /* --- without an account: the phone keeps everything ------------------------------------- */
  var akey = mode === "anon" ? "bdk-anon-" + checklist : null;
  function keepAnon(id) {
    var data = { checklist: checklist, version: root.getAttribute("data-version"), answers: {}, notes: {} };
    Object.keys(answers).forEach(function (k) {
      data.answers[k] = answers[k].v;
      if (answers[k].n) { data.notes[k] = answers[k].n; }
    });
    var ok = store(akey, data);
    if (id) { status(id, ok ? "saved" : "error", ok ? "\u2713 " + T.local_saved : T.local_failed); }
    say(ok ? "local" : "error", ok ? T.local_all : T.local_failed);
    return ok;
  }

  function answered(id) {
    var q = question(id);
    var r = $("input[type=radio]:checked", q);
    if (!r) { return; }
    var note = $(".bdk-note", q);
    var entry = { v: r.value, n: note ? note.value.slice(0, 500) : "" };
    answers[id] = entry;
    progress();
    if (mode === "signed") {
      if (acked[id] === entry.v + "\u0000" + entry.n && !queue[id]) { status(id, "saved", "\u2713 " + T.saved); return; }
      queue[id] = { v: entry.v, n: entry.n, s: ++seq };
      var ok = store(qkey, queue);
      status(id, "pending", ok ? T.pending : T.pending);
      now();
    } else {
      keepAnon(id);
    }
  }
  if (form && !readonly) {
    form.addEventListener("change", function (ev) {
      var q = ev.target.closest(".bdk-question");
      if (q && (ev.target.type === "radio" || q.querySelector("input[type=radio]:checked"))) {
        answered(q.getAttribute("data-item"));
      }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (location.hash === "#hasil") { show("hasil", true); } else { location.hash = "#hasil"; }
    });
    form.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && ev.target.classList.contains("bdk-note")) { ev.preventDefault(); ev.target.blur(); }
    });
  }

  /* --- restore after a reload: server answers + what this phone still holds -------------- */
  if (mode === "signed" && qkey) {
    Object.keys(queue).forEach(function (k) {
      if (!question(k)) { delete queue[k]; return; }
      answers[k] = { v: queue[k].v, n: queue[k].n };
      setChoice(k, queue[k]);
      status(k, "pending", T.pending);
    });
    progress();
    header();
    window.addEventListener("online", now);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { now(); } });
    window.addEventListener("pageshow", now);
    flush();
  } else if (mode === "anon" && !readonly) {
    if (root.getAttribute("data-imported") === "1") {
      keepAnon(null);
    } else {
      var kept = store(akey);
      if (kept && kept.answers && (!kept.version || kept.version === root.getAttribute("data-version"))) {
        Object.keys(kept.answers).forEach(function (k) {
          if (!question(k)) { return; }
          var entry = { v: kept.answers[k], n: (kept.notes || {})[k] || "" };
          answers[k] = entry;
          setChoice(k, entry);
          status(k, "saved", "\u2713 " + T.local_saved);
        });
      }
      if (Object.keys(answers).length) { say("local", T.local_all); }
    }
    progress();
  }

  /* --- the answers file (no account) ------------------------------------------------------ */
  function download() {
    var data = { checklist: checklist, version: root.getAttribute("data-version"), answers: {}, notes: {} };
    Object.keys(answers).forEach(function (k) {
      data.answers[k] = answers[k].v;
      if (answers[k].n) { data.notes[k] = answers[k].n; }
    });
    var blob = new Blob([JSON.stringify(data, null, 1)], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "berdikari-" + checklist + ".json";
    document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  $$(".bdk-download-answers", root).forEach(function (b) { b.hidden = false; });
  root.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t.closest && t.closest(".bdk-download-answers")) { download(); }
    if (t.closest && t.closest(".bdk-print")) { window.print(); }
  });

  /* --- the result: scored by the server, stored nowhere ----------------------------------- */
  var resultBody = $(".bdk-result-body", root);
  function loadResult() {
    if (!resultBody) { return; }
    resultBody.innerHTML = "";
    var p = document.createElement("p");
    p.textContent = T.computing;
    resultBody.appendChild(p);
    var plain = {};
    Object.keys(answers).forEach(function (k) { plain[k] = answers[k].v; });
    fetch(api + "api/nilai", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-XSRFToken": xsrf },
      body: JSON.stringify({ checklist: checklist, answers: plain, query: query,
                             signed: mode === "signed", assessment: assessment ? +assessment : null })
    }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        resultBody.innerHTML = html;
        var pdf = $(".bdk-pdf-form", resultBody);
        if (pdf) { pdf.elements.answers.value = JSON.stringify(plain); pdf.elements.query.value = query; }
        var sub = $(".bdk-submit-form", resultBody);
        if (sub) {
          sub.addEventListener("submit", function (ev) {
            var n = pending();
            if (n) {
              ev.preventDefault();
              var w = $(".bdk-submit-wait", sub);
              w.textContent = fmt(T.wait_before_send, { n: n }); w.hidden = false;
              now();
            }
          });
        }
        window.scrollTo(0, 0);
      })
      .catch(function () {
        resultBody.innerHTML = "";
        var e = document.createElement("p");
        e.className = "bdk-error";
        e.textContent = T.result_needs_link;
        var b = document.createElement("button");
        b.type = "button"; b.className = "bdk-button"; b.textContent = T.try_again || "↻";
        b.addEventListener("click", loadResult);
        resultBody.appendChild(e); resultBody.appendChild(b);
      });
  }

  app = { pending: pending, flush: now };
  window.bdkOwner = app;
  progress();
  if (!readonly) {
    var first = location.hash.slice(1) || (mode === "signed" && assessment && store("bdk-view-" + assessment)) || "tugas";
    show(first, false);
  } else {
    show("status", false);
  }
  // the browser's own jump to #bagian-x comes after this script: open at the heading again
  window.addEventListener("load", function () {
    setTimeout(function () {
      var v = $(".bdk-view.is-current", root);
      if (v && window.scrollY !== 0) { show(v.id, false); }
    }, 0);
  });
})();
