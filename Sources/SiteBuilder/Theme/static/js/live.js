// dropgen's live script. Counts down to drop times and, between builds, keeps stock and state
// true: a product page polls its own /live/<slug>.json, a listing /live.json, every 10 s while
// the page is visible. It flips the state label, units left and the buy button at opening,
// closing and sell-out, on a clock corrected by the live file's Date header, and announces
// changes politely. No framework; the page reads correctly without it.
(function () {
  var LABELS = { scheduled: "Opening soon", early_access: "Early access", live: "Live now", sold_out: "Sold out",
    closed: "Closed", archived: "Archived" };
  // Drops that can still change before the shopper's eyes; closed and archived ones cannot.
  var drops = [].slice.call(document.querySelectorAll("[data-live]")).filter(function (el) {
    return !/^(closed|archived|draft)$/.test(el.getAttribute("data-state"));
  });
  var times = [].slice.call(document.querySelectorAll("time[data-countdown]"));
  if (!drops.length && !times.length) return;
  var own = drops.filter(function (el) { return el.tagName === "ARTICLE"; })[0];
  var reduce = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
  var offset = 0, timer, stopped = false, status;
  // The server's clock: a phone's own may be minutes off.
  function now() { return Date.now() + offset; }
  function at(el, name) { return Date.parse(el.getAttribute(name) || ""); }
  function span(ms) {
    var m = Math.ceil(ms / 60000), d = Math.floor(m / 1440), h = Math.floor(m % 1440 / 60), r = m % 60;
    return d ? d + " d " + h + " h" : h ? h + " h " + r + " min" : r + " min";
  }
  function scarcity(r, e) {
    if (r === 0) return e ? "Sold out · edition of " + e : "Sold out";
    if (r != null) return e ? r + " of " + e + " left" : r + " left";
    return e ? "Edition of " + e : "";
  }
  if (drops.length) {
    // Present before anything changes, or screen readers may not announce the change.
    status = document.createElement("p");
    status.setAttribute("aria-live", "polite");
    status.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)";
    document.body.appendChild(status);
  }
  // The state the clock says, from the last known one: drops open and close on time between builds.
  function advance(el, state, remaining) {
    var t = now(), opens = at(el, "data-opens"), early = at(el, "data-early");
    if (state === "scheduled" && early <= t && !(opens <= t)) state = remaining === 0 ? "sold_out" : "early_access";
    if ((state === "scheduled" || state === "early_access") && opens <= t) state = remaining === 0 ? "sold_out" : "live";
    if (state === "live" && at(el, "data-closes") <= t) state = "closed";
    return state;
  }
  function show(el, state, remaining) {
    var units = remaining == null ? "" : String(remaining);
    var wasState = el.getAttribute("data-state"), wasUnits = el.getAttribute("data-remaining") || "";
    if (state === wasState && units === wasUnits) return;
    el.setAttribute("data-state", state);
    el.setAttribute("data-remaining", units);
    var label = el.querySelector("[data-state-label]"), left = el.querySelector("[data-scarcity]");
    var buy = el.querySelector("[data-buy]"), link = buy && buy.querySelector("a");
    var title = el.querySelector("h1, h3"), news = [];
    if (label && state !== wasState) {
      label.textContent = LABELS[state] || state;
      label.className = "state state-" + state;
      news.push(label.textContent);
    }
    if (left && units !== wasUnits) {
      left.textContent = scarcity(remaining, +el.getAttribute("data-edition") || 0);
      news.push(left.textContent);
    }
    if (buy && link) {
      if (state === "live") {
        if (link.getAttribute("data-href")) link.href = link.getAttribute("data-href");
        link.textContent = "Buy now";
        buy.hidden = false;
      } else if (state === "early_access" && link.getAttribute("data-early-href")) {
        // A holder's personal page: the holders' checkout from the window's opening.
        link.href = link.getAttribute("data-early-href");
        link.textContent = "Buy with early access";
        buy.hidden = false;
      } else if (state !== "early_access") {
        buy.hidden = true;
      }
    }
    if (!reduce && el.animate) el.animate([{ backgroundColor: "#fdf0d5" }, { backgroundColor: "transparent" }], 1200);
    if (status && news.length) status.textContent = (title ? title.textContent + ": " : "") + news.join(", ");
  }
  function tick() {
    var t = now(), next = 60000;
    times.forEach(function (el) {
      var left = Date.parse(el.getAttribute("datetime")) - t;
      if (!el.dataset.abs) el.dataset.abs = el.textContent;
      if (left > 0) {
        el.textContent = "in " + span(left) + " (" + el.dataset.abs + ")";
        next = Math.min(next, left % 60000 || 60000, left);
      } else {
        el.textContent = el.dataset.abs;
      }
    });
    drops.forEach(function (el) {
      var r = el.getAttribute("data-remaining"), units = r === "" || r == null ? null : +r;
      show(el, advance(el, el.getAttribute("data-state"), units), units);
      // Wake at the drop's next instant too: a card may show no countdown.
      ["data-early", "data-opens", "data-closes"].forEach(function (name) {
        var left = at(el, name) - t;
        if (left > 0) next = Math.min(next, left);
      });
    });
    setTimeout(tick, Math.max(next, 250));
  }
  function update(el, entry) {
    if (entry && typeof entry.state === "string") show(el, advance(el, entry.state, entry.remaining), entry.remaining);
  }
  function poll() {
    clearTimeout(timer);
    if (stopped || document.hidden) return;
    var sent = Date.now();
    // no-cache: revalidated at the edge every time, so the Date header is the edge's now.
    fetch(own ? "/live/" + own.getAttribute("data-live") + ".json" : "/live.json", { cache: "no-cache", credentials: "omit" })
      .then(function (res) {
        var date = Date.parse(res.headers.get("Date") || "");
        var age = +(res.headers.get("Age") || 0);
        if (date) offset = date + 500 + age * 1000 - (sent + Date.now()) / 2;
        // No live file: the drop can no longer change (closed, archived).
        if (res.status === 404) stopped = true;
        if (!res.ok) return;
        return res.json().then(function (data) {
          if (own) update(own, data);
          else drops.forEach(function (el) { update(el, data.drops && data.drops[el.getAttribute("data-live")]); });
        });
      })
      .catch(function () {})
      .then(function () { if (!stopped) timer = setTimeout(poll, 10000); });
  }
  tick();
  if (drops.length && window.fetch) {
    document.addEventListener("visibilitychange", function () { if (document.hidden) clearTimeout(timer); else poll(); });
    poll();
  }
})();
