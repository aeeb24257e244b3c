// The mock exam's paper (templates/examprep/mock_take.html): the question palette, the live answered count,
// flags for review, keyboard use and, on a phone, one question per screen. Answers save themselves through
// htmx (hx-trigger="change" on each question's form); without this file every question shows, each with its
// own Save button, and the page still works.
//
// Flags are a note to oneself while sitting: they are kept in this browser (localStorage, per attempt), not
// sent to the server, and do not change the score.
(() => {
  "use strict";

  if (window.talentMockPaper) return;
  window.talentMockPaper = true;

  const PHONE = window.matchMedia("(max-width: 575.98px)");
  const LETTERS = "ABCDEFGH";

  function setup() {
    const paper = document.getElementById("paper");
    if (!paper || paper.dataset.ready) return;
    paper.dataset.ready = "1";
    const questions = Array.from(paper.querySelectorAll("form.question"));
    const palette = new Map(
      Array.from(document.querySelectorAll("#palette [data-question]")).map((a) => [a.dataset.question, a]),
    );
    const storeKey = `talent.mock.${paper.dataset.attempt}.flags`;
    let flags = new Set();
    try {
      flags = new Set(JSON.parse(window.localStorage.getItem(storeKey) || "[]"));
    } catch {
      flags = new Set();
    }
    let current = 0;

    document.querySelectorAll("[data-js-only]").forEach((el) => {
      el.hidden = false;
    });
    questions.forEach((form) => {
      const button = form.querySelector("[data-flag]");
      if (button) button.hidden = false;
    });

    const answered = (form) => {
      const text = form.querySelector("textarea");
      if (text) return text.value.trim() !== "";
      return form.querySelector("input:checked") !== null;
    };

    function refresh() {
      let count = 0;
      questions.forEach((form, index) => {
        const id = form.dataset.question;
        const done = answered(form);
        if (done) count += 1;
        const flagged = flags.has(id);
        const item = palette.get(id);
        if (item) {
          item.classList.toggle("answered", done);
          item.classList.toggle("flagged", flagged);
          item.classList.toggle("current", index === current);
          if (index === current) item.setAttribute("aria-current", "step");
          else item.removeAttribute("aria-current");
        }
        form.classList.toggle("current", index === current);
        const button = form.querySelector("[data-flag]");
        if (button) {
          button.setAttribute("aria-pressed", String(flagged));
          button.classList.toggle("active", flagged);
        }
      });
      const counter = document.getElementById("answered-count");
      if (counter) counter.textContent = String(count);
      const note = document.getElementById("flagged-note");
      if (note) {
        note.hidden = flags.size === 0;
        document.getElementById("flagged-count").textContent = String(flags.size);
      }
    }

    function saveFlags() {
      try {
        window.localStorage.setItem(storeKey, JSON.stringify(Array.from(flags)));
      } catch {
        /* private mode: flags last as long as the page */
      }
    }

    function toggleFlag(id) {
      if (flags.has(id)) flags.delete(id);
      else flags.add(id);
      saveFlags();
      refresh();
    }

    function go(index, focus = true) {
      if (index >= questions.length) {
        // Past the last question: on to the hand-in button (Enter hands in, after the confirmation).
        document.getElementById("submit-exam")?.focus();
        return;
      }
      current = Math.max(0, Math.min(questions.length - 1, index));
      refresh();
      const form = questions[current];
      if (!PHONE.matches || !paper.classList.contains("one-at-a-time")) {
        form.scrollIntoView({ block: "center" });
      }
      if (focus) {
        const target = form.querySelector("input:checked, input, textarea");
        if (target) target.focus({ preventScroll: true });
      }
    }

    function layout() {
      paper.classList.toggle("one-at-a-time", PHONE.matches);
      // On a phone the palette starts folded, so the question is on the first screen.
      const box = document.querySelector(".palette-box");
      if (box) box.open = !PHONE.matches;
    }

    paper.addEventListener("change", (event) => {
      const form = event.target.closest("form.question");
      if (form) current = questions.indexOf(form);
      refresh();
    });
    paper.addEventListener("input", refresh);
    paper.addEventListener("focusin", (event) => {
      const form = event.target.closest("form.question");
      if (form && questions.indexOf(form) !== current) {
        current = questions.indexOf(form);
        refresh();
      }
    });
    paper.addEventListener("click", (event) => {
      const button = event.target.closest("[data-flag]");
      if (button) toggleFlag(button.dataset.flag);
    });
    document.getElementById("palette")?.addEventListener("click", (event) => {
      const link = event.target.closest("[data-question]");
      if (!link) return;
      event.preventDefault();
      go(questions.findIndex((form) => form.dataset.question === link.dataset.question));
    });
    document.querySelectorAll("[data-step]").forEach((button) => {
      button.addEventListener("click", () => go(current + Number(button.dataset.step)));
    });
    // Keys: 1–8 choose option A–H of the question in hand (a second press unticks a multiple-choice
    // option), ← → move between questions (→ after the last goes to Hand in), Home and End to the first and
    // last, F flags. Typing in a case answer is left alone.
    document.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && target.type === "text")) return;
      const form = questions[current];
      if (!form) return;
      if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        go(event.key === "Home" ? 0 : questions.length - 1);
      } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        // Arrow keys inside a radio group move the choice; here they move between questions instead.
        event.preventDefault();
        go(current + (event.key === "ArrowRight" ? 1 : -1));
      } else if (event.key === "f" || event.key === "F") {
        event.preventDefault();
        toggleFlag(form.dataset.question);
      } else if (/^[1-8]$/.test(event.key)) {
        const input = form.querySelector(`input[value="${LETTERS[Number(event.key) - 1]}"]`);
        if (!input || input.disabled) return;
        event.preventDefault();
        input.checked = input.type === "radio" ? true : !input.checked;
        input.focus({ preventScroll: true });
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    PHONE.addEventListener("change", layout);
    layout();
    refresh();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
  document.addEventListener("htmx:after:settle", setup);
})();
