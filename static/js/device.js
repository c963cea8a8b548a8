/* What happens only on the visitor's device, never sent to the server: the list of saved programs
   and meetings (localStorage: no cookie), sharing a page's address, the service worker that opens
   the Saved page offline, and online meetings' times in the visitor's own time zone. */
(function () {
  "use strict";
  var KEY = "portal.saved.v1";

  function storage() {
    try {
      var test = "portal.test";
      window.localStorage.setItem(test, test);
      window.localStorage.removeItem(test);
      return window.localStorage;
    } catch (error) {
      return null;  // storage off (some private modes): the page keeps saying saving is not possible
    }
  }

  function readList(store) {
    try {
      var list = JSON.parse(store.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }

  function writeList(store, list) {
    store.setItem(KEY, JSON.stringify(list));
  }

  function indexOf(list, url) {
    for (var i = 0; i < list.length; i += 1) {
      if (list[i].url === url) { return i; }
    }
    return -1;
  }

  function showJsParts(root) {
    root.querySelectorAll("[data-keep-nojs]").forEach(function (note) { note.hidden = true; });
  }

  // "Save on this device" on a program's or a meeting's page.
  function setUpSave(store) {
    var box = document.querySelector("[data-keep]");
    if (!box || !store) { return; }
    var button = box.querySelector("[data-keep-save]");
    var entry = {
      kind: box.getAttribute("data-keep-kind"),
      url: box.getAttribute("data-keep-url"),
      name: box.getAttribute("data-keep-name"),
      lines: (box.getAttribute("data-keep-lines") || "").split("\n").filter(Boolean),
      tel: box.getAttribute("data-keep-tel") || "",
      phone: box.getAttribute("data-keep-phone") || ""
    };
    function show() {
      var saved = indexOf(readList(store), entry.url) !== -1;
      button.setAttribute("aria-pressed", saved ? "true" : "false");
      button.textContent = box.getAttribute(saved ? "data-label-saved" : "data-label-save");
    }
    button.addEventListener("click", function () {
      var list = readList(store);
      var at = indexOf(list, entry.url);
      if (at === -1) { list.push(entry); } else { list.splice(at, 1); }
      writeList(store, list);
      show();
    });
    show();
    button.hidden = false;
    showJsParts(box);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  // The Saved page: the list, drawn from this browser's storage only.
  function setUpSavedPage(store) {
    var page = document.querySelector("[data-saved]");
    if (!page || !store) { return; }
    var list = page.querySelector("[data-saved-list]");
    var empty = page.querySelector("[data-saved-empty]");
    function draw() {
      var entries = readList(store);
      list.textContent = "";
      empty.hidden = entries.length > 0;
      entries.forEach(function (entry) {
        var item = element("li", "saved-item");
        var heading = element("h2", "saved-name");
        var link = element("a", "", entry.name);
        link.href = entry.url;
        heading.appendChild(link);
        item.appendChild(heading);
        item.appendChild(element("p", "hint", page.getAttribute(entry.kind === "meeting" ? "data-label-meeting" : "data-label-program")));
        (entry.lines || []).forEach(function (line) { item.appendChild(element("p", "saved-line", line)); });
        if (entry.tel && /^tel:[+0-9;=a-z]+$/i.test(entry.tel)) {
          var call = element("a", "call", page.getAttribute("data-label-call").replace("%(phone)s", entry.phone));
          call.href = entry.tel;
          var callLine = element("p");
          callLine.appendChild(call);
          item.appendChild(callLine);
        }
        var remove = element("button", "secondary no-print", page.getAttribute("data-label-remove"));
        remove.type = "button";
        var hidden = element("span", "visually-hidden", " " + entry.name);
        remove.appendChild(hidden);
        remove.addEventListener("click", function () {
          var current = readList(store);
          var at = indexOf(current, entry.url);
          if (at !== -1) { current.splice(at, 1); writeList(store, current); }
          draw();
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
    }
    draw();
    showJsParts(page);
    window.addEventListener("storage", draw);  // saved or removed in another tab
  }

  // Share: the system share sheet where there is one; otherwise a "Copy link" button beside the
  // text message and email links (which work without JavaScript). Only the address is shared.
  function setUpShare() {
    var box = document.querySelector("[data-share]");
    if (!box) { return; }
    var url = box.getAttribute("data-share-url");
    var links = box.querySelector(".share-links");
    if (navigator.share) {
      var share = element("button", "secondary", box.getAttribute("data-label-share"));
      share.type = "button";
      share.addEventListener("click", function () {
        navigator.share({ url: url }).catch(function () { /* closed without sharing */ });
      });
      var line = element("p");
      line.appendChild(share);
      box.insertBefore(line, links);
      links.hidden = true;
    } else if (navigator.clipboard && navigator.clipboard.writeText) {
      var copy = element("button", "secondary", box.getAttribute("data-label-copy"));
      copy.type = "button";
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(function () {
          copy.textContent = box.getAttribute("data-label-copied");
        });
      });
      links.appendChild(document.createTextNode(" "));
      links.appendChild(copy);
    }
  }

  // Online meetings: the time in the visitor's own time zone, beside the meeting's own, when they differ.
  function zoneOffsetMinutes(zone, date) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    }).formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    var wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
    return { offset: (wall - date.getTime()) / 60000, year: +parts.year, month: +parts.month, day: +parts.day };
  }

  function setUpLocalTimes() {
    if (!window.Intl || !Intl.DateTimeFormat) { return; }
    var own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var language = document.documentElement.lang || "en";
    document.querySelectorAll("[data-local-time]").forEach(function (node) {
      var zone = node.getAttribute("data-zone");
      if (!own || !zone || own === zone) { return; }
      var start, options;
      try {
        if (node.hasAttribute("data-start")) {
          start = new Date(node.getAttribute("data-start"));
          options = { weekday: "long", hour: "numeric", minute: "2-digit", timeZoneName: "long" };
        } else {
          // Today's date in the meeting's zone, at its clock time, as an instant.
          var clock = (node.getAttribute("data-time") || "").split(":");
          var today = zoneOffsetMinutes(zone, new Date());
          var guess = Date.UTC(today.year, today.month - 1, today.day, +clock[0], +clock[1]);
          start = new Date(guess - zoneOffsetMinutes(zone, new Date(guess)).offset * 60000);
          options = { hour: "numeric", minute: "2-digit", timeZoneName: "long" };
        }
        if (isNaN(start.getTime())) { return; }
        var theirs = zoneOffsetMinutes(zone, start).offset;
        var mine = -start.getTimezoneOffset();
        if (theirs === mine) { return; }  // the same clock: nothing to add
        node.textContent = node.getAttribute("data-label").replace("%(time)s", new Intl.DateTimeFormat(language, options).format(start));
        node.hidden = false;
      } catch (error) {
        /* an unknown zone: the meeting's own time stays */
      }
    });
  }

  var store = storage();
  setUpSave(store);
  setUpSavedPage(store);
  setUpShare();
  setUpLocalTimes();
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* offline page unavailable */ });
  }
})();
