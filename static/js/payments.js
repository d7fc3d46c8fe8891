// Payment batches: while a batch is being gathered (or waits for a worker), poll its progress
// and show it; once gathered, open the batch's page. Plain JS, nothing fetched but our own URL.
(function () {
  "use strict";
  const box = document.getElementById("gather-progress");
  if (!box) {
    return;
  }
  const bar = box.querySelector("progress");
  function show(data) {
    box.dataset.state = data.state;
    box.querySelectorAll("[data-when]").forEach(function (el) {
      el.hidden = el.dataset.when !== data.state;
    });
    box.querySelectorAll("[data-field]").forEach(function (el) {
      el.textContent = data[el.dataset.field];
    });
    box.querySelectorAll("[data-field-href]").forEach(function (el) {
      el.href = data[el.dataset.fieldHref];
    });
    bar.value = data.percent;
  }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.state === "done") {
          if (window.location.pathname === data.url) {
            window.location.reload();
          } else {
            window.location.assign(data.url);
          }
        } else if (data.state !== "nothing") {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (box.dataset.state === "waiting" || box.dataset.state === "gathering") {
    window.setTimeout(poll, 1000);
  }
})();
