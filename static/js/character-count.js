// The live character count under a message box: how much of its channel's limit the words use,
// read from the box's data-max-email and data-max-sms, or from data-max for a box with one limit
// (a concern's "What happened", a chronology entry). Counted in the browser alone, so it keeps up
// with typing at any length; the server refuses what is over the limit whatever the page shows,
// and nothing here cuts the text: a box has no maxlength, so a long paste arrives whole.
(function () {
  const formatter = new Intl.NumberFormat("en-GB");

  function channelOf(box) {
    if (box.dataset.channel) return box.dataset.channel;
    const checked = box.form && box.form.querySelector('[name="channel"]:checked');
    return checked ? checked.value : "email";
  }

  function attach(box) {
    const counter = document.createElement("p");
    counter.className = "form-text mb-0";
    counter.id = `${box.id || "message"}-count`;
    counter.setAttribute("aria-live", "polite");
    counter.dataset.characterCount = "";
    box.insertAdjacentElement("afterend", counter);
    box.setAttribute("aria-describedby", `${box.getAttribute("aria-describedby") || ""} ${counter.id}`.trim());

    function update() {
      const limit = Number(box.dataset.max || box.dataset[`max${channelOf(box) === "sms" ? "Sms" : "Email"}`]);
      // Characters as the server counts them (code points), with line breaks as one each.
      const used = Array.from(box.value.replace(/\r\n/g, "\n")).length;
      const over = used > limit;
      counter.textContent = over
        ? `${formatter.format(used)} of ${formatter.format(limit)} characters: ${formatter.format(used - limit)} too many`
        : `${formatter.format(used)} of ${formatter.format(limit)} characters`;
      counter.classList.toggle("text-danger", over);
      counter.classList.toggle("fw-semibold", over);
    }

    box.addEventListener("input", update);
    if (box.form) box.form.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("textarea[data-max-email][data-max-sms], textarea[data-max]").forEach(attach);
})();
