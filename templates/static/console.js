// The console works without this file. With it: the queue updates itself
// when cases change (server-sent events), and canned replies fill the box.
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
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("[data-canned]") : null;
    if (!b) { return; }
    var box = document.getElementById("reply-body");
    if (box) { box.value = b.getAttribute("data-canned"); box.focus(); }
  });
})();
