// Quick exit and the optional "send my location" button. The form works
// without any of this; nothing here talks to any server.
(function () {
  "use strict";

  var exit = document.getElementById("quick-exit");
  function leave() {
    // replace, not assign: the Back button must not bring this page back.
    document.body.style.visibility = "hidden";
    window.location.replace(exit ? exit.href : "https://www.google.com/");
  }
  if (exit) {
    exit.addEventListener("click", function (e) {
      e.preventDefault();
      leave();
    });
  }
  // Esc twice within a moment also leaves.
  var lastEsc = 0;
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" && e.key !== "Esc") return;
    var now = Date.now();
    if (now - lastEsc < 1500) leave();
    lastEsc = now;
  });

  var geo = document.getElementById("geo");
  var share = document.getElementById("share-location");
  var remove = document.getElementById("remove-location");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var status = document.getElementById("geo-status");
  if (!geo || !share || !lat || !lon || !status || !("geolocation" in navigator)) return;

  function refresh() {
    if (remove) remove.hidden = !lat.value;
  }
  geo.hidden = false;
  refresh();

  share.addEventListener("click", function () {
    status.textContent = geo.getAttribute("data-waiting");
    share.disabled = true;
    navigator.geolocation.getCurrentPosition(function (p) {
      lat.value = p.coords.latitude.toFixed(5);
      lon.value = p.coords.longitude.toFixed(5);
      status.textContent = geo.getAttribute("data-ok");
      share.disabled = false;
      refresh();
    }, function () {
      status.textContent = geo.getAttribute("data-failed");
      share.disabled = false;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
  if (remove) {
    remove.addEventListener("click", function () {
      lat.value = "";
      lon.value = "";
      status.textContent = "";
      refresh();
    });
  }
})();
