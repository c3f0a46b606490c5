/* Helpers shared by the site's scripts (loaded first): where this edition's root is, and
   reading JSON kept in the browser. Nothing is sent anywhere. */
window.loseblatt = (function () {
  "use strict";

  // The edition's root as a URL: Material's page configuration names it relative to the page.
  function editionRoot() {
    var base = ".";
    var el = document.getElementById("__config");
    if (el) {
      try { base = JSON.parse(el.textContent).base || "."; } catch (e) { base = "."; }
    }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  // An object kept under `key` in localStorage or sessionStorage, or `fallback`.
  function readJson(store, key, fallback) {
    try {
      var value = JSON.parse(store.getItem(key) || "null");
      return value && typeof value === "object" ? value : fallback;
    } catch (e) {
      return fallback;
    }
  }

  return { editionRoot: editionRoot, readJson: readJson };
})();
