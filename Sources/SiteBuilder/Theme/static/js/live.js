// Turns absolute drop times into "in 2 h 13 min (Fri 4 Dec, 18:00)" and flips the state label
// at the exact second, without a rebuild. Pages read correctly without it.
(function () {
  var els = document.querySelectorAll("time[data-countdown]");
  if (!els.length) return;
  var label = document.querySelector("[data-state-label]");
  function span(ms) {
    var m = Math.ceil(ms / 60000), d = Math.floor(m / 1440), h = Math.floor(m % 1440 / 60), r = m % 60;
    return d ? d + " d " + h + " h" : h ? h + " h " + r + " min" : r + " min";
  }
  function tick() {
    var now = Date.now(), next = 60000;
    els.forEach(function (el) {
      var at = Date.parse(el.getAttribute("datetime")), kind = el.getAttribute("data-countdown"), left = at - now;
      if (!el.dataset.abs) el.dataset.abs = el.textContent;
      if (left > 0) {
        el.textContent = "in " + span(left) + " (" + el.dataset.abs + ")";
        next = Math.min(next, left % 60000 || 60000, left);
      } else if (label && label.textContent !== "Sold out") {
        el.textContent = el.dataset.abs;
        if (kind === "opens" && /^(Opening soon|Early access)$/.test(label.textContent)) label.textContent = "Live now";
        if (kind === "closes") label.textContent = "Closed";
      }
    });
    setTimeout(tick, Math.max(next, 250));
  }
  tick();
})();
