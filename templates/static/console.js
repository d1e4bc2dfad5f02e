// The console works without this file. With it: the queue and the case page
// update themselves when cases change (server-sent events), and canned
// replies fill the box without a round trip.
(function () {
  "use strict";
  var queue = document.getElementById("queue");
  if (queue && window.EventSource && window.fetch && window.DOMParser) {
    var status = document.getElementById("live-status");
    var busy = false, again = false;
    var reload = function (changed) {
      if (busy) { again = true; return; }
      busy = true;
      fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("queue"), counts = doc.querySelector(".counts");
          if (!fresh) { return; }
          queue.innerHTML = fresh.innerHTML;
          var old = document.querySelector(".counts");
          if (old && counts) { old.innerHTML = counts.innerHTML; }
          changed.forEach(function (id) {
            var row = queue.querySelector('tr[data-case="' + id + '"]');
            if (row) { row.classList.add("fresh"); }
          });
        })
        .catch(function () {})
        .then(function () { busy = false; if (again) { again = false; reload([]); } });
    };
    var es = new EventSource("/console/events");
    es.addEventListener("open", function () { if (status) { status.textContent = status.dataset.live || "●"; } });
    es.addEventListener("cases", function (e) {
      reload(e.data ? e.data.split(",") : []);
    });
  }
  // The case page: when the case changes, fetch the page again and swap in
  // the parts marked data-live, leaving what staff are typing alone.
  var live = document.querySelector("[data-case-events]");
  if (live && window.EventSource && window.fetch && window.DOMParser) {
    var cstatus = document.getElementById("live-status");
    var cbusy = false, cagain = false;
    var refresh = function () {
      if (cbusy) { cagain = true; return; }
      cbusy = true;
      fetch(location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var parts = document.querySelectorAll("[data-live]");
          for (var i = 0; i < parts.length; i++) {
            var name = parts[i].getAttribute("data-live");
            var fresh = doc.querySelector('[data-live="' + name + '"]');
            if (fresh) { parts[i].innerHTML = fresh.innerHTML; }
          }
          if (cstatus) { cstatus.textContent = cstatus.getAttribute("data-updated") || ""; }
        })
        .catch(function () {})
        .then(function () { cbusy = false; if (cagain) { cagain = false; refresh(); } });
    };
    var ces = new EventSource(live.getAttribute("data-case-events"));
    ces.addEventListener("case", refresh);
  }
  // A ready reply's button fills the box here instead of asking the server.
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("[data-canned]") : null;
    if (!b) { return; }
    var box = document.getElementById("reply-body");
    if (!box) { return; }
    e.preventDefault();
    box.value = b.getAttribute("data-canned");
    box.focus();
  });
})();
