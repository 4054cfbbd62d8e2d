// netspec's network explorer. Reads the JSON island written by `netspec diagram -o NAME.html`; every string
// from the spec is set with textContent, never parsed as HTML. No library, no request.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("netspec-data").textContent);
  const items = D.items;
  const SVGNS = "http://www.w3.org/2000/svg"; // the SVG namespace name (an identifier, never fetched)
  const PAD = 10, HEAD = 22;
  const open = new Set(D.open);
  const cache = new Map();
  let abs = new Map(), origin = new Map(), drawn = [];
  let mode = "family", selected = -1, hovered = -1;
  let view = { k: 1, x: 0, y: 0 };

  // ---------- small helpers ----------
  function el(tag, attrs, parent, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function sv(tag, attrs, parent, text) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  const int = (n) => (n === null || n === undefined ? "?" : Number(n).toLocaleString("en-US"));
  function si(n) {
    if (n === null || n === undefined) return "?";
    const units = [[1e12, " T"], [1e9, " G"], [1e6, " M"], [1e3, " k"]];
    for (const [v, u] of units) if (Math.abs(n) >= v) return (n / v).toFixed(2) + u;
    return String(n);
  }
  function bytes(n) {
    if (n === null || n === undefined) return "?";
    const units = [[2 ** 30, " GiB"], [2 ** 20, " MiB"], [2 ** 10, " KiB"]];
    for (const [v, u] of units) if (n >= v) return (n / v).toFixed(1) + u;
    return n + " B";
  }
  const params = (it) => (it.tr === null || it.nt === null ? null : it.tr + it.nt);
  const shape = (it) => (it.sh === "" ? "?" : "(None, " + it.sh.map((d) => (d === null ? "None" : d)).join(", ") + ")");
  const isGroup = (i) => items[i].ch.length > 0;

  // ---------- page furniture ----------
  const bar = el("div", { id: "bar" }, document.body);
  el("h1", {}, bar, D.title);
  const t = D.totals;
  const totals = el(
    "span",
    { id: "totals" },
    bar,
    `${int(t.layers)} layers · ${t.complete ? int(t.trainable + t.non_trainable) : "?"} params (${int(t.trainable)} trainable, ` +
      `${int(t.non_trainable)} non-trainable) · ${si(t.macs)} MACs · ${bytes(t.act)} activations per example`
  );
  if (D.description) totals.title = D.description;
  const search = el("input", { id: "search", type: "search", placeholder: "Search names and types", "aria-label": "search" }, bar);
  const matchInfo = el("span", { id: "matches" }, bar);
  const colour = el("select", { id: "colour", "aria-label": "colour by" }, bar);
  for (const [v, label] of [["family", "Colour: family"], ["params", "Heat: parameters"], ["macs", "Heat: MACs"], ["act", "Heat: activation memory"]])
    el("option", { value: v }, colour, label);
  const fitButton = el("button", { id: "fit", type: "button" }, bar, "Fit");
  const openAll = el("button", { id: "open-all", type: "button" }, bar, "Open all");
  const foldAll = el("button", { id: "fold-all", type: "button" }, bar, "Fold all");
  const svg = sv("svg", { id: "canvas" }, document.body);
  const defs = sv("defs", {}, svg);
  for (const [id, c] of [["arrow", "#666"], ["arrow-skip", "#e69138"]]) {
    const m = sv("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    sv("path", { d: "M0,0 L10,5 L0,10 z", fill: c }, m);
  }
  const scene = sv("g", { id: "scene" }, svg);
  const layerFrames = sv("g", {}, scene), layerEdges = sv("g", {}, scene), layerNodes = sv("g", {}, scene);
  const info = el("div", { id: "info" }, document.body);
  const legend = el("div", { id: "legend" }, document.body);

  // ---------- layout: each open group's own dot layout, placed inside its box ----------
  function warp(v, lo, len, newLen) {
    if (v <= lo) return v;
    if (v >= lo + len) return v + newLen - len;
    return lo + ((v - lo) * newLen) / len;
  }
  // a label keeps its offset from the nearest point of its edge, however the edge is moved
  function anchor(pts, lp) {
    let best = 0, dist = Infinity;
    for (let i = 0; i < pts.length; i += 2) {
      const d = (pts[i] - lp[0]) ** 2 + (pts[i + 1] - lp[1]) ** 2;
      if (d < dist) { dist = d; best = i; }
    }
    return [best, lp[0] - pts[best], lp[1] - pts[best + 1]];
  }
  function place(g) {
    if (cache.has(g)) return cache.get(g);
    const L = D.layouts[g];
    const boxes = new Map(), ports = {}, subs = new Map();
    for (const c of items[g].ch) boxes.set(c, [L.n[c][0], L.n[c][1], items[c].w, items[c].h]);
    for (const k in L.p) ports[k] = L.p[k].slice();
    const edges = L.e.map((e) => ({ s: e[0], t: e[1], pts: e[2].slice(), end: e[3] && e[3].slice(), label: e[4], lp: e[5] && anchor(e[2], e[5]), skip: e[6] }));
    let size = [L.w, L.h];
    const opened = items[g].ch.filter((c) => open.has(c) && D.layouts[c]);
    opened.sort((a, b) => L.n[a][1] - L.n[b][1] || L.n[a][0] - L.n[b][0]);
    for (const c of opened) {
      const sub = place(c);
      const b = boxes.get(c);
      const nw = Math.max(b[2], sub.w + 2 * PAD, items[c].hw), nh = Math.max(b[3], sub.h + HEAD + 2 * PAD);
      const left = b[0] - b[2] / 2, top = b[1] - b[3] / 2, w = b[2], h = b[3];
      const fx = (x) => warp(x, left, w, nw), fy = (y) => warp(y, top, h, nh);
      const move = (p) => { p[0] = fx(p[0]); p[1] = fy(p[1]); };
      for (const bb of boxes.values()) move(bb);
      for (const k in ports) move(ports[k]);
      for (const e of edges) {
        for (let i = 0; i < e.pts.length; i += 2) { e.pts[i] = fx(e.pts[i]); e.pts[i + 1] = fy(e.pts[i + 1]); }
        if (e.end) move(e.end);
      }
      move(size);
      b[2] = nw; b[3] = nh;
      subs.set(c, sub);
    }
    const placed = { w: size[0], h: size[1], boxes, ports, edges, subs };
    cache.set(g, placed);
    return placed;
  }
  function invalidate(i) {
    for (let g = i; g >= 0; g = items[g].par) cache.delete(g);
  }

  // ---------- drawing: the whole state is placed, only what is near the window is painted ----------
  let flat = { nodes: [], frames: [], edges: [] }, painted = null;
  function build() {
    flat = { nodes: [], frames: [], edges: [] };
    abs = new Map(); origin = new Map();
    collect(0, 0, 0, place(0));
    svg.dataset.nodes = String(flat.nodes.length);
  }
  function collect(g, ox, oy, P) {
    for (const [c, b] of P.boxes) {
      const box = [ox + b[0] - b[2] / 2, oy + b[1] - b[3] / 2, b[2], b[3]];
      abs.set(c, box);
      const sub = P.subs.get(c);
      if (sub) {
        flat.frames.push([c, box]);
        const sx = box[0] + (b[2] - sub.w) / 2, sy = box[1] + HEAD + PAD;
        origin.set(c, [sx, sy]);
        collect(c, sx, sy, sub);
      } else flat.nodes.push([c, box]);
    }
    for (const e of P.edges) flat.edges.push(route(e, ox, oy, P));
  }
  function portOf(sub, key) {
    return sub && Object.prototype.hasOwnProperty.call(sub.ports, key) ? sub.ports[key] : null;
  }
  // an edge in page coordinates; one that meets an open group ends at that group's port for it
  function route(e, ox, oy, P) {
    const pts = e.pts.map((v, i) => v + (i % 2 ? oy : ox));
    let end = e.end ? [e.end[0] + ox, e.end[1] + oy] : null;
    let arrow = typeof e.t === "number";
    const n = pts.length;
    if (typeof e.t === "number" && P.subs.has(e.t)) {
      const p = portOf(P.subs.get(e.t), typeof e.s === "number" ? String(e.s) : "^" + e.s);
      if (p) {
        const o = origin.get(e.t), dx = o[0] + p[0] - pts[n - 2], dy = o[1] + p[1] - pts[n - 1];
        pts[n - 2] += dx; pts[n - 1] += dy; pts[n - 4] += dx; pts[n - 3] += dy;
        end = null; arrow = false;
      }
    }
    if (typeof e.s === "number" && P.subs.has(e.s)) {
      const p = portOf(P.subs.get(e.s), typeof e.t === "number" ? String(e.t) : "^" + e.t);
      if (p) {
        const o = origin.get(e.s), dx = o[0] + p[0] - pts[0], dy = o[1] + p[1] - pts[1];
        pts[0] += dx; pts[1] += dy; pts[2] += dx; pts[3] += dy;
      }
    }
    if (typeof e.t === "string") end = null;
    let d = `M${pts[0].toFixed(1)},${pts[1].toFixed(1)}`;
    for (let i = 2; i + 5 < n + 0.5; i += 6)
      d += `C${pts[i].toFixed(1)},${pts[i + 1].toFixed(1)} ${pts[i + 2].toFixed(1)},${pts[i + 3].toFixed(1)} ${pts[i + 4].toFixed(1)},${pts[i + 5].toFixed(1)}`;
    if (end) d += `L${end[0].toFixed(1)},${end[1].toFixed(1)}`;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i += 2) { x0 = Math.min(x0, pts[i]); x1 = Math.max(x1, pts[i]); y0 = Math.min(y0, pts[i + 1]); y1 = Math.max(y1, pts[i + 1]); }
    let label = null;
    if (e.label && e.lp) {
      const [i, dx, dy] = e.lp;
      label = [pts[i] + dx, pts[i + 1] + dy + 3, e.label];
    }
    return { d, pts, arrow, skip: e.skip, label, box: [x0 - 40, y0 - 10, x1 - x0 + 80, y1 - y0 + 20] };
  }
  function region() {
    const r = svg.getBoundingClientRect();
    const w = r.width / view.k, h = r.height / view.k, x = -view.x / view.k, y = -view.y / view.k;
    return { x, y, w, h, r: [x - w, y - h, 3 * w, 3 * h] };
  }
  const meets = (b, r) => b[0] < r[0] + r[2] && b[0] + b[2] > r[0] && b[1] < r[1] + r[3] && b[1] + b[3] > r[1];
  function paint() {
    layerFrames.textContent = layerEdges.textContent = layerNodes.textContent = "";
    drawn = [];
    const area = region(), r = area.r, words = view.k >= 0.25;
    for (const [c, b] of flat.frames) if (meets(b, r)) drawFrame(c, b, words);
    for (const e of flat.edges) if (meets(e.box, r)) drawEdge(e, words);
    for (const [c, b] of flat.nodes) if (meets(b, r)) drawNode(c, b, words);
    painted = { r, k: view.k, words };
    recolour();
    mark();
  }
  function draw() {
    build();
    paint();
  }
  function repaintIfNeeded() {
    if (!painted) return;
    const a = region(), r = painted.r;
    const inside = a.x >= r[0] && a.y >= r[1] && a.x + a.w <= r[0] + r[2] && a.y + a.h <= r[1] + r[3];
    if (!inside || (view.k >= 0.25) !== painted.words || view.k > painted.k * 3) paint();
  }
  function drawNode(c, b, words) {
    const it = items[c], [x, y, w, h] = b;
    const g = sv("g", { class: "node" + (isGroup(c) ? " fold" : ""), "data-id": it.id, "data-idx": c, transform: `translate(${x.toFixed(1)},${y.toFixed(1)})` }, layerNodes);
    sv("rect", { class: "outer", width: w, height: h, rx: 6 }, g);
    if (isGroup(c)) sv("rect", { class: "inner", x: 3, y: 3, width: w - 6, height: h - 6, rx: 4 }, g);
    if (words) {
      const cut = it.l[0].indexOf("  ");
      const t1 = sv("text", { x: 8, y: 17 }, g);
      sv("tspan", { class: "nm" }, t1, cut < 0 ? it.l[0] : it.l[0].slice(0, cut));
      if (cut >= 0) t1.appendChild(document.createTextNode(it.l[0].slice(cut)));
      let yy = 17;
      if (it.l[1]) sv("text", { x: 8, y: (yy += 14) }, g, it.l[1]);
      sv("text", { x: 8, y: (yy += 14), class: "fig" }, g, it.l[2]);
    }
    drawn.push([c, g]);
  }
  function drawFrame(c, b, words) {
    const it = items[c], [x, y, w, h] = b;
    const g = sv("g", { class: "frame", "data-id": it.id, "data-idx": c }, layerFrames);
    sv("rect", { x, y, width: w, height: h, rx: 8 }, g);
    const hdr = sv("g", { class: "hdr", "data-idx": c, "data-fold": "1" }, g);
    sv("rect", { x: x + 1, y: y + 1, width: w - 2, height: HEAD - 2, rx: 7, fill: "transparent", stroke: "none" }, hdr);
    if (words) sv("text", { x: x + 8, y: y + 15, class: "hd" }, hdr, "− " + it.hd);
  }
  function drawEdge(e, words) {
    const attrs = { class: "edge" + (e.skip ? " skip" : ""), d: e.d };
    if (e.arrow) attrs["marker-end"] = e.skip ? "url(#arrow-skip)" : "url(#arrow)";
    sv("path", attrs, layerEdges);
    if (words && e.label) sv("text", { x: e.label[0].toFixed(1), y: e.label[1].toFixed(1), class: "elabel" }, layerEdges, e.label[2]);
  }

  // ---------- colour: family, or a heat map of one figure ----------
  const metric = {
    params: (it) => params(it),
    macs: (it) => it.mac,
    act: (it) => it.act,
  };
  const RAMP = [[255, 255, 204], [253, 141, 60], [189, 0, 38]];
  function heat(f) {
    const s = f * (RAMP.length - 1), i = Math.min(Math.floor(s), RAMP.length - 2), r = s - i;
    const c = RAMP[i].map((v, k) => Math.round(v + (RAMP[i + 1][k] - v) * r));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }
  function recolour() {
    let max = 0, min = Infinity;
    if (mode !== "family")
      for (const [c] of flat.nodes) {
        const v = metric[mode](items[c]) || 0;
        max = Math.max(max, v);
        if (v > 0) min = Math.min(min, v);
      }
    const span = max > min ? Math.log(max) - Math.log(min) : 0;
    const families = new Set(flat.nodes.map(([c]) => items[c].f));
    for (const [c, g] of drawn) {
      const it = items[c], outer = g.firstChild;
      let fill, stroke, f = 0;
      if (mode === "family") {
        [fill, stroke] = D.colours[it.f] || D.colours.other;
      } else {
        const v = metric[mode](it);
        f = !v ? 0 : span > 0 ? 0.08 + (0.92 * (Math.log(v) - Math.log(min))) / span : 1;
        fill = v === null || v === undefined ? "#eeeeee" : v === 0 ? "#ffffff" : heat(f);
        stroke = "#777777";
      }
      outer.setAttribute("fill", fill);
      outer.setAttribute("stroke", stroke);
      g.classList.toggle("dark", f > 0.62);
      if (g.childNodes[1] && g.childNodes[1].tagName === "rect") g.childNodes[1].setAttribute("stroke", stroke);
    }
    legend.textContent = "";
    if (mode === "family") {
      for (const f of Object.keys(D.colours)) {
        if (!families.has(f)) continue;
        const [fill, stroke] = D.colours[f];
        el("span", { class: "sw", style: `background:${fill};border-color:${stroke}` }, legend, f);
      }
    } else {
      const names = { params: "parameters", macs: "MACs", act: "activation memory" };
      const fmt = mode === "act" ? bytes : mode === "macs" ? si : int;
      const total = mode === "params" ? t.trainable + t.non_trainable : mode === "macs" ? t.macs : t.act;
      el("span", {}, legend, `${names[mode]} per node: ${min === Infinity ? 0 : fmt(min)}`);
      el("span", { class: "ramp" }, legend);
      el("span", {}, legend, `${fmt(max)} (log scale; white: none) · total ${fmt(total)}`);
    }
    legend.dataset.mode = mode;
  }

  // ---------- the details panel ----------
  function showInfo(i) {
    info.textContent = "";
    if (i < 0) {
      el("h2", {}, info, D.title);
      if (D.description) el("div", { class: "kind" }, info, D.description);
      el("div", { class: "hint" }, info, "Hover or click a node for its details. Click a folded node (double border) to open it, its header to fold it. Drag to pan, wheel to zoom.");
      return;
    }
    const it = items[i];
    el("h2", {}, info, it.id);
    const kinds = { block: "block instance", run: "run of identical layers", blockrun: "run of identical block instances", layer: "layer", input: "input" };
    el("div", { class: "kind" }, info, `${it.t} · ${kinds[it.k] || it.k}`);
    const table = el("table", {}, info);
    const row = (k, v) => { const tr = el("tr", {}, table); el("td", {}, tr, k); el("td", {}, tr, v); };
    if (it.ch.length) row("layers", `${int(it.n)}` + (it.c > 1 ? ` in ${it.c} copies` : ""));
    row("output shape", shape(it));
    row("parameters", int(params(it)));
    row("trainable", int(it.tr));
    row("non-trainable", int(it.nt));
    row("MACs", `${si(it.mac)} (${int(it.mac)})`);
    row("activation memory", `${bytes(it.act)} per example (float32)`);
    if (it.par > 0) row("inside", items[it.par].id);
    if (it.line) {
      el("div", { class: "where" }, info, `${D.file}:${it.line}` + (it.ch.length ? " (block definition)" : ""));
      const src = D.source[it.line];
      if (src !== undefined) el("pre", {}, info, src);
    }
    if (it.a) {
      el("div", { class: "kind" }, info, "arguments");
      const args = el("table", {}, info);
      for (const k of Object.keys(it.a)) {
        const tr = el("tr", {}, args);
        el("td", {}, tr, k);
        el("td", {}, tr, JSON.stringify(it.a[k]));
      }
    }
    if (it.ch.length) el("div", { class: "hint" }, info, open.has(i) ? "Open: click its header to fold it." : "Folded: click it to open it.");
  }

  // ---------- view: pan, zoom, fit, centre ----------
  function apply() {
    scene.setAttribute("transform", `translate(${view.x.toFixed(2)},${view.y.toFixed(2)}) scale(${view.k.toFixed(5)})`);
    repaintIfNeeded();
  }
  // fit the picture to the window; one too large to read that way opens at its start, readable
  function fit(whole) {
    const P = place(0), r = svg.getBoundingClientRect();
    // a frame not laid out yet (a notebook's iframe) has no size: fit once it has one
    if (r.width < 1 || r.height < 1) return void requestAnimationFrame(() => fit(whole));
    const k = Math.min((r.width - 40) / Math.max(P.w, 1), (r.height - 40) / Math.max(P.h, 1), 1.5);
    if (k < 0.25 && whole !== true) {
      view = { k: 0.8, x: (r.width - P.w * 0.8) / 2, y: 20 };
    } else view = { k, x: (r.width - P.w * k) / 2, y: (r.height - P.h * k) / 2 };
    apply();
  }
  function centre(i) {
    const b = abs.get(i);
    if (!b) return;
    const r = svg.getBoundingClientRect();
    if (view.k < 0.6) view.k = 1;
    view.x = r.width / 2 - (b[0] + b[2] / 2) * view.k;
    view.y = r.height / 2 - (b[1] + b[3] / 2) * view.k;
    apply();
  }
  function toggle(i, opening) {
    const before = abs.get(i);
    if (opening) open.add(i);
    else open.delete(i);
    invalidate(i);
    build();
    const after = abs.get(i);
    if (before && after) {
      view.x += (before[0] - after[0]) * view.k;
      view.y += (before[1] - after[1]) * view.k;
    }
    painted = null;
    apply();
    paint();
  }
  function setAll(opening) {
    for (let i = 1; i < items.length; i++) if (isGroup(i)) (opening ? open.add(i) : open.delete(i));
    cache.clear();
    build();
    fit();
    paint();
  }
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
  });
  window.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 4) { drag.moved = true; svg.classList.add("panning"); }
    if (drag.moved) { view.x = drag.vx + dx; view.y = drag.vy + dy; apply(); }
  });
  window.addEventListener("pointerup", () => {
    svg.classList.remove("panning");
    setTimeout(() => (drag = null), 0);
  });
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    const k = Math.min(8, Math.max(0.002, view.k * Math.exp(-ev.deltaY * 0.0015)));
    view.x = px - ((px - view.x) * k) / view.k;
    view.y = py - ((py - view.y) * k) / view.k;
    view.k = k;
    apply();
  }, { passive: false });
  svg.addEventListener("click", (ev) => {
    if (drag && drag.moved) return;
    const target = ev.target.closest("[data-idx]");
    if (!target) return;
    const i = Number(target.getAttribute("data-idx"));
    if (target.getAttribute("data-fold")) {
      select(i);
      toggle(i, false);
      return;
    }
    if (isGroup(i) && !open.has(i)) {
      toggle(i, true);
    }
    select(i);
  });
  svg.addEventListener("mouseover", (ev) => {
    const target = ev.target.closest("[data-idx]");
    const i = target ? Number(target.getAttribute("data-idx")) : -1;
    if (i !== hovered) { hovered = i; showInfo(i >= 0 ? i : selected); }
  });
  svg.addEventListener("mouseleave", () => { hovered = -1; showInfo(selected); });

  // ---------- selection and search ----------
  function mark() {
    const q = search.value.trim().toLowerCase();
    for (const [c, g] of drawn) {
      const it = items[c];
      g.classList.toggle("match", q !== "" && (it.id.toLowerCase().includes(q) || it.t.toLowerCase().includes(q)));
      g.classList.toggle("sel", c === selected);
    }
    for (const f of layerFrames.children) f.classList.toggle("sel", Number(f.getAttribute("data-idx")) === selected);
  }
  function select(i) {
    selected = i;
    document.body.dataset.selected = i >= 0 ? items[i].id : "";
    mark();
    showInfo(i);
  }
  function reveal(i) {
    let changed = false;
    for (let g = items[i].par; g > 0; g = items[g].par) if (!open.has(g)) { open.add(g); invalidate(g); changed = true; }
    if (changed) draw();
  }
  let matches = [], at = -1;
  function find(step) {
    const q = search.value.trim().toLowerCase();
    if (!q) { matches = []; matchInfo.textContent = ""; mark(); return; }
    if (step === 0) {
      matches = [];
      for (let i = 1; i < items.length; i++)
        if (items[i].id.toLowerCase().includes(q) || items[i].t.toLowerCase().includes(q)) matches.push(i);
      at = -1;
    }
    if (!matches.length) { matchInfo.textContent = "no match"; mark(); return; }
    at = (at + (step < 0 ? -1 : 1) + matches.length) % matches.length;
    reveal(matches[at]);
    select(matches[at]);
    centre(matches[at]);
    matchInfo.textContent = `${at + 1} of ${matches.length}`;
  }
  let typing = null;
  search.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => find(0), 120); });
  search.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    clearTimeout(typing);
    if (!matches.length) find(0);
    else find(ev.shiftKey ? -1 : 1);
  });
  colour.addEventListener("change", () => { mode = colour.value; recolour(); });
  fitButton.addEventListener("click", () => fit(true));
  openAll.addEventListener("click", () => setAll(true));
  foldAll.addEventListener("click", () => setAll(false));
  window.addEventListener("resize", fit);

  // ---------- first render ----------
  const started = performance.now();
  build();
  fit();
  paint();
  showInfo(-1);
  // the hooks the tests and benchmarks read
  window.netspecExplorer = {
    visible: () => flat.nodes.map(([c]) => items[c].id),
    painted: () => drawn.length,
    open: (id) => { const i = items.findIndex((it) => it.id === id); if (i > 0) toggle(i, true); return flat.nodes.length; },
    fold: (id) => { const i = items.findIndex((it) => it.id === id); if (i > 0) toggle(i, false); return flat.nodes.length; },
    openAll: () => { setAll(true); return flat.nodes.length; },
    foldAll: () => { setAll(false); return flat.nodes.length; },
    fitAll: () => fit(true),
    geometry: () => ({
      nodes: Object.fromEntries(flat.nodes.map(([c, b]) => [items[c].id, b])),
      edges: flat.edges.map((e) => ({ pts: e.pts, skip: e.skip })),
    }),
    moveTo: (f) => {
      const P = place(0), r = svg.getBoundingClientRect();
      view.x = r.width / 2 - P.w * (D.direction === "LR" ? f : 0.5) * view.k;
      view.y = r.height / 2 - P.h * (D.direction === "LR" ? 0.5 : f) * view.k;
      apply();
    },
    renderMs: performance.now() - started,
  };
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.netspecExplorer.paintedAt = performance.now();
    document.documentElement.dataset.ready = "1";
  }));
})();
