/* Progressive enhancements only: every page works without this file. */
(function () {
  "use strict";

  // "Use my location": asks the browser only when pressed, and rounds the position (about a mile).
  var button = document.querySelector("[data-use-location]");
  var field = document.getElementById("id_near");
  var status = document.querySelector("[data-location-status]");
  if (button && field && "geolocation" in navigator) {
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Finding your location…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          field.value = position.coords.latitude.toFixed(2) + "," + position.coords.longitude.toFixed(2);
          status.textContent = "Location found. Press Search to see what is near you.";
          field.focus();
        },
        function () {
          status.textContent = "We could not get your location. Type a ZIP code or city instead.";
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  }

  // Quick exit: also on Escape pressed twice, and replace this page in the history.
  var exit = document.querySelector("[data-quick-exit]");
  if (exit) {
    var leave = function (event) {
      if (event) { event.preventDefault(); }
      window.location.replace(exit.href);
    };
    exit.addEventListener("click", leave);
    var last = 0;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var now = Date.now();
      if (now - last < 800) { leave(); }
      last = now;
    });
  }

  // On a wide screen the search form has room beside the results: unfold it.
  var panel = document.querySelector("[data-search-panel]");
  if (panel && window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    panel.open = true;
  }

  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
