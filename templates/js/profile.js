// Progressive enhancement of the HTML edition: filter the KPI annex by result.
// Without JavaScript every row stays visible and the filter stays hidden.
(function () {
  "use strict";
  var select = document.getElementById("band-filter");
  if (!select) { return; }
  var table = document.getElementById(select.getAttribute("data-table"));
  select.parentNode.hidden = false;
  select.addEventListener("change", function () {
    var band = select.value;
    var rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      rows[i].hidden = band !== "" && rows[i].className !== "band-row-" + band;
    }
  });
}());
