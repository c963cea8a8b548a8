{% autoescape off %}/* The portal's service worker (portal/keep.py): keeps the Saved page and its files for use offline.
   It stores nothing else: searches and listings always come from the network. */
"use strict";
var CACHE = "{{ cache_name }}";
var PAGES = {{ pages_json }};
var ASSETS = {{ assets_json }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(PAGES.concat(ASSETS));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("portal-offline-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function savedPageFor(url) {
  // The Saved page in the language of the address asked for (/es/... is Spanish).
  var spanish = PAGES.filter(function (page) { return page.indexOf("/es/") === 0; })[0];
  return url.pathname.indexOf("/es/") === 0 && spanish ? spanish : PAGES[0];
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (PAGES.indexOf(url.pathname) !== -1) {
    // The Saved page: fresh from the network when there is one (and kept), else the kept copy.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () { return caches.match(url.pathname); }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname).then(function (kept) { return kept || fetch(request); }));
    return;
  }
  if (request.mode === "navigate") {
    // Any other page without a connection: the Saved page, with the crisis lines.
    event.respondWith(fetch(request).catch(function () { return caches.match(savedPageFor(url)); }));
  }
});
{% endautoescape %}
