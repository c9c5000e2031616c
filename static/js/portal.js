// Small behaviours the pages share; loaded as a file so the Content-Security-Policy needs no inline script.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A form sent back with errors: move to its summary, so a phone user sees at once what to fix.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
