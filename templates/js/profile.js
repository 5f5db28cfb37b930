// Progressive enhancement of the HTML edition: filter each KPI annex by result.
// Without JavaScript every row stays visible and the filters stay hidden.
(function () {
  "use strict";
  var selects = document.querySelectorAll("select.band-filter-select");
  Array.prototype.forEach.call(selects, function (select) {
    var table = document.getElementById(select.getAttribute("data-table"));
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
}());
