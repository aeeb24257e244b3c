// Small progressive enhancements; every page works without this file.
// Moves focus to the first invalid field after htmx swaps a form with errors in.
document.addEventListener("htmx:after:swap", (event) => {
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid && event.detail && event.detail.ctx && event.detail.ctx.response && event.detail.ctx.response.status === 422) {
    invalid.focus();
  }
});
