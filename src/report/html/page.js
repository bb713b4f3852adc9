(function () {
  "use strict";
  var table = document.getElementById("findings");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var groups = Array.prototype.slice.call(table.tBodies);
  var texts = groups.map(function (g) { return g.textContent.toLowerCase(); });
  var shown = document.getElementById("shown");
  var fields = form.elements;
  function value(name) { return fields[name] ? fields[name].value : ""; }
  function apply() {
    var query = value("q").trim().toLowerCase();
    var rule = value("rule"), confidence = value("confidence");
    var context = value("context"), head = value("head"), validation = value("validation");
    var count = 0;
    groups.forEach(function (g, i) {
      var ok = (!query || texts[i].indexOf(query) >= 0)
        && (!rule || g.getAttribute("data-rule") === rule)
        && (!confidence || g.getAttribute("data-confidence") === confidence)
        && (!context || g.getAttribute("data-contexts").split(" ").indexOf(context) >= 0)
        && (!head || g.getAttribute("data-head") === head)
        && (!validation || g.getAttribute("data-validation") === validation);
      g.hidden = !ok;
      if (ok) { count += 1; }
    });
    var noun = groups.length === 1 ? " finding" : " findings";
    shown.textContent = count === groups.length
      ? groups.length + noun
      : "showing " + count + " of " + groups.length + noun;
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.hidden = false;

  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, column) {
    var numeric = th.getAttribute("data-type") === "number";
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var keyed = groups.map(function (g, i) {
        var cell = g.rows[0].cells[column];
        var key = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
        return { key: numeric ? parseFloat(key) : key.toLowerCase(), index: i, group: g };
      });
      keyed.sort(function (a, b) {
        if (a.key < b.key) { return ascending ? -1 : 1; }
        if (a.key > b.key) { return ascending ? 1 : -1; }
        return a.index - b.index;
      });
      keyed.forEach(function (k) { table.appendChild(k.group); });
    });
  });
}());
