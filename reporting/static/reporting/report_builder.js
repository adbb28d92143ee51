// The report builder: offer only the breakdowns and filters every picked metric allows.
// The server checks the same (reporting.reports.spec.ReportSpec.check); this only saves a round trip.
(function () {
  "use strict";
  function allowed() {
    var picked = document.querySelectorAll('.field-metrics input[type="checkbox"]:checked');
    var common = null;
    picked.forEach(function (box) {
      var dims = (box.dataset.dimensions || "").split(" ").filter(Boolean);
      common = common === null ? dims : common.filter(function (d) { return dims.indexOf(d) >= 0; });
    });
    return common;
  }
  function update() {
    var common = allowed();
    var dimension = document.getElementById("id_dimension");
    if (!dimension || dimension.disabled) { return; }
    Array.prototype.forEach.call(dimension.options, function (option) {
      option.disabled = option.value !== "" && common !== null && common.indexOf(option.value) < 0;
      if (option.disabled && option.selected) { dimension.value = ""; }
    });
    document.querySelectorAll('select[id^="id_filter_"]').forEach(function (select) {
      var name = select.id.replace("id_filter_", "");
      var off = common !== null && common.indexOf(name) < 0;
      select.disabled = off;
      if (off) { select.value = ""; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('.field-metrics input[type="checkbox"]').forEach(function (box) {
      box.addEventListener("change", update);
    });
    update();
  });
})();
