/* Worker portal: small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Buttons with data-confirm ask before an action that cannot be undone.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // The contract end date only matters for a fixed-term contract (PKWT).
  function syncContractEnd() {
    var type = document.getElementById("id_contract_type");
    var wrapper = document.getElementById("div_id_contract_end_date");
    if (!type || !wrapper) {
      return;
    }
    wrapper.hidden = type.value !== "PKWT";
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_contract_type") {
      syncContractEnd();
    }
  });

  // Say at once when a file is over the limit, before a slow upload starts.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.files || !input.files.length) {
      return;
    }
    var limit = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
    var message = input.getAttribute("data-too-large") || "";
    input.setCustomValidity(limit && input.files[0].size > limit ? message : "");
    input.reportValidity();
  });

  document.addEventListener("DOMContentLoaded", syncContractEnd);
})();
