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
// The suggestion reads "name (code)"; beside the code only the name is shown, as the server renders it.
function pickedName(option, value) {
  const text = option.textContent.trim();
  const suffix = " (" + value + ")";
  return text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;
}
function showPicked(input) {
  const note = pickedNote(input);
  const value = input.value.trim();
  if (!note || !input.list) return;
  const option = Array.from(input.list.options).find((o) => o.value === value);
  if (option) note.textContent = pickedName(option, value);
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
        if (option) note.textContent = pickedName(option, input.value.trim());
      })
      .catch(() => {});
  });
});

// Tables on a phone: a table of four columns or more, or wider than its scroll box, is shown as stacked rows,
// one card per row with each cell's column name beside it (talent.css, below 576 px), so no column is pushed
// off-screen. Grids that read across (a cohort's progress grid, the calendar) say data-no-stack. Without this
// file the box scrolls sideways.
const PHONE = window.matchMedia("(max-width: 575.98px)");
function stackTable(table) {
  const headers = Array.from(table.querySelectorAll(":scope > thead > tr:last-child > th"));
  if (!headers.length) return;
  const labels = [];
  headers.forEach((th) => {
    for (let i = 0; i < (th.colSpan || 1); i += 1) labels.push(th.textContent.replace(/[▲▼]/g, "").trim());
  });
  table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr").forEach((row) => {
    let column = 0;
    Array.from(row.children).forEach((cell) => {
      if (!cell.hasAttribute("data-label")) cell.setAttribute("data-label", labels[column] || "");
      column += cell.colSpan || 1;
      // One box for the cell's content, so several elements (badges, lines of a change) stay together
      // beside the label.
      if (cell.childNodes.length && !cell.querySelector(":scope > .stack-value")) {
        const value = document.createElement("div");
        value.className = "stack-value";
        value.append(...cell.childNodes);
        cell.append(value);
      }
    });
  });
  // display:block drops a table's semantics in some browsers: the roles keep rows, cells and headers announced.
  table.setAttribute("role", "table");
  table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot").forEach((g) => g.setAttribute("role", "rowgroup"));
  table.querySelectorAll(":scope > * > tr").forEach((r) => r.setAttribute("role", "row"));
  table.querySelectorAll(":scope > thead > tr > th").forEach((c) => c.setAttribute("role", "columnheader"));
  table.querySelectorAll(":scope > tbody > tr > *, :scope > tfoot > tr > *").forEach((c) => {
    c.setAttribute("role", c.tagName === "TH" ? "rowheader" : "cell");
  });
  table.classList.add("table-stack");
}
function stackWideTables() {
  if (!PHONE.matches) return;
  document.querySelectorAll(".table-responsive > table:not(.table-stack):not([data-no-stack])").forEach((table) => {
    // Four columns or more squeeze words onto one or two letters a line even when the table fits.
    const box = table.parentElement;
    const shown = Array.from(table.querySelectorAll(":scope > thead > tr:last-child > th")).filter((th) => th.getClientRects().length);
    if (shown.length >= 4 || box.scrollWidth > box.clientWidth + 1) stackTable(table);
  });
}
document.addEventListener("DOMContentLoaded", stackWideTables);
document.addEventListener("htmx:after:swap", stackWideTables);
