/* Progressive enhancements only: every page works without this file. */
(function () {
  "use strict";

  // "Use my location": asks the browser only when pressed, and rounds the position (about a mile).
  // Its messages come from the page (data-finding, data-found, data-failed), in the page's language.
  var button = document.querySelector("[data-use-location]");
  var field = document.getElementById("id_near");
  var status = document.querySelector("[data-location-status]");
  if (button && field && "geolocation" in navigator) {
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = status.getAttribute("data-finding");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          field.value = position.coords.latitude.toFixed(2) + "," + position.coords.longitude.toFixed(2);
          status.textContent = status.getAttribute("data-found");
          field.focus();
        },
        function () {
          status.textContent = status.getAttribute("data-failed");
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  }

  // Quick exit: also on Escape pressed twice; the neutral site replaces this page in the history.
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

  // Leave less history behind: where this script runs, going from one page of this site to another
  // (a link, or a search form sent with GET) replaces the current history entry instead of adding one,
  // so that after Quick exit a press of Back does not walk back through searches and answers.
  var ownPage = function (url) {
    return url.origin === window.location.origin && url.pathname.indexOf("/admin/") !== 0;
  };
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download") || link.hasAttribute("data-quick-exit") ||
        (link.target && link.target !== "_self")) { return; }
    var url = new URL(link.href, window.location.href);
    if (!ownPage(url)) { return; }
    if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) { return; }
    event.preventDefault();
    window.location.replace(url.href);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "get").toLowerCase() !== "get" ||
        (form.target && form.target !== "_self")) { return; }
    var url = new URL(form.action, window.location.href);
    if (!ownPage(url)) { return; }
    var data;
    try { data = new FormData(form, event.submitter); } catch (error) { data = new FormData(form); }
    url.search = new URLSearchParams(data).toString();
    event.preventDefault();
    window.location.replace(url.href);
  });

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
