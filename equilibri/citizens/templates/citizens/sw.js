/* Equilibri's service worker (the installable web app).
   - The shell (the offline page and the site's styles, scripts and fonts) is kept at install;
     other static files are kept the first time they are loaded.
   - The person's own pages (personal area, appointments) are fetched from the network first
     and a copy is kept each time, so they can be read without a connection; the personal area
     also hands over the saved services' pages to keep. Without a connection a page that was
     never kept shows the offline page.
   - Signing out (or a session that expired: the page answers with the login) deletes the
     person's pages: on a shared device nobody else reads them offline. */
"use strict";
var CONFIG = {{ config|safe }};
var SHELL = "equilibri-shell-" + CONFIG.version;
var PERSONAL = "equilibri-personal";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(CONFIG.shell); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("equilibri-shell-") === 0 && key !== SHELL;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isPersonal(url) {
  return CONFIG.pages.indexOf(url.pathname) !== -1;
}

function keep(cacheName, key, response) {
  var copy = response.clone();
  return caches.open(cacheName).then(function (cache) { return cache.put(key, copy); });
}

self.addEventListener("message", function (event) {
  // The personal area names the saved services' pages to keep (same origin only).
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(PERSONAL).then(function (cache) {
    return Promise.all(urls.map(function (href) {
      var url = new URL(href, self.location.origin);
      if (url.origin !== self.location.origin) { return null; }
      return fetch(url.pathname, { credentials: "same-origin" }).then(function (response) {
        return response.ok && !response.redirected ? cache.put(url.pathname, response) : null;
      }).catch(function () { return null; });
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === CONFIG.logout) {
    event.waitUntil(caches.delete(PERSONAL));
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(function (response) {
        if (isPersonal(url)) {
          if (response.redirected) {
            caches.delete(PERSONAL);  // signed out: the login answered instead
          } else if (response.ok) {
            keep(PERSONAL, url.pathname, response);
          }
        }
        return response;
      }).catch(function () {
        return caches.match(url.pathname, { ignoreSearch: true, ignoreVary: true }).then(function (kept) {
          return kept || caches.match(CONFIG.offline);
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf(CONFIG.static) === 0) {
    event.respondWith(
      caches.match(request).then(function (kept) {
        return kept || fetch(request).then(function (response) {
          if (response.ok) { keep(SHELL, request, response); }
          return response;
        });
      })
    );
  }
});
