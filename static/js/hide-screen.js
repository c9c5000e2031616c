// "Hide the screen": when someone walks up to a welfare officer reading a case, one press of the
// button, or Escape twice, blanks the page at once. The case stays loaded underneath, so nothing
// is lost; "Show the page again" brings it back. Loaded as a file: the Content-Security-Policy
// allows no inline script.
(function () {
  const cover = document.querySelector("[data-hide-screen-cover]");
  if (!cover) return;
  const DOUBLE_PRESS_MS = 800;
  let lastEscape = 0;

  function hide() {
    cover.hidden = false;
    document.body.classList.add("screen-hidden");
    document.title = "Sefton Safety";
    cover.querySelector("button").focus();
  }

  function show() {
    cover.hidden = true;
    document.body.classList.remove("screen-hidden");
    document.title = cover.dataset.title;
  }

  cover.dataset.title = document.title;
  document.querySelectorAll("[data-hide-screen]").forEach((button) => button.addEventListener("click", hide));
  cover.querySelector("[data-show-screen]").addEventListener("click", show);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !cover.hidden) return;
    const now = Date.now();
    if (now - lastEscape < DOUBLE_PRESS_MS) {
      lastEscape = 0;
      hide();
    } else {
      lastEscape = now;
    }
  });
})();
