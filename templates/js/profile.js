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
    // The bar's height (it wraps in a long language): what an anchor is kept clear of.
    var barHeight = function () {
      var height = narrow.matches ? panel.offsetHeight : 0;
      doc.documentElement.style.setProperty("--bar-height", height + "px");
    };
    barHeight();
    window.addEventListener("resize", barHeight);
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
        var list = doc.getElementById("toc-panel-list");
        if (!narrow.matches && found.scrollIntoView && list.scrollHeight > list.clientHeight) {
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

  // The charts load as the reader nears them (loading="lazy"); a print takes them all, so
  // printing asks for every one still waiting.
  window.addEventListener("beforeprint", function () {
    each(doc.querySelectorAll("img[loading=lazy]"), function (img) { img.loading = "eager"; });
  });

  // "Back to top" (in the contents bar or panel) is shown once the reader has scrolled a
  // third of a screen down; never over the text.
  var scrolled = function () {
    doc.documentElement.classList.toggle("scrolled", window.scrollY > window.innerHeight / 3);
  };
  window.addEventListener("scroll", scrolled, {passive: true});
  scrolled();

  // A KPI's code links to its own row: following it copies the address (the row's place in
  // this edition) and says so, without moving the page.
  var status = doc.getElementById("copy-status");
  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.permalink");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button) { return; }
    var url = link.href;
    try {
      history.replaceState(history.state, "", link.getAttribute("href"));
    } catch (e) {
      return;  // the browser follows the link instead
    }
    event.preventDefault();
    var done = function () {
      each(doc.querySelectorAll("a.permalink.copied"), function (a) { a.classList.remove("copied"); });
      link.classList.add("copied");
      if (status) { status.textContent = status.getAttribute("data-copied").replace("{link}", url); }
      window.setTimeout(function () {
        link.classList.remove("copied");
        if (status) { status.textContent = ""; }
      }, 4000);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, done);
    } else {
      done();
    }
  });

  // The language switch keeps the reader's place: the other edition opens at the same
  // chapter, figure, table or KPI (the same ids in every language), and the comparison page
  // keeps its filters and sort.
  var places = "main section[id], main h2[id], main h3[id], main h4[id], main figure[id], " +
    "main table[id], main tr[id], #imprint";
  var place = function () {
    var found = "";
    var bar = doc.getElementById("toc-panel");
    // The reading line: 40 px below the contents bar where it sits at the top of the screen
    // (narrow screens; it wraps in a long language), and at least 90 px down (on a wide
    // screen the panel beside the text, as tall as the window, is no bar).
    var stuck = bar && narrow.matches && bar.getBoundingClientRect().top === 0;
    var line = Math.max(90, (stuck ? bar.offsetHeight : 0) + 40);
    var marks = doc.querySelectorAll(places);
    for (var i = 0; i < marks.length; i++) {
      var r = marks[i].getBoundingClientRect();
      if (r.height === 0 && r.width === 0) { continue; }  // hidden (a filtered row)
      if (r.top <= line) { found = marks[i].id; } else if (r.top > window.innerHeight) { break; }
    }
    return found && (window.scrollY > 0 || location.hash) ? "#" + found : "";
  };
  each(doc.querySelectorAll(".site-nav .languages a[hreflang], .panel-languages a[hreflang]"),
       function (a) {
    var base = a.getAttribute("href").split(/[?#]/)[0];
    var carry = function () { a.setAttribute("href", base + location.search + place()); };
    ["pointerdown", "focus", "click"].forEach(function (type) { a.addEventListener(type, carry); });
  });

  // What scrolls sideways (a wide figure or table on a phone) can be scrolled from the keyboard.
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

  // The comparison page: sort by the KPI's code or name or any city's achievement, filter by
  // dimension, sub-dimension, SDG and like with like; the choice is kept in the address
  // (?dimension=EN&sort=tbilisi&order=desc), so a link or a reload shows the same table.
  var table = doc.getElementById("compare-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var count = doc.getElementById("compare-count");
  var form = doc.getElementById("compare-filters");
  form.hidden = false;
  var field = function (name) { return doc.getElementById("filter-" + name); };
  var subOptions = Array.prototype.slice.call(field("subdimension").options);
  var sorted = {key: "code", order: "asc"};
  var params = function () {
    var q = [];
    ["dimension", "subdimension", "sdg"].forEach(function (name) {
      if (field(name).value) { q.push(name + "=" + encodeURIComponent(field(name).value)); }
    });
    if (field("comparable").checked) { q.push("comparable=1"); }
    if (sorted.key !== "code" || sorted.order !== "asc") {
      q.push("sort=" + encodeURIComponent(sorted.key), "order=" + sorted.order);
    }
    return q.length ? "?" + q.join("&") : "";
  };
  var remember = function () {
    var url = location.pathname + params() + location.hash;
    try { history.replaceState(history.state, "", url); } catch (e) { /* kept in the page */ }
  };
  var offerSubdimensions = function () {
    var dim = field("dimension").value;
    subOptions.forEach(function (option) {
      var parent = option.getAttribute("data-dimension");
      option.hidden = Boolean(dim && parent && parent !== dim);
    });
    var selected = field("subdimension").selectedOptions[0];
    if (selected && selected.hidden) { field("subdimension").value = ""; }
  };
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
  var collator = new Intl.Collator(doc.documentElement.lang, {numeric: true});
  var buttons = Array.prototype.slice.call(table.tHead.querySelectorAll("button.sort"));
  var sortBy = function (key, order) {
    var button = buttons.filter(function (b) { return b.getAttribute("data-key") === key; })[0];
    if (!button) { return false; }
    var th = button.closest("th");
    var column = th.cellIndex;
    var direction = order === "desc" ? -1 : 1;
    each(table.tHead.querySelectorAll("th[aria-sort]"), function (other) {
      other.removeAttribute("aria-sort");
    });
    buttons.forEach(function (b) { b.classList.toggle("sorted", b === button); });
    th.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
    sorted = {key: key, order: direction === 1 ? "asc" : "desc"};
    var value = function (row) {
      if (key === "code") { return row.getAttribute("data-order"); }
      if (key === "name") { return row.cells[0].querySelector(".name").textContent; }
      return row.cells[column].getAttribute("data-value");
    };
    var numeric = th.getAttribute("data-sort") === "number";
    rows.sort(function (a, b) {
      var x = value(a);
      var y = value(b);
      if (numeric) {
        // Rows without a value go last in either direction.
        if (x === "" || y === "") { return (x === "") - (y === ""); }
        return direction * (parseFloat(x) - parseFloat(y));
      }
      return direction * collator.compare(x, y);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    return true;
  };
  field("dimension").addEventListener("change", function () {
    offerSubdimensions();
    filter();
    remember();
  });
  ["subdimension", "sdg", "comparable"].forEach(function (name) {
    field(name).addEventListener("change", function () { filter(); remember(); });
  });
  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-key");
      var again = sorted.key === key && sorted.order === "asc";
      sortBy(key, again ? "desc" : "asc");
      remember();
    });
  });
  // The table as the address describes it (a value no longer offered is ignored).
  var query = {};
  location.search.replace(/^\?/, "").split("&").forEach(function (pair) {
    var kv = pair.split("=");
    if (kv[0]) { query[decodeURIComponent(kv[0])] = decodeURIComponent(kv[1] || ""); }
  });
  ["dimension", "subdimension", "sdg"].forEach(function (name) {
    var select = field(name);
    if (query[name] && Array.prototype.some.call(select.options, function (o) {
      return o.value === query[name];
    })) {
      select.value = query[name];
    }
    if (name === "dimension") { offerSubdimensions(); }
  });
  field("comparable").checked = query.comparable === "1";
  sortBy(query.sort || "code", query.order === "desc" ? "desc" : "asc");
  filter();
  if (location.hash) {  // the row the address names, once the table is in its order,
    // just under the header row
    var target = doc.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && !target.hidden && target.parentNode === body) {
      var region = table.parentNode;
      region.scrollIntoView();
      region.scrollTop += target.getBoundingClientRect().top -
        table.tHead.getBoundingClientRect().bottom;
    }
  }
}());
