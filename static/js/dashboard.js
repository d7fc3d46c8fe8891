// Monthly report page: while report files are being generated in the background, reload the
// page every few seconds so their download links appear without the user refreshing.
(function () {
  "use strict";
  const files = document.getElementById("report-files");
  if (files && files.dataset.pending) {
    window.setTimeout(function () { window.location.reload(); }, 3000);
  }
})();
