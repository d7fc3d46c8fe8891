// Polls a contribution import's progress on its admin page and reloads when it has finished,
// so the counts and the error-report link appear without the operator refreshing.
(function () {
  "use strict";
  const box = document.getElementById("import-progress");
  if (!box || box.dataset.finished) {
    return;
  }
  const bar = box.querySelector("progress");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        box.querySelectorAll("[data-field]").forEach(function (el) {
          el.textContent = data[el.dataset.field];
        });
        bar.value = data.percent;
        document.getElementById("import-stalled").hidden = !data.stalled;
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
