// The declaration form's running total: the sum of the four funding
// sources, added exactly in millionths of 万元 (BigInt), never in floats,
// shown next to the declared 合计. Nothing else needs script.
(function () {
  "use strict";
  var SCALE = 6;
  function parse(s) {
    s = (s || "").trim();
    if (s === "") return BigInt(0);
    var m = /^(\d+)(?:\.(\d{0,6}))?$/.exec(s);
    if (!m) return null;
    var frac = (m[2] || "").padEnd(SCALE, "0");
    return BigInt(m[1]) * BigInt(10 ** SCALE) + BigInt(frac);
  }
  function format(n) {
    var s = n.toString().padStart(SCALE + 1, "0");
    var whole = s.slice(0, s.length - SCALE);
    var frac = s.slice(s.length - SCALE).replace(/0+$/, "");
    return frac ? whole + "." + frac : whole;
  }
  function update(grid) {
    var out = grid.querySelector("output[data-sum]");
    if (!out) return;
    var total = BigInt(0);
    var inputs = grid.querySelectorAll("input.amount:not([name$='.total'])");
    for (var i = 0; i < inputs.length; i++) {
      var v = parse(inputs[i].value);
      if (v === null) { out.textContent = ""; return; }
      total += v;
    }
    var lang = document.documentElement.lang;
    out.textContent = (lang === "en" ? "sum " : "四项之和 ") + format(total);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var grids = document.querySelectorAll("[data-budget]");
    for (var i = 0; i < grids.length; i++) {
      (function (grid) {
        grid.addEventListener("input", function () { update(grid); });
        update(grid);
      })(grids[i]);
    }
  });
})();
