// The live countdown of a mock exam (templates/examprep/mock_take.html).
//
// The element [data-countdown] carries the server's deadline (data-deadline) and the server's clock when the
// page was rendered (data-server-now), both ISO 8601. The difference between that and this computer's clock
// is kept, so a computer whose clock is wrong still counts down to the server's deadline. In the last
// minutes (data-warn-seconds) the box turns to a warning. A few seconds before the end, case answers typed
// but not yet saved are saved; at zero the answers are disabled and the hand-in form (id in data-hand-in) is
// submitted, and the server scores the attempt as expired. Without this file the page still shows the time
// left when it loaded, and the server refuses answers after the deadline all the same.
(() => {
  "use strict";

  if (window.talentMockCountdown) return; // loaded again by an htmx swap: the listeners are already there
  window.talentMockCountdown = true;

  const TICK_MS = 250;
  const FLUSH_MS = 10_000; // save unsaved case answers this long before the deadline
  const HAND_IN_DELAY_MS = 750; // hand in just after the deadline, so the server sees it as expired
  const QUESTIONS = "form.question";

  const pad = (n) => String(n).padStart(2, "0");
  // Elements already counting. Not a data attribute alone: a page restored from a snapshot would carry it
  // without a timer behind it.
  const running = new WeakSet();

  // mm:ss, or h:mm:ss from an hour up (the server renders the first value the same way).
  function format(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  }

  function announce(text) {
    const region = document.getElementById("countdown-alert");
    if (region && text) region.textContent = text;
  }

  // A textarea typed into since its last save is marked; autosave runs on "change", which a textarea only
  // fires when it loses focus, so these are sent just before the deadline.
  document.addEventListener("input", (event) => {
    const field = event.target;
    if (field instanceof HTMLTextAreaElement && field.closest(QUESTIONS)) field.dataset.unsaved = "1";
  });
  document.addEventListener("change", (event) => {
    const field = event.target;
    if (field instanceof HTMLTextAreaElement) delete field.dataset.unsaved;
  });

  function saveUnsaved() {
    document.querySelectorAll(`${QUESTIONS} textarea[data-unsaved]`).forEach((field) => {
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function disableAnswers() {
    document.querySelectorAll(QUESTIONS).forEach((form) => {
      form.querySelectorAll("input, textarea, select, button").forEach((control) => {
        if (control.type !== "hidden") control.disabled = true;
      });
    });
  }

  function handIn(el) {
    const form = document.getElementById(el.dataset.handIn || "");
    if (!(form instanceof HTMLFormElement) || form.dataset.handedIn) return;
    form.dataset.handedIn = "1";
    form.querySelectorAll("button").forEach((button) => {
      button.disabled = true;
    });
    // The native submit: no confirmation dialog (htmx's hx-confirm listens to the submit event, which
    // form.submit() does not fire), a plain post, and the redirect to the result page.
    window.setTimeout(() => HTMLFormElement.prototype.submit.call(form), HAND_IN_DELAY_MS);
  }

  function start(el) {
    if (running.has(el)) return;
    const deadline = Date.parse(el.dataset.deadline || "");
    const serverNow = Date.parse(el.dataset.serverNow || "");
    if (Number.isNaN(deadline) || Number.isNaN(serverNow)) return; // leave the server's text as it is
    running.add(el);
    el.dataset.countdownStarted = "1";
    const skew = serverNow - Date.now(); // add to this computer's clock to get the server's
    const warnMs = Number(el.dataset.warnSeconds || 300) * 1000;
    const box = el.closest("[data-countdown-box]");
    let flushed = false;
    let timer = 0;

    function tick() {
      if (!el.isConnected) {
        window.clearInterval(timer); // swapped away
        return;
      }
      const left = deadline - (Date.now() + skew);
      const text = format(left);
      if (el.textContent !== text) el.textContent = text;
      const warn = left <= warnMs;
      el.classList.toggle("text-danger", warn);
      if (box) {
        box.classList.toggle("alert-warning", warn);
        box.classList.toggle("alert-info", !warn);
      }
      if (warn && !el.dataset.warned) {
        el.dataset.warned = "1";
        if (left > 0) announce(el.dataset.warnText);
      }
      if (left <= FLUSH_MS && left > 0 && !flushed) {
        flushed = true;
        saveUnsaved();
      }
      if (left <= 0) {
        window.clearInterval(timer);
        el.dataset.countdownDone = "1";
        announce(el.dataset.upText);
        disableAnswers();
        handIn(el);
      }
    }

    tick();
    if (!el.dataset.countdownDone) timer = window.setInterval(tick, TICK_MS);
  }

  function startAll() {
    document.querySelectorAll("[data-countdown]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
  // New content from htmx (a swap, a history restore) may bring a countdown with it.
  document.addEventListener("htmx:after:swap", startAll);
  document.addEventListener("htmx:after:settle", startAll);
})();
