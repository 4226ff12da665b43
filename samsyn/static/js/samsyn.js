// Progressive enhancement only: every page works without this file.
// After a form comes back with errors, move focus to the summary so that screen-reader and
// keyboard users land on what needs fixing (the summary links to each field).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
