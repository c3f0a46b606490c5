/* The edition switcher is Material's version selector, with three changes:
   - its button's accessible name contains the visible text and says what it does (WCAG 2.5.3);
   - on a sheet it leads to the corresponding sheet of the other edition (manifest.json,
     "kennung"), not to whatever has the same number there, and to a notice page where the
     other edition has no corresponding sheet;
   - it offers the way back to the chooser of all 16 Länder.
   Everything is read from this site; nothing is sent anywhere. */
(function () {
  "use strict";

  var editionRoot = window.loseblatt.editionRoot;

  function label() {
    // The search dialog needs an accessible name (axe: aria-dialog-name).
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (d) {
      d.setAttribute("aria-label", "Suche im Ordner");
    });
    document.querySelectorAll(".md-version__current").forEach(function (button) {
      var text = button.textContent.trim();
      var wanted = text + " – andere Ausgabe wählen";
      if (text && button.getAttribute("aria-label") !== wanted) {
        button.setAttribute("aria-label", wanted);
      }
    });
    document.querySelectorAll(".md-version__list").forEach(function (list) {
      if (list.querySelector(".lb-alle-laender")) { return; }
      var item = document.createElement("li");
      item.className = "md-version__item";
      var link = document.createElement("a");
      link.className = "md-version__link lb-alle-laender";
      link.href = new URL("../", editionRoot()).href;
      link.textContent = "Alle Länder (Auswahl)";
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  // Capture phase: decided before Material's own handler, which matches pages by address.
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest(".md-version__link") : null;
    if (!link || link.classList.contains("lb-alle-laender")) { return; }
    var root = editionRoot();
    var target = new URL(link.getAttribute("href"), location.href);
    var here = location.pathname.slice(root.pathname.length);
    ev.preventDefault();
    ev.stopImmediatePropagation();
    Promise.all([getJson(new URL("manifest.json", root)), getJson(new URL("manifest.json", target))])
      .then(function (both) {
        var mine = both[0], theirs = both[1];
        var sheet = mine.blaetter.find(function (e) { return e.url === here; });
        if (!sheet) {
          // Not a sheet (start page, register, site page): the same address where it exists.
          return fetch(new URL(here, target), { method: "HEAD" }).then(function (r) {
            location.href = r.ok ? new URL(here, target).href : target.href;
          });
        }
        var match = theirs.blaetter.find(function (e) { return e.kennung === sheet.kennung; });
        if (match) {
          location.href = new URL(match.url, target).href;
          return undefined;
        }
        var notice = new URL("fehlt/", target);
        notice.searchParams.set("blatt", sheet.blatt);
        notice.searchParams.set("titel", sheet.titel);
        notice.searchParams.set("von", mine.titel);
        notice.searchParams.set("register", String(sheet.register));
        if (sheet.kennung.indexOf(":") >= 0) { notice.searchParams.set("eigen", "1"); }
        location.href = notice.href;
        return undefined;
      })
      .catch(function () { location.href = target.href; });
  }, true);

  // The notice page: which sheet is missing, and the nearest register of this edition.
  function notice() {
    var box = document.querySelector("[data-lb-fehlt]");
    if (!box) { return; }
    var p = new URLSearchParams(location.search);
    var blatt = p.get("blatt"), titel = p.get("titel"), von = p.get("von");
    if (!blatt || !titel || !von) { return; }
    box.textContent = "Blatt " + blatt + " „" + titel + "“ aus der " + von +
      (p.get("eigen") ? " gibt es nur in der " + von + "." : " gibt es in dieser Ausgabe nicht.");
    var register = Number(p.get("register"));
    getJson(new URL("manifest.json", editionRoot())).then(function (m) {
      var any = m.blaetter.find(function (e) { return e.register === register; });
      var link = document.querySelector("[data-lb-fehlt-register]");
      if (any && link) {
        link.href = new URL(any.url.split("/")[0] + "/", editionRoot()).href;
        link.textContent = "Zu Register " + register + " dieser Ausgabe";
        link.hidden = false;
      }
    }).catch(function () { return undefined; });
  }

  // Glossary tooltips (loseblatt.css, lb-abk): Escape hides the open one (WCAG 1.4.13); it
  // shows again on the next focus or pointer.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    document.querySelectorAll("abbr.lb-abk:focus, abbr.lb-abk:hover").forEach(function (a) {
      a.classList.add("lb-abk--zu");
    });
  });
  ["focusout", "mouseout"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      var a = e.target.closest && e.target.closest("abbr.lb-abk");
      if (a) { a.classList.remove("lb-abk--zu"); }
    });
  });

  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
  label();
  notice();
})();
