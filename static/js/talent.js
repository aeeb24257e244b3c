// Small progressive enhancements; every page works without this file.
// Moves focus to the first invalid field after htmx swaps a form with errors in.
document.addEventListener("htmx:after:swap", (event) => {
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid && event.detail && event.detail.ctx && event.detail.ctx.response && event.detail.ctx.response.status === 422) {
    invalid.focus();
  }
});

// Pickers: the name of the record a typed code names, beside the input. The suggestions already carry it
// ("name (code)"); an edit form opened with a code asks the suggest endpoint once for that code's name.
function pickedNote(input) {
  return input.id ? document.getElementById(input.id + "-picked") : null;
}
function showPicked(input) {
  const note = pickedNote(input);
  const value = input.value.trim();
  if (!note || !input.list) return;
  const option = Array.from(input.list.options).find((o) => o.value === value);
  if (option) note.textContent = option.textContent;
  else if (!value) note.textContent = "";
}
document.addEventListener("input", (event) => {
  if (event.target.matches && event.target.matches("input[list]")) showPicked(event.target);
});
document.addEventListener("htmx:after:swap", () => {
  document.querySelectorAll("input[list]").forEach(showPicked);
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[list][data-lookup]").forEach((input) => {
    const note = pickedNote(input);
    if (!note || note.textContent.trim() || !input.value.trim()) return;
    const url = new URL(input.getAttribute("hx-get"), window.location.origin);
    url.searchParams.set(input.name, input.value.trim());
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => {
        const list = document.createElement("datalist");
        list.innerHTML = html;
        const option = Array.from(list.querySelectorAll("option")).find((o) => o.value === input.value.trim());
        if (option) note.textContent = option.textContent;
      })
      .catch(() => {});
  });
});
