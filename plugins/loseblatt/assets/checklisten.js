/* Checklists: remember ticks in this browser (localStorage, per edition), show progress,
   reset, export to a file and import from one. Nothing is sent anywhere. */
(function () {
  "use strict";

  var FORMAT = "loseblatt-checklisten/1";


  var root = window.loseblatt.editionRoot().pathname;
  var edition = root.replace(/\/$/, "").split("/").pop() || "ausgabe";
  var KEY = "loseblatt:" + root + ":checklisten";

  function load() {
    return window.loseblatt.readJson(localStorage, KEY, {});
  }

  // Returns whether the ticks were stored, so that callers do not report success over a failure.
  function save(state) {
    try {
      localStorage.setItem(KEY, JSON.stringify(state));
      return true;
    } catch (e) {
      say("Die Haken konnten in diesem Browser nicht gespeichert werden.");
      return false;
    }
  }

  function say(text) {
    document.querySelectorAll(".lb-meldung").forEach(function (p) { p.textContent = text; });
  }

  function progressText(done, total) {
    return done + " von " + total + " erledigt";
  }

  function refresh() {
    var state = load();
    document.querySelectorAll("input[data-punkt]").forEach(function (box) {
      box.checked = state[box.getAttribute("data-punkt")] === true;
    });
    document.querySelectorAll("fieldset.lb-checkliste").forEach(function (fs) {
      var boxes = fs.querySelectorAll("input[data-punkt]");
      var done = 0;
      boxes.forEach(function (b) { if (b.checked) { done += 1; } });
      var p = fs.querySelector(".lb-fortschritt");
      if (p) { p.textContent = progressText(done, boxes.length); }
    });
    document.querySelectorAll("[data-lb-liste]").forEach(function (span) {
      var prefix = span.getAttribute("data-lb-liste") + "/";
      var total = parseInt(span.getAttribute("data-lb-gesamt"), 10) || 0;
      var done = Object.keys(state).filter(function (k) {
        return state[k] === true && k.indexOf(prefix) === 0 && k.split("/").length === prefix.split("/").length;
      }).length;
      span.textContent = "(" + progressText(Math.min(done, total), total) + ")";
    });
    // The report line of the overview: date and the edition's progress (for the minutes).
    document.querySelectorAll("[data-lb-bericht]").forEach(function (p) {
      var total = parseInt(p.getAttribute("data-lb-bericht"), 10) || 0;
      var done = Array.prototype.reduce.call(document.querySelectorAll("[data-lb-liste]"), function (sum, span) {
        var m = /\((\d+) von/.exec(span.textContent);
        return sum + (m ? parseInt(m[1], 10) : 0);
      }, 0);
      var day = new Date().toLocaleDateString("de-DE", { day: "numeric", month: "long", year: "numeric" });
      p.textContent = "Stand der Checklisten am " + day + ": " + done + " von " + total + " Punkten erledigt.";
      p.hidden = false;
    });
  }

  // Clearing asks first and can be undone: the council's work is never lost by one click.
  function clearTicks(ids, what) {
    var state = load();
    var removed = ids.filter(function (id) { return state[id] === true; });
    if (!removed.length) {
      say("Hier sind keine Haken gesetzt.");
      return;
    }
    var n = removed.length === 1 ? "1 Haken" : removed.length + " Haken";
    if (!window.confirm(n + " " + what + " löschen?")) { return; }
    removed.forEach(function (id) { delete state[id]; });
    if (!save(state)) { return; }
    refresh();
    say(n + " gelöscht.");
    offerUndo(undoClear(removed));
  }

  // «Rückgängig» beside the message: `restore` brings the ticks back and says so.
  function offerUndo(restore) {
    document.querySelectorAll(".lb-meldung").forEach(function (p) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button lb-rueckgaengig";
      button.textContent = "Rückgängig";
      button.addEventListener("click", restore);
      p.appendChild(document.createTextNode(" "));
      p.appendChild(button);
    });
  }

  function undoClear(removed) {
    return function () {
      var state = load();
      removed.forEach(function (id) { state[id] = true; });
      if (save(state)) {
        refresh();
        say("Die gelöschten Haken sind wieder gesetzt.");
      }
    };
  }


  function idsIn(container) {
    return Array.prototype.map.call(container.querySelectorAll("input[data-punkt]"), function (b) {
      return b.getAttribute("data-punkt");
    });
  }

  function exportState() {
    var data = { format: FORMAT, ausgabe: edition, exportiert: new Date().toISOString(), punkte: load() };
    var blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "checklisten-" + edition + "-" + new Date().toISOString().slice(0, 10) + ".json";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    say("Der Stand wurde als Datei gespeichert.");
  }

  var MAX_IMPORT = 1024 * 1024;  // a real export of every list is a few kilobytes

  function plural(n, one, many) { return n === 1 ? "1 " + one : n + " " + many; }

  // An import first shows what the file contains and what it would change; the reader then
  // merges (the default: ticks are only added) or replaces (ticks missing from the file are
  // cleared, and that can be undone).
  function importState(file, input) {
    if (file.size > MAX_IMPORT) {
      say("Die Datei ist zu groß (über 1 MB) und enthält keinen Stand von Checklisten.");
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var data;
      try { data = JSON.parse(reader.result); } catch (e) { data = null; }
      var punkte = data && typeof data === "object" && !Array.isArray(data) ? data.punkte : null;
      if (data === null || data.format !== FORMAT || !punkte || typeof punkte !== "object" || Array.isArray(punkte)) {
        say("Diese Datei enthält keinen Stand von Checklisten dieses Ordners.");
        return;
      }
      var ticked = Object.keys(punkte).filter(function (k) { return punkte[k] === true; }).sort();
      showImport(file.name, data, ticked, input);
    };
    reader.readAsText(file);
  }

  function showImport(name, data, ticked, input) {
    document.querySelectorAll(".lb-import-vorschau").forEach(function (old) { old.remove(); });
    var state = load();
    var lists = {};
    ticked.forEach(function (k) { lists[k.split("/").slice(0, 2).join("/")] = true; });
    var added = ticked.filter(function (k) { return state[k] !== true; });
    var wanted = {};
    ticked.forEach(function (k) { wanted[k] = true; });
    var dropped = Object.keys(state).filter(function (k) { return state[k] === true && !wanted[k]; });

    var box = document.createElement("div");
    box.className = "lb-import-vorschau";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Stand importieren");
    var what = document.createElement("p");
    var from = data.ausgabe ? ", Ausgabe „" + data.ausgabe + "“" + (data.ausgabe !== edition ? " (nicht diese Ausgabe)" : "") : "";
    var when = typeof data.exportiert === "string" && /^\d{4}-\d{2}-\d{2}/.test(data.exportiert)
      ? ", gespeichert am " + data.exportiert.slice(8, 10) + "." + data.exportiert.slice(5, 7) + "." + data.exportiert.slice(0, 4) : "";
    what.textContent = "Die Datei „" + name + "“" + from + when + " enthält " +
      plural(ticked.length, "erledigten Punkt", "erledigte Punkte") + " in " +
      plural(Object.keys(lists).length, "Checkliste", "Checklisten") + ". Davon " +
      (added.length === 1 ? "ist 1 hier noch nicht abgehakt" : "sind " + added.length + " hier noch nicht abgehakt") + "; " +
      (dropped.length === 1 ? "1 hier gesetzter Haken fehlt" : dropped.length + " hier gesetzte Haken fehlen") + " in der Datei.";
    box.appendChild(what);

    var fieldset = document.createElement("fieldset");
    var legend = document.createElement("legend");
    legend.textContent = "Wie übernehmen?";
    fieldset.appendChild(legend);
    var choices = [
      ["zusammenfuehren", "Zusammenführen: " + plural(added.length, "Haken", "Haken") + " hinzufügen, alle gesetzten Haken bleiben"],
      ["ersetzen", "Ersetzen: den Stand der Datei übernehmen, " + plural(dropped.length, "gesetzter Haken wird", "gesetzte Haken werden") + " gelöscht"]
    ];
    choices.forEach(function (choice, i) {
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "lb-import-art";
      radio.value = choice[0];
      radio.checked = i === 0;
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + choice[1]));
      fieldset.appendChild(label);
    });
    box.appendChild(fieldset);

    var ok = document.createElement("button");
    ok.type = "button";
    ok.className = "md-button md-button--primary";
    ok.textContent = "Übernehmen";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "md-button";
    cancel.textContent = "Abbrechen";
    box.appendChild(ok);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(cancel);

    cancel.addEventListener("click", function () {
      box.remove();
      say("Nichts importiert.");
      if (input) { input.focus(); }
    });
    ok.addEventListener("click", function () {
      var replace = fieldset.querySelector('input[value="ersetzen"]').checked;
      var before = load();
      var next = {};
      if (!replace) { Object.keys(before).forEach(function (k) { next[k] = before[k]; }); }
      ticked.forEach(function (k) { next[k] = true; });
      var nowAdded = ticked.filter(function (k) { return before[k] !== true; });
      var nowDropped = Object.keys(before).filter(function (k) { return before[k] === true && next[k] !== true; });
      box.remove();
      if (!save(next)) { return; }
      refresh();
      var other = data.ausgabe && data.ausgabe !== edition ? " (aus der Ausgabe „" + data.ausgabe + "“)" : "";
      if (replace) {
        say("Stand der Datei übernommen" + other + ": " + plural(nowAdded.length, "Haken", "Haken") + " hinzugefügt, " +
            plural(nowDropped.length, "Haken", "Haken") + " gelöscht.");
        if (nowDropped.length || nowAdded.length) { offerUndo(undoImport(before)); }
      } else {
        say(nowAdded.length + " erledigte Punkte hinzugefügt" + other + "; bereits gesetzte Haken bleiben erhalten.");
      }
    });

    var panel = input && input.closest("[data-lb-steuerung]");
    if (panel) { panel.appendChild(box); } else { document.querySelector(".lb-meldung").after(box); }
    fieldset.querySelector("input").focus();
  }

  // After «Ersetzen»: back to the ticks as they were before the import.
  function undoImport(before) {
    return function () {
      if (save(before)) {
        refresh();
        say("Der Stand vor dem Import ist wiederhergestellt.");
      }
    };
  }


  function setup() {
    document.querySelectorAll("fieldset.lb-checkliste").forEach(function (fs) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "lb-zuruecksetzen";
      var legend = fs.querySelector("legend");
      button.textContent = "Zurücksetzen";
      button.setAttribute("aria-label", "Haken zurücksetzen: " + (legend ? legend.textContent : "Checkliste"));
      button.addEventListener("click", function () {
        clearTicks(idsIn(fs), "der Checkliste „" + (legend ? legend.textContent.replace(/^Checkliste: /, "") : "") + "“");
      });
      fs.appendChild(button);
    });
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (box.matches && box.matches("input[data-punkt]")) {
        var state = load();
        if (box.checked) { state[box.getAttribute("data-punkt")] = true; } else { delete state[box.getAttribute("data-punkt")]; }
        save(state);
        refresh();
      } else if (box.matches && box.matches('input[data-lb-aktion="import"]') && box.files.length) {
        importState(box.files[0], box);
        box.value = "";
      }
    });
    document.querySelectorAll("[data-lb-steuerung]").forEach(function (panel) {
      panel.hidden = false;
      panel.querySelector('[data-lb-aktion="export"]').addEventListener("click", exportState);
      var printButton = panel.querySelector('[data-lb-aktion="drucken"]');
      if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
      panel.querySelector('[data-lb-aktion="reset"]').addEventListener("click", function () {
        if (panel.getAttribute("data-lb-steuerung") === "ausgabe") {
          clearTicks(Object.keys(load()), "aller Checklisten dieser Ausgabe");
        } else {
          clearTicks(idsIn(document), "aller Checklisten dieses Registers");
        }
      });
    });
    // Another tab of the same edition changed the ticks.
    window.addEventListener("storage", function (event) { if (event.key === KEY) { refresh(); } });
    refresh();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
