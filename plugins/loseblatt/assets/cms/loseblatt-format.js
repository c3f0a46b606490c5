// «Kommune beugt vor!»: the file format of sheets for Decap CMS, written for round-trip fidelity.
//
// Decap's own front-matter format re-serialises the whole YAML head (order, quotes, list style)
// and would turn every save into a reformatting diff. This format keeps the file's own lines: a
// key whose value did not change keeps its line byte for byte, a changed key gets one new line in
// the style the loader expects, new keys go to their place in the field order, and the body is
// written exactly as edited. Sheets' front matter is one line per key (the loader's own shape).
(function (root) {
  "use strict";

  // From the field table (core/fields.py), filled in by loseblatt/cms.py: the order new keys are
  // inserted in; keys kept as text exactly as written (YAML would read 2.10 as 2.1); keys always
  // written in double quotes (sheet numbers).
  var ORDER = __ORDER__;
  var RAW = __RAW__;
  var QUOTED = __QUOTED__;
  var INTERNAL = /^__lb_/;
  var LINE = /^([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+(.*))?$/;

  function unquoteDouble(text) {
    // YAML double-quoted scalars as editors write them are JSON strings.
    try {
      return JSON.parse(text);
    } catch (e) {
      return text.slice(1, -1);
    }
  }

  function scalar(text, raw) {
    text = text.replace(/[ \t]+#.*$/, "").trim();
    if (text.length >= 2 && text[0] === '"' && text[text.length - 1] === '"') return unquoteDouble(text);
    if (text.length >= 2 && text[0] === "'" && text[text.length - 1] === "'") return text.slice(1, -1).replace(/''/g, "'");
    if (raw) return text;
    if (text === "true") return true;
    if (text === "false") return false;
    if (/^[0-9]+$/.test(text)) return parseInt(text, 10);
    return text;
  }

  function splitFlow(inner) {
    var items = [];
    var current = "";
    var quote = null;
    for (var i = 0; i < inner.length; i++) {
      var c = inner[i];
      if (quote) {
        current += c;
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") {
        quote = c;
        current += c;
      } else if (c === ",") {
        items.push(current);
        current = "";
      } else {
        current += c;
      }
    }
    if (current.trim() !== "") items.push(current);
    return items.map(function (x) {
      return scalar(x, true);
    });
  }

  function value(text, key) {
    var t = (text || "").trim();
    if (t[0] === "[" && t[t.length - 1] === "]") return splitFlow(t.slice(1, -1));
    if (t === "") return "";
    return scalar(t, !!RAW[key]);
  }

  function parse(content) {
    var lines = content.split("\n");
    if (lines[0].replace(/\r$/, "") !== "---") {
      return { body: content, __lb_kopf: JSON.stringify(null), __lb_art: "ohne" };
    }
    var end = -1;
    for (var i = 1; i < lines.length; i++) {
      var l = lines[i].replace(/\r$/, "");
      if (l === "---" || l === "...") {
        end = i;
        break;
      }
    }
    if (end < 0) return { body: content, __lb_kopf: JSON.stringify(null), __lb_art: "ohne" };
    var head = lines.slice(1, end);
    var data = {};
    var entries = [];
    head.forEach(function (line) {
      var m = LINE.exec(line);
      if (m && !(m[1] in data)) {
        data[m[1]] = value(m[2], m[1]);
        entries.push({ key: m[1], line: line, value: data[m[1]] });
      } else {
        entries.push({ key: null, line: line });
      }
    });
    data.body = lines.slice(end + 1).join("\n");
    data.__lb_kopf = JSON.stringify({ open: lines[0], close: lines[end], entries: entries });
    data.__lb_art = "register" in data ? "register" : "blatt";
    return data;
  }

  function empty(v) {
    return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
  }

  function same(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
      for (var i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
      return true;
    }
    if (typeof a === "number" || typeof b === "number") return Number(a) === Number(b);
    return a === b;
  }

  var PLAIN_UNSAFE = /^[\s\-?:,\[\]{}#&*!|>'"%@`]|: |\s#|\s$|^(true|false|null|yes|no|on|off|~)$|^[0-9.+\-]+$/i;

  function text(v, flow) {
    var s = String(v);
    if (s === "" || PLAIN_UNSAFE.test(s) || (flow && /[,\[\]{}]/.test(s))) return JSON.stringify(s);
    return s;
  }

  function render(key, v) {
    if (Array.isArray(v)) {
      return key + ": [" + v.map(function (x) {
        return text(x, true);
      }).join(", ") + "]";
    }
    if (typeof v === "boolean") return key + ": " + (v ? "true" : "false");
    if (typeof v === "number") return key + ": " + String(Math.trunc(v));
    if (QUOTED[key]) return key + ": " + JSON.stringify(String(v));
    if (key === "stand") return key + ": " + String(v);
    return key + ": " + text(v, false);
  }

  function format(data) {
    var kopf = data.__lb_kopf ? JSON.parse(data.__lb_kopf) : null;
    var body = data.body === undefined || data.body === null ? "" : String(data.body);
    var keys = Object.keys(data).filter(function (k) {
      return k !== "body" && !INTERNAL.test(k);
    });
    if (kopf === null && !keys.some(function (k) { return !empty(data[k]); })) return body;
    var out = [];
    var written = {};
    var entries = kopf ? kopf.entries : [];
    entries.forEach(function (e) {
      if (e.key === null) {
        out.push({ key: null, line: e.line });
        return;
      }
      written[e.key] = true;
      var now = data[e.key];
      if (empty(now)) return; // emptied in the form: the key goes
      out.push({ key: e.key, line: same(now, e.value) ? e.line : render(e.key, now) });
    });
    // New keys: after the nearest key that precedes them in the field order.
    var extra = ORDER.concat(keys.filter(function (k) { return ORDER.indexOf(k) < 0; }));
    extra.forEach(function (key) {
      // An unticked checkbox the file never had is no new key (the form's default is false).
      if (written[key] || empty(data[key]) || data[key] === false) return;
      var rank = ORDER.indexOf(key);
      var at = rank < 0 ? out.length : 0;
      for (var i = 0; rank >= 0 && i < out.length; i++) {
        var r = ORDER.indexOf(out[i].key);
        if (out[i].key !== null && r >= 0 && r < rank) at = i + 1;
      }
      out.splice(at, 0, { key: key, line: render(key, data[key]) });
      written[key] = true;
    });
    var open = kopf ? kopf.open : "---";
    var close = kopf ? kopf.close : "---";
    return [open].concat(out.map(function (e) { return e.line; }), [close]).join("\n") + "\n" + body;
  }

  var api = { fromFile: parse, toFile: format };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (root && root.CMS) root.CMS.registerCustomFormat("loseblatt", "md", api);
})(typeof window !== "undefined" ? window : null);
