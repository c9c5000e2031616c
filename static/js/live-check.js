// The compose page's live policy check: the same rules the worker applies, asked of the server as
// the volunteer types, so the reasons match exactly what would stop the message.
(function () {
  const form = document.getElementById("compose");
  const panel = document.getElementById("live-check");
  if (!form || !panel) return;
  const field = (name) => form.querySelector(`[name="${name}"]`);
  let timer = null;
  // Only the newest check may fill the panel: an older answer arriving late is dropped.
  let latest = 0;

  function value(name) {
    const checked = form.querySelector(`[name="${name}"]:checked`);
    return checked ? checked.value : (field(name) ? field(name).value : "");
  }

  function show(result) {
    panel.replaceChildren();
    if (result.ok) {
      const ok = document.createElement("p");
      ok.className = "text-success mb-0";
      ok.textContent = "No problems found.";
      panel.append(ok);
      return;
    }
    const list = document.createElement("ul");
    list.className = "mb-0";
    for (const finding of result.findings || []) {
      const item = document.createElement("li");
      item.textContent = `${finding.message} `;
      const badge = document.createElement("span");
      badge.className = "badge text-bg-light";
      badge.textContent = finding.rule;
      item.append(badge);
      list.append(item);
    }
    panel.append(list);
  }

  async function check() {
    const ticket = ++latest;
    const body = new URLSearchParams({
      channel: value("channel"),
      audience: value("audience"),
      text: value("body"),
    });
    const response = await fetch(form.dataset.checkUrl, {
      method: "POST",
      headers: { "X-CSRFToken": value("csrfmiddlewaretoken") },
      body,
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const result = await response.json();
    if (ticket === latest) show(result);
  }

  // Choosing an informational kind fills an empty message with its starting words.
  const templates = JSON.parse(document.getElementById("message-templates")?.textContent || "{}");
  field("kind")?.addEventListener("change", () => {
    const body = field("body");
    if (body && !body.value.trim() && templates[value("kind")]) {
      body.value = templates[value("kind")];
      check();
    }
  });

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });

  // A form sent back (a refused send, a missing subject) already holds words: check them at once,
  // so the panel describes them rather than asking to start typing.
  if (value("body").trim()) check();
})();
