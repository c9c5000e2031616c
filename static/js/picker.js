// Pickers of people: each `<select data-picker>` becomes a box to type a name in, the chosen
// people shown as chips with a remove button (Tom Select). The select stays in the form and keeps
// the choice, so the form sends what it would send without JavaScript. A select with
// `data-picker-url` carries only what is chosen: names are asked for as they are typed, by POST,
// so no name sits in a URL or a log.
(function () {
  if (typeof TomSelect === "undefined") return;
  const MIN_LENGTH = 2;

  function csrfToken(form) {
    const field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function search(url, form) {
    return function (query, callback) {
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
        body: new URLSearchParams({ q: query }),
      })
        .then((response) => (response.ok ? response.json() : { options: [] }))
        .then((answer) => callback(answer.options))
        .catch(() => callback());
    };
  }

  // Each chip's remove button says whom it removes, not only "Remove".
  function nameRemoveButton(item) {
    const remove = item && item.querySelector(".remove");
    if (remove) remove.setAttribute("aria-label", `Remove ${item.textContent.replace("×", "").trim()}`);
  }

  function enhance(select) {
    const url = select.dataset.pickerUrl;
    const many = select.multiple;
    const settings = {
      plugins: many ? { remove_button: { title: "Remove" } } : {},
      create: false,
      maxOptions: 50,
      allowEmptyOption: !many,
      closeAfterSelect: !many,
      hidePlaceholder: true,
      placeholder: url ? "Type two letters of a name" : "Type to find a name",
      searchField: ["text"],
      render: {
        no_results: (data) =>
          data.input.length < MIN_LENGTH && url
            ? '<div class="no-results">Keep typing…</div>'
            : '<div class="no-results">Nobody by that name here.</div>',
        loading: () => '<div class="no-results">Looking…</div>',
      },
      onInitialize() {
        this.control.querySelectorAll(".item").forEach(nameRemoveButton);
        // The select stays in the form for what it sends, named by the same label as the box, and
        // out of the way of a screen reader, which uses the box.
        const label = document.getElementById(`${this.inputId}-ts-label`);
        if (label) this.input.setAttribute("aria-labelledby", label.id);
        this.input.setAttribute("aria-hidden", "true");
        // The list exists only while open: the box names it then, and not while it is closed.
        this.focus_node.removeAttribute("aria-controls");
      },
      onDropdownOpen() {
        this.focus_node.setAttribute("aria-controls", this.dropdown_content.id);
      },
      onDropdownClose() {
        this.focus_node.removeAttribute("aria-controls");
      },
      onItemAdd(value, item) {
        nameRemoveButton(item);
        // The box is cleared for the next name, as a phone keyboard stays open.
        if (many) this.setTextboxValue("");
      },
    };
    if (url) {
      Object.assign(settings, {
        valueField: "value",
        labelField: "text",
        loadThrottle: 250,
        shouldLoad: (query) => query.trim().length >= MIN_LENGTH,
        load: search(url, select.form),
      });
    }
    new TomSelect(select, settings);
  }

  document.querySelectorAll("select[data-picker]").forEach(enhance);
})();
