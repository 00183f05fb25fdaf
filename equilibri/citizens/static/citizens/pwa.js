/* The installable web app: registers the service worker (which keeps the person's pages for
   offline reading), hands it the saved services to keep, and offers "Installa l'app" where the
   browser allows it. Nothing here is needed to use the site. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }
  var script = document.querySelector("script[data-service-worker]");
  if (!script) { return; }
  navigator.serviceWorker.register(script.getAttribute("data-service-worker"), { scope: "/" })
    .catch(function () { /* no worker: the site works as before */ });

  function keepSaved() {
    var links = document.querySelectorAll("a[data-offline]");
    if (!links.length || !navigator.serviceWorker.controller) { return; }
    navigator.serviceWorker.controller.postMessage({
      keep: Array.prototype.map.call(links, function (link) { return link.getAttribute("href"); })
    });
  }
  navigator.serviceWorker.ready.then(function () {
    if (navigator.serviceWorker.controller) { keepSaved(); }
    else { navigator.serviceWorker.addEventListener("controllerchange", keepSaved); }
  });

  var prompt = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    prompt = event;
    document.querySelectorAll("[data-install-app]").forEach(function (button) {
      button.hidden = false;
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-install-app]");
    if (!button || !prompt) { return; }
    prompt.prompt();
    prompt = null;
    button.hidden = true;
  });
})();
