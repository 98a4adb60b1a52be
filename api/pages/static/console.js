// The dispatcher console: draws GET /v1/board and acts through the /v1 JSON endpoints
// with the session cookie and the X-CSRF-Token header. The board is polled with its ETag
// (304 while nothing changed), and fetched again right after each action.
"use strict";

(function () {
  const boot = JSON.parse(document.getElementById("boot").textContent);
  const t = (msgid) => boot.strings[msgid] || msgid;
  const $ = (id) => document.getElementById(id);
  const state = { board: null, etag: null, selected: new Set(), layers: null, map: null, fitted: false };

  // --- helpers -----------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }
  function hhmm(iso) {
    if (!iso) return "—";
    return new Date(iso).toLocaleTimeString(boot.locale === "vi" ? "vi-VN" : "en-GB", {
      hour: "2-digit", minute: "2-digit", timeZone: boot.timezone,
    });
  }
  function say(text, isError) {
    const status = $("status");
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }
  async function api(method, path, body) {
    const headers = { "X-CSRF-Token": boot.csrf, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (response.status === 401) window.location.assign("/dispatcher");
    return { ok: response.ok, status: response.status, data };
  }

  // --- the board -----------------------------------------------------------------------
  async function refresh() {
    const headers = { Accept: "application/json" };
    if (state.etag) headers["If-None-Match"] = state.etag;
    try {
      const response = await fetch("/v1/board", { headers, credentials: "same-origin" });
      if (response.status === 401) return window.location.assign("/dispatcher");
      if (response.status === 304) return;
      if (!response.ok) throw new Error(String(response.status));
      state.etag = response.headers.get("ETag");
      state.board = await response.json();
      render();
      say(`${t("Updated")} ${hhmm(new Date().toISOString())}`);
    } catch (err) {
      say(t("Connection lost; retrying"), true);
    }
  }

  function render() {
    drawMap();
    drawShippers();
    drawUnassigned();
    drawRuns();
    drawSelection();
  }

  // --- the map: vector layers only, so routes draw even when tiles cannot load --------
  function setUpMap() {
    const map = L.map("map", { preferCanvas: false }).setView([21.0285, 105.8542], 12);
    L.tileLayer(boot.tiles, {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    }).addTo(map);
    state.map = map;
    state.layers = L.layerGroup().addTo(map);
  }

  function drawMap() {
    const board = state.board;
    const layers = state.layers;
    layers.clearLayers();
    const bounds = [];
    const shippers = new Map(board.shippers.map((s) => [s.id, s]));
    for (const route of board.routes) {
      const shipper = shippers.get(route.shipper_id);
      const start = shipper && (shipper.position || shipper.home);
      const planned = route.stops.filter((s) => s.status === "planned");
      const line = (start && start.lat !== null ? [[start.lat, start.lon]] : []).concat(
        planned.map((s) => [s.lat, s.lon]));
      if (line.length > 1) {
        L.polyline(line, { color: route.colour, weight: 4, opacity: 0.85, className: "route-line",
          dashArray: route.locked ? "8 6" : null })
          .bindTooltip(`${shipper ? shipper.name : ""} · ${(route.distance_m / 1000).toFixed(1)} km`)
          .addTo(layers);
      }
      for (const stop of route.stops) {
        const done = stop.status !== "planned";
        L.circleMarker([stop.lat, stop.lon], {
          radius: stop.kind === "pickup" ? 5 : 7, color: stop.forced ? "#000" : route.colour,
          weight: stop.forced ? 3 : 2, fillColor: done ? "#fff" : route.colour, fillOpacity: 0.9,
          className: "stop-marker",
        }).bindTooltip(`#${stop.order_id} ${t(stop.kind === "pickup" ? "Pickup" : "Delivery")}` +
          ` ${hhmm(stop.eta)}${stop.recipient ? " · " + stop.recipient : ""}`)
          .on("click", () => toggle(stop.order_id))
          .addTo(layers);
        bounds.push([stop.lat, stop.lon]);
      }
    }
    for (const point of board.sales_points) {
      L.rectangle(square(point.lat, point.lon), { color: "#333", weight: 1, fillOpacity: 0.6 })
        .bindTooltip(point.name).addTo(layers);
      bounds.push([point.lat, point.lon]);
    }
    for (const shipper of board.shippers) {
      if (!shipper.position) continue;
      L.circleMarker([shipper.position.lat, shipper.position.lon], {
        radius: 10, color: shipper.colour, weight: 3, fill: false,
      }).bindTooltip(shipper.name).addTo(layers);
    }
    for (const order of board.unassigned) {
      L.circleMarker([order.lat, order.lon], { radius: 6, color: "#777", dashArray: "2 2",
        fillColor: "#ccc", fillOpacity: 0.8 })
        .bindTooltip(`#${order.id} ${order.recipient}`).on("click", () => toggle(order.id))
        .addTo(layers);
    }
    if (!state.fitted && bounds.length) {
      state.map.fitBounds(bounds, { padding: [20, 20] });
      state.fitted = true;
    }
  }

  function square(lat, lon) {
    const d = 0.0012;
    return [[lat - d, lon - d], [lat + d, lon + d]];
  }

  // --- shippers with their load bars -----------------------------------------------------
  function bar(label, value, max, unit) {
    const ratio = max > 0 ? Math.min(value / max, 1.5) : 0;
    return el("div", { class: "load" + (value > max ? " over" : "") },
      el("span", { class: "label" }, `${label}: ${value}/${max} ${unit}`),
      el("span", { class: "track" },
        el("span", { class: "fill", style: null, "data-ratio": ratio.toFixed(3) })));
  }

  function drawShippers() {
    const list = $("shippers");
    list.replaceChildren();
    const routes = new Map(state.board.routes.map((r) => [r.id, r]));
    for (const s of state.board.shippers) {
      const load = s.load;
      const route = s.route_id ? routes.get(s.route_id) : null;
      const health = { passed: "Health: passed", failed: "Health: failed", missing: "Health: not declared" }[s.health];
      const orders = route ? route.stops.filter((x) => x.kind === "delivery" && x.status === "planned") : [];
      const card = el("li", {
        class: "shipper" + (s.on_duty ? "" : " off"), "data-shipper-id": s.id,
        "data-stops": load.stops, "data-kg": load.kg,
      },
        el("div", { class: "head" },
          el("span", { class: "swatch", "data-colour": s.colour }),
          el("strong", {}, s.name),
          el("span", { class: "duty" }, t(s.on_duty ? "On duty" : "Off duty")),
          el("span", { class: "health " + s.health }, t(health)),
          s.locked ? el("span", { class: "locked" }, t("Locked")) : null),
        bar(t("stops"), load.stops, Math.max(load.stops, load.capacity_parcels * 2), ""),
        bar(t("kg"), load.kg, load.capacity_kg, "kg"),
        el("div", { class: "figures" },
          `${load.km} ${t("km")} · ${t("last stop")} ${hhmm(load.last_eta)}`,
          load.forced ? el("span", { class: "forced" }, ` · ${t("forced")}`) : null),
        el("div", { class: "orders" }, orders.map((x) => chip(x.order_id, x.forced))),
        el("div", { class: "actions" },
          route ? el("button", { type: "button", onclick: () => lock(route) },
            t(route.locked ? "Unlock" : "Lock")) : null,
          route ? el("button", { type: "button", onclick: () => reoptimize(route) },
            t("Re-optimise")) : null,
          el("button", { type: "button", onclick: () => duty(s) },
            t(s.on_duty ? "Take off duty" : "Put on duty")),
          el("button", { type: "button", onclick: () => signInLink(s) }, t("Sign-in link"))));
      list.append(card);
    }
    // Colours and widths are set through the CSSOM: the page's CSP forbids inline styles.
    for (const swatch of list.querySelectorAll(".swatch")) swatch.style.background = swatch.dataset.colour;
    for (const fill of list.querySelectorAll(".fill")) {
      fill.style.width = `${Math.min(Number(fill.dataset.ratio), 1) * 100}%`;
    }
    const select = $("move-to");
    const chosen = select.value;
    select.replaceChildren(...state.board.shippers.filter((s) => s.on_duty).map((s) =>
      el("option", { value: s.id }, `${s.name} (${s.load.stops} ${t("stops")}, ${s.load.kg} kg)`)));
    if (chosen) select.value = chosen;
  }

  function chip(orderId, forced) {
    return el("button", {
      type: "button", class: "chip" + (state.selected.has(orderId) ? " selected" : "") +
        (forced ? " forced" : ""),
      "data-order-id": orderId, "aria-pressed": String(state.selected.has(orderId)),
      onclick: () => toggle(orderId),
    }, `#${orderId}`);
  }

  function drawUnassigned() {
    const list = $("unassigned");
    const orders = state.board.unassigned;
    list.replaceChildren(...(orders.length ? orders.map((o) => el("li", {},
      chip(o.id, false), ` ${o.recipient} · ${o.weight_kg} kg · `,
      el("span", { class: "reason" }, o.reason ? t("reason." + o.reason) : "—"),
      o.detail ? el("small", {}, ` ${o.detail}`) : null))
      : [el("li", { class: "empty" }, t("No unassigned orders"))]));
  }

  function drawRuns() {
    const runs = state.board.planning_runs;
    $("runs").replaceChildren(...(runs.length ? runs.map((r) => el("tr", { class: r.status },
      el("td", {}, String(r.id)), el("td", {}, r.status), el("td", {}, r.trigger),
      el("td", {}, String(r.orders_in)), el("td", {}, String(r.orders_planned)),
      el("td", {}, String(r.routes_count)), el("td", {}, String(r.total_km)),
      el("td", {}, String(r.solver_s))))
      : [el("tr", {}, el("td", { colspan: "8" }, t("No planning runs yet")))]));
  }

  // --- selecting and moving orders ---------------------------------------------------------
  function toggle(orderId) {
    if (state.selected.has(orderId)) state.selected.delete(orderId);
    else state.selected.add(orderId);
    render();
  }

  function drawSelection() {
    const ids = [...state.selected];
    $("selection").replaceChildren(...(ids.length ? ids.map((id) => chip(id, false))
      : [el("span", { class: "empty" }, t("Nothing selected"))]));
  }

  async function move(force) {
    const ids = [...state.selected];
    const result = $("move-result");
    if (!ids.length) return (result.textContent = t("Nothing selected"));
    const body = { order_ids: ids, shipper_id: Number($("move-to").value), force };
    const note = $("move-note").value.trim();
    if (note) body.note = note;
    const answer = await api("POST", "/v1/reassignments", body);
    result.replaceChildren();
    if (answer.ok) {
      state.selected.clear();
      result.className = "move-result ok";
      result.textContent = `${t("Moved")} ${ids.map((i) => "#" + i).join(", ")}` +
        (answer.data.forced ? ` (${t("forced")})` : "");
    } else {
      result.className = "move-result error";
      const error = (answer.data && answer.data.error) || { message: String(answer.status) };
      const reasons = (error.violations || []).map((v) => el("li", {}, v.message));
      result.append(el("p", {}, error.violations ? t("The move was refused:") : error.message),
        reasons.length ? el("ul", {}, reasons) : null);
      if (error.forceable) {
        result.append(el("button", { type: "button", id: "force-btn", onclick: () => move(true) },
          t("Move anyway")));
      }
    }
    await refresh();
  }

  // --- route and shipper actions --------------------------------------------------------------
  async function report(answer, okText) {
    if (answer.ok) say(okText);
    else say((answer.data && answer.data.error && answer.data.error.message) || answer.status, true);
    await refresh();
  }
  async function lock(route) {
    const action = route.locked ? "unlock" : "lock";
    await report(await api("POST", `/v1/routes/${route.id}/${action}`), t("Saved"));
  }
  async function reoptimize(route) {
    await report(await api("POST", `/v1/routes/${route.id}/reoptimize`), t("Queued"));
  }
  async function duty(shipper) {
    if (shipper.on_duty && !window.confirm(t("Take this shipper off duty? Their orders not picked up go back to planning."))) return;
    await report(await api("PATCH", `/v1/shippers/${shipper.id}`, { on_duty: !shipper.on_duty }), t("Saved"));
  }
  async function signInLink(shipper) {
    const answer = await api("POST", `/v1/shippers/${shipper.id}/sign-in-link`);
    if (!answer.ok) return report(answer, "");
    const body = $("link-body");
    body.replaceChildren(el("p", {}, el("strong", {}, shipper.name)),
      el("div", { class: "qr" }), el("p", {}, el("a", { href: answer.data.url }, answer.data.url)),
      el("p", {}, `${t("Link valid until")} ${hhmm(answer.data.expires_at)}`));
    // The QR code is an SVG made by the server from the link alone.
    body.querySelector(".qr").innerHTML = answer.data.qr_svg;
    $("link-dialog").showModal();
  }

  // --- start ----------------------------------------------------------------------------------
  $("move-btn").addEventListener("click", () => move(false));
  $("plan-now").addEventListener("click", async () => {
    await report(await api("POST", "/v1/plans", {}), t("Queued"));
  });
  setUpMap();
  refresh();
  window.setInterval(refresh, Math.min(boot.poll_s, 10) * 1000);
})();
