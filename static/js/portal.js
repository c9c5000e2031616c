// Small behaviours the pages share; loaded as a file so the Content-Security-Policy needs no inline script.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
