/* Offline support for /shipper: the page is fetched network-first and kept as a fallback;
   its CSS and JS (their URLs carry a content hash) are served from the cache once fetched.
   API calls are not touched: the page queues its actions itself. */
"use strict";
var PAGES = "sd-shipper-pages";
var ASSETS = "sd-shipper-assets";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/shipper") event.respondWith(networkFirst(request));
  else if (/^\/static\/shipper\.(js|css)$/.test(url.pathname)) event.respondWith(cacheFirst(request));
});

function networkFirst(request) {
  return fetch(request).then(function (answer) {
    if (answer.ok) {
      var copy = answer.clone();
      caches.open(PAGES).then(function (cache) { cache.put("/shipper", copy); });
    }
    return answer;
  }, function () {
    return caches.match("/shipper").then(function (cached) {
      return cached || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
  });
}

function cacheFirst(request) {
  return caches.open(ASSETS).then(function (cache) {
    return cache.match(request).then(function (cached) {
      if (cached) return cached;
      return fetch(request).then(function (answer) {
        if (answer.ok) cache.put(request, answer.clone());
        return answer;
      });
    });
  });
}
