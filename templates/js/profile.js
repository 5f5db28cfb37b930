// Progressive enhancement of the HTML edition and the site (the one script, served from the
// site itself). Without JavaScript every row stays visible, the contents panel is a plain list
// and the filters and sort buttons stay hidden.
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.className += " js";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // The KPI annex: filter by result.
  each(doc.querySelectorAll("select.band-filter-select"), function (select) {
    var table = doc.getElementById(select.getAttribute("data-table"));
    if (!table) { return; }
    select.parentNode.hidden = false;
    select.addEventListener("change", function () {
      var band = select.value;
      var rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        rows[i].hidden = band !== "" && rows[i].className !== "band-row-" + band;
      }
    });
  });

  // The contents panel: a menu on narrow screens, and the chapter being read marked.
  var panel = doc.getElementById("toc-panel");
  if (panel) {
    var toggle = panel.querySelector(".toc-toggle");
    var narrow = window.matchMedia("(max-width: 74.99rem)");
    var setOpen = function (open) {
      panel.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setOpen(!panel.classList.contains("open"));
    });
    panel.addEventListener("click", function (event) {
      if (event.target.closest("a") && narrow.matches) { setOpen(false); }
    });
    doc.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && panel.classList.contains("open")) {
        setOpen(false);
        toggle.focus();
      }
    });
    var links = panel.querySelectorAll("#toc-panel-list a");
    var targets = [];
    each(links, function (a) {
      var target = doc.getElementById(a.getAttribute("href").slice(1));
      if (target) { targets.push([target, a]); }
    });
    var current = null;
    var mark = function () {
      var found = null;
      for (var i = 0; i < targets.length; i++) {
        if (targets[i][0].getBoundingClientRect().top <= 120) { found = targets[i][1]; }
      }
      if (found === current) { return; }
      if (current) { current.removeAttribute("aria-current"); }
      if (found) {
        found.setAttribute("aria-current", "location");
        if (!narrow.matches && found.scrollIntoView && panel.scrollHeight > panel.clientHeight) {
          var r = found.getBoundingClientRect();
          if (r.top < 0 || r.bottom > window.innerHeight) { found.scrollIntoView({block: "nearest"}); }
        }
      }
      current = found;
    };
    var pending = false;
    window.addEventListener("scroll", function () {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () { pending = false; mark(); });
      }
    }, {passive: true});
    mark();
  }

  // On a phone the wheel's segments are too narrow for every label: its data table is open.
  if (window.matchMedia && window.matchMedia("(max-width: 54.99rem)").matches) {
    each(doc.querySelectorAll("details[data-open-narrow]"), function (d) { d.open = true; });
  }

  // What scrolls sideways (a wide table on a phone) can be scrolled from the keyboard.
  var scrollers = doc.querySelectorAll(
    "table:not(.kpis), table.annex-table, .table-scroll"
  );
  var focusable = function () {
    each(scrollers, function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      el.classList.toggle("scrolls", scrolls);
      if (scrolls) {
        el.setAttribute("tabindex", "0");
      } else if (!el.classList.contains("table-scroll")) {
        el.removeAttribute("tabindex");
      }
    });
  };
  focusable();
  window.addEventListener("resize", focusable);

  // The comparison page: sort by any column, filter by dimension, sub-dimension and SDG.
  var table = doc.getElementById("compare-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var count = doc.getElementById("compare-count");
  var form = doc.getElementById("compare-filters");
  form.hidden = false;
  var field = function (name) { return doc.getElementById("filter-" + name); };
  var subOptions = Array.prototype.slice.call(field("subdimension").options);
  var filter = function () {
    var dim = field("dimension").value;
    var sub = field("subdimension").value;
    var sdg = field("sdg").value;
    var like = field("comparable").checked;
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!dim || row.getAttribute("data-dimension") === dim) &&
        (!sub || row.getAttribute("data-subdimension") === sub) &&
        (!sdg || (" " + row.getAttribute("data-sdgs") + " ").indexOf(" " + sdg + " ") >= 0) &&
        (!like || row.getAttribute("data-comparable") === "true");
      row.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = count.getAttribute("data-template").replace("{n}", shown);
  };
  field("dimension").addEventListener("change", function () {
    var dim = field("dimension").value;
    subOptions.forEach(function (option) {
      var parent = option.getAttribute("data-dimension");
      option.hidden = Boolean(dim && parent && parent !== dim);
    });
    var selected = field("subdimension").selectedOptions[0];
    if (selected && selected.hidden) { field("subdimension").value = ""; }
    filter();
  });
  ["subdimension", "sdg", "comparable"].forEach(function (name) {
    field(name).addEventListener("change", filter);
  });
  var collator = new Intl.Collator(doc.documentElement.lang, {numeric: true});
  each(table.tHead.querySelectorAll("th[data-sort]"), function (th) {
    var button = th.querySelector("button.sort");
    button.hidden = false;
    button.addEventListener("click", function () {
      var column = th.cellIndex;
      var numeric = th.getAttribute("data-sort") === "number";
      var direction = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      each(table.tHead.querySelectorAll("th[aria-sort]"), function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
      var key = function (row) {
        var cell = row.cells[column];
        return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
      };
      rows.sort(function (a, b) {
        var x = key(a);
        var y = key(b);
        if (numeric) {
          // Rows without a value go last in either direction.
          if (x === "" || y === "") { return (x === "") - (y === ""); }
          return direction * (parseFloat(x) - parseFloat(y));
        }
        return direction * collator.compare(x, y);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  filter();
}());
