/* Small helpers of a reader's visit. «Text kopieren» copies a template. «Neu seit Ihrem letzten Besuch»: sheets that are new or changed since this browser last
   visited the edition get a marker beside their links and in their head. What was seen is kept
   in this browser only (localStorage, per edition: the address and hash of every sheet from
   manifest.json); nothing is sent anywhere. A visit lasts as long as the browser tab (the
   previous state is held in sessionStorage), so the markers stay while you read. */
(function () {
  "use strict";


  var root = window.loseblatt.editionRoot().pathname;
  var KEY = "loseblatt:" + root + ":besuch";
  var BEFORE = KEY + ":vorher";

  function read(store, key) {
    return window.loseblatt.readJson(store, key, null);
  }

  function marker(kind) {
    var span = document.createElement("span");
    span.className = "lb-neu-marke";
    span.textContent = kind === "neu" ? "neu seit Ihrem letzten Besuch" : "geändert seit Ihrem letzten Besuch";
    return span;
  }

  function show(manifest) {
    var current = {};
    (manifest.blaetter || []).forEach(function (s) { current[s.url] = s.sha256; });
    var before = read(sessionStorage, BEFORE);
    if (!before) {
      // First page of this visit: remember what the last visit saw, then record this one.
      before = read(localStorage, KEY) || { erster: true };
      try {
        sessionStorage.setItem(BEFORE, JSON.stringify(before));
        localStorage.setItem(KEY, JSON.stringify({ blaetter: current }));
      } catch (e) { /* storage off: no markers */ }
    }
    if (before.erster || !before.blaetter) {
      return;
    }
    var changed = {};
    Object.keys(current).forEach(function (url) {
      if (before.blaetter[url] !== current[url]) {
        changed[url] = before.blaetter[url] === undefined ? "neu" : "geaendert";
      }
    });
    document.querySelectorAll(".md-content a[href]").forEach(function (a) {
      var target = new URL(a.getAttribute("href"), location.href);
      if (target.origin !== location.origin || target.pathname.indexOf(root) !== 0) {
        return;
      }
      var kind = changed[target.pathname.slice(root.length)];
      if (kind && !(a.nextElementSibling && a.nextElementSibling.className === "lb-neu-marke")) {
        a.insertAdjacentElement("afterend", marker(kind));
      }
    });
    var here = changed[location.pathname.slice(root.length)];
    var head = document.querySelector(".lb-kopf");
    if (here && head) {
      head.appendChild(marker(here));
    }
  }

  // «Text kopieren» under a template (render/web/vorlagen.py): the text block just before it.
  document.querySelectorAll('[data-lb-aktion="vorlage-kopieren"]').forEach(function (button) {
    var para = button.closest("p");
    var block = para && para.previousElementSibling;
    var code = block && (block.matches("pre") ? block : block.querySelector("pre"));
    if (!code || !navigator.clipboard) {
      button.hidden = true;
      return;
    }
    var label = button.firstChild;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent.replace(/\n$/, "")).then(function () {
        label.textContent = "Kopiert";
        setTimeout(function () { label.textContent = "Text kopieren"; }, 2000);
      }, function () {
        label.textContent = "Kopieren nicht möglich";
      });
    });
  });

  if (!window.fetch) {
    return;
  }
  fetch(root + "manifest.json")
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (manifest) { if (manifest) { show(manifest); } })
    .catch(function () { /* no manifest (a preview without it): no markers */ });
})();
