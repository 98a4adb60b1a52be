/* The shipper's phone page: renders the route from JSON, queues actions offline and
   sends them with their action ids (so a replay applies once). No framework, on purpose:
   the first load must stay small on a mid-range phone and patchy mobile data. */
(function () {
  "use strict";
  var B = JSON.parse(document.getElementById("boot").textContent);
  var S = B.strings;
  var LOCALE = B.locale === "vi" ? "vi-VN" : "en-GB";
  var ROUTE_KEY = "sd.route." + B.shipper_id;
  var main = document.getElementById("stops");
  var state = { route: B.route, online: navigator.onLine, waiting: 0, position: null };

  function t(id) { return S[id] || id; }
  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  var money = new Intl.NumberFormat(LOCALE, { style: "currency", currency: "VND" });
  var decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
  var clock = new Intl.DateTimeFormat(LOCALE, {
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone: B.timezone
  });
  function hhmm(iso) { return iso ? clock.format(new Date(iso)) : "—"; }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* ---- the offline queue, in IndexedDB (it holds photo blobs too) ---- */
  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("sd-shipper", 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
      };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }
  function store(mode, work) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var tx = conn.transaction("queue", mode);
        var request = work(tx.objectStore("queue"));
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  var queue = {
    mine: function () {
      return store("readonly", function (s) { return s.getAll(); }).then(function (all) {
        return all.filter(function (item) { return item.shipper === B.shipper_id; });
      });
    },
    add: function (item) { return store("readwrite", function (s) { return s.add(item); }); },
    drop: function (seq) { return store("readwrite", function (s) { return s.delete(seq); }); }
  };

  /* ---- local state: the route as last known, with queued actions applied ---- */
  function save() {
    localStorage.setItem(ROUTE_KEY, JSON.stringify({ at: Date.now(), route: state.route }));
  }
  function restore() {
    var saved = JSON.parse(localStorage.getItem(ROUTE_KEY) || "null");
    if (saved && saved.at > Date.parse(B.generated_at)) state.route = saved.route;
  }
  function apply(item) {
    var after = { pickup: "picked_up", handoff: "delivered", fail: "failed" }[item.kind];
    state.route.stops.forEach(function (stop) {
      if (stop.order_id !== item.order) return;
      stop.order_status = after;
      var mine = item.kind === "fail" || (item.kind === "pickup") === (stop.kind === "pickup");
      if (mine && stop.status === "planned") stop.status = item.kind === "fail" ? "failed" : "done";
    });
    recount();
  }
  function recount() {
    var stops = state.route.stops, current = null, done = 0;
    stops.forEach(function (stop) {
      if (stop.status !== "planned") done += 1;
      else if (!current) current = stop;
      stop.is_current = stop === current;
    });
    var p = state.route.progress;
    p.done = done;
    p.left = stops.length - done;
    if (!p.left) p.km_left = 0;
  }

  /* ---- drawing ---- */
  function status(stop) {
    if (stop.order_status === "cancelled") return t("Cancelled");
    if (stop.status === "failed") return t("Failed");
    if (stop.status === "done") return t(stop.kind === "pickup" ? "Picked up" : "Delivered");
    return "";
  }
  function render() {
    var r = state.route, p = r.progress;
    document.getElementById("progress").textContent = r.stops.length
      ? p.done + " " + t("done") + " · " + p.left + " " + t("left") + " · " +
        decimal.format(p.km_left) + " / " + decimal.format(p.km_total) + " km"
      : "";
    var net = document.getElementById("net");
    net.textContent = t(state.online ? "Online" : "Offline") +
      (state.waiting ? " · " + state.waiting + " " + t("waiting to send") : "");
    net.className = "net " + (state.online ? "on" : "off");
    var pieces = [];
    if (!r.stops.length) {
      pieces.push('<p class="empty" data-key="empty">' + esc(t("No stops yet: the dispatcher will plan your route.")) + "</p>");
    } else {
      if (!p.left) pieces.push('<p class="empty" data-key="finished">' + esc(t("Route finished. Thank you!")) + "</p>");
      pieces = pieces.concat(r.stops.map(card));
    }
    draw(pieces);
  }
  /* The list is drawn again after every answer from the server, on each flush and when the
     signal comes or goes: often while the shipper is typing a code or tapping a button. So
     a card whose markup is unchanged stays in place, with what was typed into it, its open
     form, the focus and any tap under way; a card that must change takes over what was
     typed into the one it replaces. (Replacing the whole list used to erase a code being
     typed, and the tap on "Confirm code" then only asked for the code again.) */
  var drawn = new WeakMap();  // node -> the markup it was drawn from
  function draw(pieces) {
    var old = {};
    Array.prototype.forEach.call(main.children, function (node) { old[node.getAttribute("data-key")] = node; });
    pieces.forEach(function (html, index) {
      var box = document.createElement("template");
      box.innerHTML = html;
      var node = old[box.content.firstElementChild.getAttribute("data-key")];
      if (!node || drawn.get(node) !== html) node = redraw(node, box.content.firstElementChild, html);
      var at = main.children[index];
      if (at !== node) main.insertBefore(node, at || null);
    });
    while (main.children.length > pieces.length) main.lastElementChild.remove();
  }
  var TYPED = [".code-input", ".reason", ".note"];
  function redraw(node, next, html) {
    drawn.set(next, html);
    if (!node) return next;
    var focus = null;
    if (node.tagName === "DETAILS" && next.tagName === "DETAILS" &&
        node.classList.contains("current") === next.classList.contains("current")) next.open = node.open;
    var forms = [node.querySelector("details.fail"), next.querySelector("details.fail")];
    if (forms[0] && forms[1]) forms[1].open = forms[0].open;
    TYPED.forEach(function (selector) {
      var was = node.querySelector(selector), now = next.querySelector(selector);
      if (!was || !now) return;
      now.value = was.value;
      if (was === document.activeElement) focus = { field: now, from: was.selectionStart, to: was.selectionEnd };
    });
    node.replaceWith(next);
    if (focus) {
      focus.field.focus();
      if (focus.from !== null && focus.from !== undefined) focus.field.setSelectionRange(focus.from, focus.to);
    }
    return next;
  }
  function card(stop) {
    var pickup = stop.kind === "pickup", d = stop.delivery, k = stop.pickup;
    var open = stop.is_current ? " open" : "";
    var cls = "stop " + stop.kind + (stop.is_current ? " current" : "") + (stop.status !== "planned" ? " settled" : "");
    var name = pickup ? k.sales_point_name : d.recipient_first_name;
    var parts = ['<details class="' + cls + '" data-key="' + stop.kind + "." + stop.order_id + '" data-order="' + stop.order_id + '"' + open + ">",
      '<summary><span class="seq">' + stop.sequence + '</span><span class="kind">' +
        esc(t(pickup ? "Pick up" : "Deliver")) + "</span><b>" + esc(name) + '</b><span class="eta">' +
        esc(t("ETA")) + " " + esc(hhmm(stop.eta)) + '</span><span class="state">' + esc(status(stop)) + "</span></summary>",
      '<p class="addr">' + esc(pickup ? k.address : d.address) + "</p>"];
    if (pickup) {
      parts.push('<ul class="items">' + k.items.map(function (i) {
        return "<li>" + esc(i.quantity || 1) + " × " + esc(i.name) + "</li>";
      }).join("") + "</ul>");
      parts.push('<p class="meta">' + k.parcels + " " + esc(t("parcels")) + " · " + decimal.format(k.weight_kg) +
        " kg" + (k.ref ? " · " + esc(t("Ref")) + " " + esc(k.ref) : "") + "</p>");
    } else {
      parts.push('<p class="meta">' + d.parcels + " " + esc(t("parcels")) + " · " + decimal.format(d.weight_kg) + " kg</p>");
      parts.push('<p class="cod">' + (d.cod_amount_vnd ? esc(t("COD")) + " " + esc(money.format(d.cod_amount_vnd)) : esc(t("Prepaid"))) + "</p>");
      parts.push('<p class="pref">' + esc(t("handoff." + d.handoff_preference)) +
        (d.handoff_note ? ": " + esc(d.handoff_note) : "") + "</p>");
    }
    var nav = /Android/i.test(navigator.userAgent) ? stop.geo_uri : stop.navigation_url;
    parts.push('<div class="row"><a class="btn" href="' + esc(nav) + '" target="_blank" rel="noopener">' + esc(t("Navigate")) + "</a>" +
      (d && d.recipient_phone && stop.is_current ? '<a class="btn" href="tel:' + esc(d.recipient_phone) + '">' + esc(t("Call")) + " " + esc(d.recipient_phone) + "</a>" : "") + "</div>");
    parts.push(actions(stop));
    parts.push("</details>");
    return parts.join("");
  }
  function actions(stop) {
    if (stop.status !== "planned") return "";
    var failLabel = stop.kind === "pickup" ? "Could not pick up" : "Could not deliver";
    var html = "";
    if (stop.kind === "pickup" && stop.order_status === "assigned") {
      html = '<button class="primary" data-act="pickup">' + esc(t("Picked up")) + "</button>";
    } else if (stop.kind === "delivery" && stop.order_status === "picked_up") {
      html = '<label class="code">' + esc(t("Hand-off code")) +
        '<input class="code-input" inputmode="numeric" autocomplete="off" maxlength="8" placeholder="' + esc(t("Enter the code the recipient reads out")) + '"></label>' +
        '<button class="primary" data-act="handoff">' + esc(t("Confirm code")) + "</button>" +
        '<label class="btn">' + esc(t("Take a photo instead")) + '<input type="file" accept="image/*" capture="environment" data-act="photo" hidden></label>';
    } else {
      return "";
    }
    var reasons = ["recipient_unreachable", "refused", "wrong_address", "area_locked_down", "other"];
    return '<div class="actions">' + html + '<details class="fail"><summary class="btn warn">' + esc(t(failLabel)) + "</summary>" +
      "<label>" + esc(t("Reason")) + '<select class="reason">' + reasons.map(function (r) {
        return '<option value="' + r + '">' + esc(t("fail." + r)) + "</option>";
      }).join("") + "</select></label><label>" + esc(t("Note")) + '<textarea class="note" maxlength="500" rows="2"></textarea></label>' +
      '<button class="warn" data-act="fail">' + esc(t("Confirm")) + "</button></details></div>";
  }
  function notice(text) {
    var box = document.getElementById("notice");
    box.textContent = text;
    box.hidden = !text;
  }

  /* ---- actions: queued first, then sent; the queue survives reloads and sign-outs ---- */
  function act(order, kind, fields, photo) {
    if (state.position) { fields.lat = state.position.lat; fields.lon = state.position.lon; }
    fields.taken_at = new Date().toISOString();
    var item = { id: newId(), shipper: B.shipper_id, order: order, kind: kind, fields: fields, photo: photo || null };
    return queue.add(item).then(function () {
      state.waiting += 1;  // shown as waiting until the server has accepted it
      apply(item);
      save();
      notice(state.online ? t("Sending…") : t("Saved on the phone, will be sent when online"));
      render();
      return flush();
    });
  }
  function send(item) {
    var headers = { "X-CSRF-Token": B.csrf, "Idempotency-Key": item.id, Accept: "application/json" };
    var body;
    if (item.photo) {
      body = new FormData();
      body.append("photo", item.photo, "handoff.jpg");
      Object.keys(item.fields).forEach(function (key) { body.append(key, item.fields[key]); });
    } else {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(item.fields);
    }
    return fetch("/v1/orders/" + item.order + "/" + item.kind, {
      method: "POST", headers: headers, body: body, credentials: "same-origin"
    });
  }
  var flushing = false, again = false;
  function flush() {
    if (flushing) { again = true; return Promise.resolve(); }
    flushing = true;
    again = false;
    return queue.mine().then(function (items) {
      state.waiting = items.length;
      return items.reduce(function (chain, item) {
        return chain.then(function (go) { return go && deliver(item); });
      }, Promise.resolve(true));
    }).then(function (allSent) {
      if (allSent) return refresh();
    }).catch(function () { online(false); }).then(function () {
      flushing = false;
      return queue.mine().then(function (left) {
        state.waiting = left.length;
        if (!left.length && document.getElementById("notice").textContent === t("Sending…")) notice("");
        render();
        if (again && left.length) return flush();
      });
    });
  }
  function deliver(item) {
    return send(item).then(function (answer) {
      online(true);
      if (answer.status === 401 || answer.status === 403) {
        notice(t("Your session has ended: sign in again; waiting actions are kept."));
        return false;
      }
      if (answer.status >= 500 || answer.status === 408) return false;
      return queue.drop(item.seq).then(function () {
        state.waiting -= 1;
        if (answer.ok) { notice(""); return true; }
        return answer.json().catch(function () { return {}; }).then(function (body) {
          notice(t("Refused:") + " " + ((body.error && body.error.message) || answer.status));
          return true;
        });
      });
    }, function () { online(false); return false; });
  }
  function refresh() {
    return fetch("/v1/me/route", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) {
        if (!answer.ok) return;
        return answer.json().then(function (route) {
          state.route = route;  // the server's truth, with what is still queued on top
          return queue.mine().then(function (items) { items.forEach(apply); save(); render(); });
        });
      });
  }
  function online(yes) { if (state.online !== yes) { state.online = yes; render(); } }

  function shrink(file) {
    return createImageBitmap(file).then(function (image) {
      var scale = Math.min(1, 1280 / Math.max(image.width, image.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(image.width * scale);
      canvas.height = Math.round(image.height * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      return [0.7, 0.5, 0.35].reduce(function (found, quality) {
        return found.then(function (blob) {
          if (blob && blob.size <= B.photo_max_bytes) return blob;
          return new Promise(function (done) { canvas.toBlob(done, "image/jpeg", quality); });
        });
      }, Promise.resolve(null)).then(function (blob) {
        if (!blob || blob.size > B.photo_max_bytes) throw new Error(t("Photo is too large even after resizing"));
        return blob;
      });
    });
  }

  main.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-act]");
    if (!button) return;
    var box = button.closest("[data-order]"), order = Number(box.dataset.order);
    var kind = button.dataset.act;
    if (kind === "pickup") act(order, "pickup", {});
    if (kind === "handoff") {
      var code = box.querySelector(".code-input").value.trim();
      if (!code) return notice(t("Enter the code the recipient reads out"));
      act(order, "handoff", { code: code });
    }
    if (kind === "fail") {
      var reason = box.querySelector(".reason").value, note = box.querySelector(".note").value.trim();
      if (reason === "other" && !note) return notice(t("Note needed for 'other'"));
      act(order, "fail", note ? { reason: reason, note: note } : { reason: reason });
    }
  });
  main.addEventListener("change", function (event) {
    var input = event.target;
    if (input.dataset.act !== "photo" || !input.files.length) return;
    var order = Number(input.closest("[data-order]").dataset.order);
    shrink(input.files[0]).then(function (blob) { return act(order, "handoff", {}, blob); })
      .catch(function (error) { notice(error.message); });
  });

  var declare = document.getElementById("declare");
  if (declare) declare.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = new FormData(declare), body = {};
    if (form.has("temperature_c")) body.temperature_c = Number(form.get("temperature_c"));
    if (declare.querySelector("[name=symptoms]")) body.symptoms = form.getAll("symptoms");
    ["mask", "sanitizer"].forEach(function (name) {
      if (declare.querySelector("[name=" + name + "]")) body[name] = form.has(name);
    });
    ["test_date", "test_result", "vaccination_status"].forEach(function (name) {
      if (form.has(name)) body[name] = form.get(name);
    });
    fetch("/v1/me/health-declarations", {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": B.csrf }
    }).then(function (answer) {
      return answer.json().then(function (reply) {
        if (!answer.ok) return notice(t("Refused:") + " " + reply.error.message);
        window.location.reload();
      });
    }, function () { online(false); notice(t("Offline: actions are saved and sent later")); });
  });
  document.getElementById("sign-out").addEventListener("submit", function () {
    localStorage.removeItem(ROUTE_KEY);
    if (window.caches) caches.delete("sd-shipper-pages");
  });

  if (navigator.geolocation) {
    navigator.geolocation.watchPosition(function (p) {
      state.position = { lat: +p.coords.latitude.toFixed(6), lon: +p.coords.longitude.toFixed(6) };
    }, function () {}, { enableHighAccuracy: true, maximumAge: 30000, timeout: 20000 });
  }
  window.addEventListener("online", function () { online(true); flush(); });
  window.addEventListener("offline", function () { online(false); });
  setInterval(flush, 20000);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/shipper/sw.js", { scope: "/shipper" });

  restore();
  queue.mine().then(function (items) { items.forEach(apply); state.waiting = items.length; render(); flush(); });
  render();
})();
