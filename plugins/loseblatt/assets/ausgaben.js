/* The edition switcher is Material's version selector. Its button shows the edition's name;
   its accessible name must contain that visible text (WCAG 2.5.3) and say what it does. */
(function () {
  "use strict";
  function label() {
    document.querySelectorAll(".md-version__current").forEach(function (button) {
      var text = button.textContent.trim();
      var wanted = text + " – andere Ausgabe wählen";
      if (text && button.getAttribute("aria-label") !== wanted) {
        button.setAttribute("aria-label", wanted);
      }
    });
  }
  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
  label();
})();
