// Dateline's page: filters, a map, a timeline of counts by type, a table and the event view.
// Everything that comes from the API (and so from articles) is put on the page with
// textContent or as attribute values of elements made here: never as markup. The server's
// Content-Security-Policy forbids inline scripts as a second line of defence.
"use strict";

(function () {
  const COLORS = {
    "Battles": "#c0392b",
    "Explosions/Remote violence": "#e67e22",
    "Violence against civilians": "#8e44ad",
    "Protests": "#2980b9",
    "Riots": "#16a085",
    "Strategic developments": "#7f8c8d",
  };
  const FILTERS = ["start", "end", "country", "admin1", "event_type", "sub_event_type",
    "actor", "q"];
  const PAGE = 50;

  const state = { config: null, cursors: [null], page: 0, map: null, layer: null,
    token: sessionStorage.getItem("dateline-token") || "" };
  const $ = (sel) => document.querySelector(sel);

  // ---- small DOM helpers (text only) ----------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function safeUrl(url) {
    // Only web links: a javascript: or data: URL from an article must never become a link.
    try {
      const u = new URL(url);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) { return null; }
  }
  function showError(message) {
    const box = $("#error");
    box.textContent = message;
    box.hidden = !message;
  }

  // ---- API -----------------------------------------------------------------------------
  async function api(path, params) {
    const url = new URL(path, window.location.origin);
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== "" && v !== null && v !== undefined) url.searchParams.set(k, v);
    }
    const headers = state.token ? { Authorization: "Bearer " + state.token } : {};
    const resp = await fetch(url, { headers });
    if (resp.status === 401 || resp.status === 403) {
      $("#token-form").hidden = false;
      throw new Error("This server needs a read token.");
    }
    const body = await resp.json().catch(() => ({}));
    if (!resp.ok) {
      const detail = Array.isArray(body.detail)
        ? body.detail.map((d) => d.msg).join("; ") : body.detail;
      throw new Error(detail || ("request failed: " + resp.status));
    }
    return body;
  }

  function filters() {
    const form = $("#filters");
    const out = {};
    for (const name of FILTERS) out[name] = form.elements[name].value.trim();
    if (form.elements.in_view.checked && state.map) {
      const b = state.map.getBounds();
      const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
      out.bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
        .map((v) => v.toFixed(4)).join(",");
    }
    return out;
  }

  // ---- filters form --------------------------------------------------------------------
  function fillTypes() {
    const types = $("#filters").elements.event_type;
    for (const t of Object.keys(state.config.event_types)) types.append(el("option", { value: t }, t));
    types.addEventListener("change", fillSubTypes);
    fillSubTypes();
  }
  function fillSubTypes() {
    const form = $("#filters");
    const sub = form.elements.sub_event_type;
    const chosen = sub.value;
    clear(sub);
    sub.append(el("option", { value: "" }, "any"));
    const type = form.elements.event_type.value;
    const groups = type ? { [type]: state.config.event_types[type] } : state.config.event_types;
    for (const subs of Object.values(groups)) {
      for (const s of subs) sub.append(el("option", { value: s }, s));
    }
    sub.value = [...sub.options].some((o) => o.value === chosen) ? chosen : "";
  }
  function readHash() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    const form = $("#filters");
    for (const name of FILTERS) {
      if (params.has(name)) form.elements[name].value = params.get(name);
      if (name === "event_type") fillSubTypes();
    }
    return params.get("event");
  }
  function writeHash(eventId) {
    const params = new URLSearchParams();
    const form = $("#filters");
    for (const name of FILTERS) {
      if (form.elements[name].value) params.set(name, form.elements[name].value);
    }
    if (eventId) params.set("event", eventId);
    history.replaceState(null, "", "#" + params.toString());
  }

  // ---- table ---------------------------------------------------------------------------
  async function loadPage() {
    const params = { ...filters(), limit: PAGE, cursor: state.cursors[state.page] };
    const page = await api("/api/events", params);
    const body = $("#events tbody");
    clear(body);
    for (const ev of page.items) body.append(row(ev));
    $("#empty").hidden = page.items.length > 0;
    if (page.next_cursor) state.cursors[state.page + 1] = page.next_cursor;
    else state.cursors.length = state.page + 1;
    $("#older").disabled = !page.next_cursor;
    $("#newer").disabled = state.page === 0;
    $("#page-label").textContent = "page " + (state.page + 1);
  }
  function row(ev) {
    const tr = el("tr", { tabindex: "0", dataset: { id: ev.id } },
      el("td", {}, ev.event_date || "?"),
      el("td", { title: ev.event_type || "" },
        el("span", { class: "swatch", dataset: { type: ev.event_type || "" } }),
        ev.sub_event_type || ev.event_type || ""),
      el("td", {}, ev.actor1 || ""),
      el("td", {}, ev.actor2 || ""),
      el("td", {}, [ev.location, ev.admin1].filter(Boolean).join(", ")),
      el("td", {}, ev.country || ""),
      el("td", { class: "num" }, ev.fatalities ?? ""),
      el("td", { class: "num" }, ev.n_sources ?? ""));
    tr.querySelector(".swatch").style.background = COLORS[ev.event_type] || "#999";
    const open = () => openEvent(ev.id);
    tr.addEventListener("click", open);
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
    return tr;
  }

  // ---- event view ----------------------------------------------------------------------
  async function openEvent(id) {
    let ev;
    try { ev = await api("/api/events/" + encodeURIComponent(id)); } catch (e) {
      showError(e.message); return;
    }
    writeHash(id);
    for (const tr of document.querySelectorAll("#events tbody tr")) {
      tr.classList.toggle("selected", tr.dataset.id === id);
    }
    $("#ev-title").textContent = [ev.sub_event_type, ev.location, ev.event_date]
      .filter(Boolean).join(" — ");
    const dl = $("#ev-fields");
    clear(dl);
    const fields = [
      ["Event type", ev.event_type], ["Date", ev.event_date],
      ["Actor 1", [ev.actor1, ...(ev.assoc_actor_1 || [])].filter(Boolean).join(" + ")],
      ["Actor 2", [ev.actor2, ...(ev.assoc_actor_2 || [])].filter(Boolean).join(" + ")],
      ["Place", [ev.location, ev.admin2, ev.admin1, ev.country].filter(Boolean).join(", ")],
      ["Coordinates", ev.latitude != null ? ev.latitude.toFixed(4) + ", " + ev.longitude.toFixed(4) : ""],
      ["Fatalities", ev.fatalities], ["Sources", ev.n_sources], ["Id", ev.id],
    ];
    for (const [k, v] of fields) {
      if (v === "" || v === null || v === undefined) continue;
      dl.append(el("dt", {}, k), el("dd", { dataset: { field: k } }, v));
    }
    $("#ev-sources-title").textContent = "Sources (" + ev.sources.length + ")";
    const list = $("#ev-sources");
    clear(list);
    for (const src of ev.sources) list.append(sourceItem(src));
    showControl(ev);
    $("#event-view").hidden = false;
    $("main").classList.add("with-event");
    if (state.map && ev.latitude != null) {
      state.map.panTo([ev.latitude, ev.longitude]);
    }
  }
  const TERRITORY = ["Government regains territory", "Non-state actor overtakes territory",
    "Non-violent transfer of territory"];
  async function showControl(ev) {
    // For a change of territory, who held the place before and after, from the store.
    const box = $("#ev-control");
    clear(box);
    box.hidden = true;
    if (!TERRITORY.includes(ev.sub_event_type) || !ev.location) return;
    let data;
    try {
      data = await api("/api/places/" + encodeURIComponent(ev.location) + "/control",
        { country: ev.country });
    } catch (e) { return; }
    if (!data.periods.length) return;
    box.append(el("h3", {}, "Who held " + ev.location));
    const list = el("ol", { class: "control" });
    for (const p of data.periods) {
      const when = (p.from_date || "?") + " – " + (p.to_date || "");
      list.append(el("li", { class: p.event_ids.includes(ev.id) ? "current" : "" },
        el("strong", {}, p.holder || "unknown"), " " + when));
    }
    box.append(list);
    box.hidden = false;
  }
  function sourceItem(src) {
    const href = safeUrl(src.url);
    const title = src.title || src.document_id;
    const head = href
      ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }, title)
      : el("strong", {}, title);
    const meta = [src.agency || src.outlet, src.published].filter(Boolean).join(", ");
    const li = el("li", { class: "source" }, head, meta ? el("span", { class: "meta" }, " " + meta) : null,
      el("blockquote", { class: "sentence" }, ...highlighted(src.sentence)));
    const outside = (src.evidence || []).filter((s) => !s.in_sentence);
    if (outside.length) {
      li.append(el("div", { class: "more-evidence" }, "Also from the article: ",
        ...outside.map((s) => el("span", { class: "ev-chip", title: s.field }, s.field + ": " + s.text))));
    }
    const btn = el("button", { type: "button", class: "show-article" }, "Show article");
    btn.addEventListener("click", () => showArticle(li, btn, src));
    li.append(btn);
    return li;
  }
  function highlighted(sentence) {
    // The sentence as text nodes and <mark> elements, one per evidence span, named by the
    // fields it is evidence for. A span covering the whole sentence says nothing and is
    // skipped; of overlapping spans the shorter (more specific) one is kept.
    const text = sentence.text || "";
    const byRange = new Map();
    for (const h of sentence.highlights || []) {
      if (h.start < 0 || h.end > text.length || h.end <= h.start) continue;
      if (h.start === 0 && h.end === text.length) continue;
      const key = h.start + ":" + h.end;
      if (byRange.has(key)) byRange.get(key).fields.push(h.field);
      else byRange.set(key, { start: h.start, end: h.end, fields: [h.field] });
    }
    const chosen = [];
    const spans = [...byRange.values()].sort((a, b) => (a.end - a.start) - (b.end - b.start));
    for (const s of spans) {
      if (!chosen.some((c) => c.start < s.end && s.start < c.end)) chosen.push(s);
    }
    chosen.sort((a, b) => a.start - b.start);
    const parts = [];
    let at = 0;
    for (const s of chosen) {
      if (s.start > at) parts.push(text.slice(at, s.start));
      const fields = s.fields.join(", ");
      parts.push(el("mark", { title: fields, dataset: { field: fields } }, text.slice(s.start, s.end)));
      at = s.end;
    }
    if (at < text.length) parts.push(text.slice(at));
    return parts;
  }
  async function showArticle(li, btn, src) {
    const existing = li.querySelector(".article");
    if (existing) { existing.remove(); btn.textContent = "Show article"; return; }
    let doc;
    try { doc = await api("/api/documents/" + encodeURIComponent(src.document_id)); } catch (e) {
      showError(e.message); return;
    }
    const text = doc.text || "";
    const start = src.sentence.start;
    const pre = el("pre", { class: "article" });
    if (start !== null && start !== undefined && start >= 0) {
      const end = start + src.sentence.text.length;
      pre.append(text.slice(0, start), el("mark", { class: "sentence-mark" }, text.slice(start, end)),
        text.slice(end));
    } else {
      pre.textContent = text;
    }
    li.append(pre);
    btn.textContent = "Hide article";
  }

  // ---- map -----------------------------------------------------------------------------
  async function initMap() {
    const map = L.map("map", { preferCanvas: true, worldCopyJump: true, minZoom: 1 })
      .setView([20, 20], 2);
    map.attributionControl.setPrefix(false);
    if (state.config.tile_url) {
      const tiles = L.tileLayer(state.config.tile_url, { maxZoom: 18 });
      tiles.addTo(map);
      if (state.config.tile_attribution) {
        const div = document.createElement("div");
        div.textContent = state.config.tile_attribution;  // escaped: Leaflet inserts markup
        map.attributionControl.addAttribution(div.innerHTML);
      }
    }
    try {
      const resp = await fetch("/static/vendor/world-atlas/countries-110m.json");
      const topo = await resp.json();
      L.geoJSON(topojson.feature(topo, topo.objects.countries), {
        style: { color: "#8a8a8a", weight: 0.6, fillColor: "#eeeae2", fillOpacity: 1 },
        interactive: false,
      }).addTo(map);
    } catch (e) { /* the map still shows events without outlines */ }
    map.attributionControl.addAttribution("Natural Earth");
    state.map = map;
    map.on("moveend", () => {
      if ($("#filters").elements.in_view.checked) refresh(true);
    });
  }
  async function loadMap(fit) {
    const data = await api("/api/map", filters());
    if (state.layer) state.layer.remove();
    const group = L.layerGroup();
    if (data.mode === "points") {
      for (const [id, lat, lon, type, deaths] of data.points) {
        const m = L.circleMarker([lat, lon], { radius: 4 + Math.min(8, Math.sqrt(deaths || 0)),
          color: COLORS[type] || "#555", weight: 1, fillOpacity: 0.7 });
        m.bindTooltip(el("span", {}, type + (deaths ? " — " + deaths + " killed" : "")));
        m.on("click", () => openEvent(id));
        group.addLayer(m);
      }
    } else {
      const max = Math.max(1, ...data.cells.map((c) => c[2]));
      for (const [lat, lon, count] of data.cells) {
        const m = L.circleMarker([lat, lon], { radius: 3 + 14 * Math.sqrt(count / max),
          color: "#b03a2e", weight: 1, fillOpacity: 0.5 });
        m.bindTooltip(el("span", {}, count + " events"));
        m.on("click", () => state.map.setView([lat, lon], Math.max(state.map.getZoom() + 2, 6)));
        group.addLayer(m);
      }
    }
    group.addTo(state.map);
    state.layer = group;
    // After new filters, show where the events are; while filtering by the map view, the
    // view is the user's and stays put.
    if (fit && !$("#filters").elements.in_view.checked) {
      const pts = data.mode === "points" ? data.points.map((p) => [p[1], p[2]])
        : data.cells.map((c) => [c[0], c[1]]);
      if (pts.length) state.map.fitBounds(L.latLngBounds(pts), { maxZoom: 7, padding: [20, 20] });
    }
  }

  // ---- timeline ------------------------------------------------------------------------
  async function loadTimeline() {
    const data = await api("/api/timeline", filters());
    const box = $("#timeline");
    clear(box);
    $("#total").textContent = "(" + data.total.toLocaleString() + " events, by " + data.interval + ")";
    const periods = [...new Set(data.buckets.map((b) => b.period))].sort();
    const W = 600, H = 140, pad = 18;
    box.setAttribute("viewBox", "0 0 " + W + " " + (H + pad));
    if (!periods.length) return;
    const stacks = new Map(periods.map((p) => [p, 0]));
    const totals = new Map(periods.map((p) => [p, 0]));
    for (const b of data.buckets) totals.set(b.period, totals.get(b.period) + b.events);
    const max = Math.max(...totals.values());
    const bw = W / periods.length;
    const order = Object.keys(COLORS);
    const sorted = data.buckets.slice().sort((a, b) => order.indexOf(a.event_type) - order.indexOf(b.event_type));
    for (const b of sorted) {
      const i = periods.indexOf(b.period);
      const h = (b.events / max) * H;
      const y = H - stacks.get(b.period) - h;
      stacks.set(b.period, stacks.get(b.period) + h);
      const rect = svg("rect", { x: (i * bw).toFixed(2), y: y.toFixed(2),
        width: Math.max(1, bw - 1).toFixed(2), height: Math.max(0.5, h).toFixed(2),
        fill: COLORS[b.event_type] || "#999", class: "bar" });
      const tip = svg("title");
      tip.textContent = b.period + " " + b.event_type + ": " + b.events + " events, " + b.fatalities + " killed";
      rect.append(tip);
      box.append(rect);
    }
    const label = (text, x, anchor) => {
      const t = svg("text", { x, y: H + 13, "text-anchor": anchor, class: "axis" });
      t.textContent = text;
      box.append(t);
    };
    label(periods[0], 0, "start");
    if (periods.length > 1) label(periods[periods.length - 1], W, "end");
  }
  function legend() {
    const box = $("#legend");
    for (const [type, color] of Object.entries(COLORS)) {
      const sw = el("span", { class: "swatch" });
      sw.style.background = color;
      box.append(el("span", { class: "legend-item" }, sw, type));
    }
  }

  // ---- wiring --------------------------------------------------------------------------
  async function refresh(resetPage) {
    if (resetPage) { state.cursors = [null]; state.page = 0; }
    showError("");
    try {
      await Promise.all([loadPage(), loadMap(resetPage), loadTimeline()]);
      document.body.dataset.ready = "yes";
    } catch (e) { showError(e.message); }
  }

  async function start() {
    legend();
    try { state.config = await api("/api/config"); } catch (e) { showError(e.message); return; }
    fillTypes();
    await initMap();
    const eventId = readHash();
    $("#filters").addEventListener("submit", (e) => {
      e.preventDefault(); writeHash(); refresh(true);
    });
    $("#reset").addEventListener("click", () => {
      $("#filters").reset(); fillSubTypes(); writeHash(); refresh(true);
    });
    $("#older").addEventListener("click", () => { state.page += 1; loadPage().catch((e) => showError(e.message)); });
    $("#newer").addEventListener("click", () => { state.page = Math.max(0, state.page - 1); loadPage().catch((e) => showError(e.message)); });
    $("#close-event").addEventListener("click", () => {
      $("#event-view").hidden = true;
      $("main").classList.remove("with-event");
      writeHash();
    });
    $("#token-form").addEventListener("submit", (e) => {
      e.preventDefault();
      state.token = e.target.elements.token.value;
      sessionStorage.setItem("dateline-token", state.token);
      window.location.reload();  // start again, configuration first, with the token
    });
    await refresh(true);
    if (eventId) openEvent(eventId);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
