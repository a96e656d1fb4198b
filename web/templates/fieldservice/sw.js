/* ispbill technician app service worker ({{ version }}): the app shell cache-first, pages network-first
   with the last good copy as the fallback offline, the API never cached. */
const SHELL = "fs-shell-{{ version }}";
const PAGES = "fs-pages";
const ASSETS = {{ assets|safe }};
const HOME = "{{ home }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("fs-shell-") && key !== SHELL).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)));
    return;
  }
  if (!url.pathname.startsWith(HOME) || url.pathname.startsWith(HOME + "api/") || url.pathname.endsWith("sw.js")) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected && response.type === "basic") {
          const copy = response.clone();
          caches.open(PAGES).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.open(PAGES).then((cache) => cache.match(request.url, { ignoreVary: true }).then((hit) => hit || cache.match(HOME, { ignoreVary: true }))))
      .then((response) => response || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } }))
  );
});

// Background Sync (Chromium): ask the open pages to replay their queue; they hold the session's CSRF token.
self.addEventListener("sync", (event) => {
  if (event.tag !== "fs-sync") return;
  event.waitUntil(self.clients.matchAll({ includeUncontrolled: true }).then((clients) => clients.forEach((client) => client.postMessage("flush"))));
});
