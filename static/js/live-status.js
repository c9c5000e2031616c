// Live status: a page whose element carries data-live-status="<url>" asks that URL every few
// seconds for its parts ({done, parts: {name: html}}) and puts each into the element marked
// data-live-part="name", until the server says nothing more will change without a person.
(function () {
  const source = document.querySelector("[data-live-status]");
  if (!source) return;
  const url = source.dataset.liveStatus;
  const EVERY_MS = 2000;
  // A page left open in a background tab, or a server gone away, is not asked forever.
  const GIVE_UP_AFTER = 900;
  let asked = 0;

  function keepOpen(part, html) {
    // A delivery log the reader opened stays open when its list is drawn again.
    const open = new Set(
      Array.from(part.querySelectorAll("details[data-keep-open][open]"), (details) => details.dataset.keepOpen),
    );
    part.innerHTML = html;
    for (const details of part.querySelectorAll("details[data-keep-open]")) {
      if (open.has(details.dataset.keepOpen)) details.open = true;
    }
  }

  async function poll() {
    asked += 1;
    let result = null;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      // Signed out, or no longer allowed: stop, and the next reload says why.
      if (response.redirected || response.status === 401 || response.status === 403 || response.status === 404) return;
      if (response.ok && (response.headers.get("Content-Type") || "").includes("json")) {
        result = await response.json();
      }
    } catch (error) {
      result = null;
    }
    if (result) {
      for (const [name, html] of Object.entries(result.parts || {})) {
        const part = document.querySelector(`[data-live-part="${name}"]`);
        if (part) keepOpen(part, html);
      }
      if (result.done) {
        source.removeAttribute("data-live-status");
        return;
      }
    }
    if (asked < GIVE_UP_AFTER) setTimeout(poll, EVERY_MS);
  }

  setTimeout(poll, EVERY_MS);
})();
