// Laurel's comforts. Every page works without this file: forms post, lists page, imports upload.
// It adds confirmations, member and advisor rows that come and go without losing what was typed,
// college search as you type, and upload progress.
"use strict";

document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Repeating rows: empty rows beyond the minimum are hidden behind an "add" button.
function isBlankRow(row) {
  return Array.from(row.querySelectorAll("input[type=text], input[type=email], input:not([type])"))
    .every((input) => input.value.trim() === "");
}

function setUpRepeat(container) {
  const rows = Array.from(container.querySelectorAll("[data-row]"));
  const minimum = Number(container.dataset.min || 0);
  const addButton = document.querySelector(`[data-add-row="${container.dataset.repeat}"]`);
  let lastFilled = -1;
  rows.forEach((row, index) => { if (!isBlankRow(row) || row.querySelector(".field-error")) lastFilled = index; });
  const visibleCount = Math.max(minimum, lastFilled + 1, container.dataset.repeat === "member" ? 1 : 0);
  rows.forEach((row, index) => { row.hidden = index >= visibleCount; });

  function refresh() {
    const visible = rows.filter((row) => !row.hidden);
    if (addButton) addButton.hidden = visible.length === rows.length;
    rows.forEach((row) => {
      const remove = row.querySelector("[data-remove-row]");
      if (remove) remove.hidden = visible.length <= minimum;
    });
  }
  if (addButton) {
    addButton.addEventListener("click", () => {
      const next = rows.find((row) => row.hidden);
      if (next) { next.hidden = false; const first = next.querySelector("input[type=text], input:not([type])"); if (first) first.focus(); }
      refresh();
    });
  }
  rows.forEach((row) => {
    const remove = row.querySelector("[data-remove-row]");
    if (!remove) return;
    remove.addEventListener("click", () => {
      row.querySelectorAll("input[type=text], input[type=email], input:not([type])").forEach((input) => { input.value = ""; });
      const radio = row.querySelector("input[type=radio]");
      row.hidden = true;
      if (radio && radio.checked) {
        const firstVisible = rows.find((other) => !other.hidden);
        if (firstVisible) firstVisible.querySelector("input[type=radio]").checked = true;
      }
      refresh();
    });
  });
  refresh();
}

// College search: fills the shared datalist from the public colleges API as the person types.
function setUpCollegeSearch() {
  const list = document.getElementById("college-options");
  if (!list) return;
  let timer = null;
  let lastQuery = "";
  document.querySelectorAll("[data-college-search]").forEach((input) => {
    input.addEventListener("input", () => {
      const query = input.value.trim();
      if (query.length < 1 || query === lastQuery || /\d{10}$/.test(query)) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        lastQuery = query;
        try {
          // A proposal is merged into a college of its own country: the search offers only those.
          const country = input.dataset.collegeCountry ? `&country=${encodeURIComponent(input.dataset.collegeCountry)}` : "";
          const response = await fetch(`/api/v1/colleges?per_page=20&verified=true&q=${encodeURIComponent(query)}${country}`);
          if (!response.ok) return;
          const page = await response.json();
          list.replaceChildren(...page.items.map((college) => {
            const option = document.createElement("option");
            option.value = `${college.name} ${college.code}`;
            option.label = `${college.province} · ${college.city}`;
            return option;
          }));
        } catch (error) {
          // Offline or slow: the person can still type the code or the exact name.
        }
      }, 200);
    });
  });
}

// Upload progress for imports: the bar follows the upload, then says the rows are being checked.
function setUpProgress(form) {
  form.addEventListener("submit", (event) => {
    if (!window.FormData || !form.querySelector("input[type=file]").files.length) return;
    event.preventDefault();
    const bar = form.querySelector("[data-progress-bar]");
    const progress = bar.querySelector("progress");
    bar.hidden = false;
    form.querySelectorAll("[type=submit]").forEach((button) => { button.disabled = true; });
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", (update) => {
      if (update.lengthComputable) progress.value = Math.round((update.loaded / update.total) * 100);
    });
    request.upload.addEventListener("load", () => {
      progress.removeAttribute("value");
      bar.querySelector("[data-progress-text]").hidden = true;
      bar.querySelector("[data-progress-checking]").hidden = false;
    });
    request.addEventListener("load", () => {
      // The request followed the redirect already, and that page took the flash message ("12 teams
      // imported"): show the page it received, at its address, rather than load it again without it.
      const redirected = request.responseURL && request.responseURL !== (form.action || window.location.href);
      document.open();
      document.write(request.responseText);
      document.close();
      if (redirected) window.history.replaceState(null, "", request.responseURL);
    });
    request.send(new FormData(form));
  });
}

// Forms marked data-working take a while (an import, a registration): once one is sent, its buttons say
// "Working…" (the page's own words, from <body data-working-text>) and cannot send it twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !form.hasAttribute("data-working")) return;
  const text = document.body.dataset.workingText || "…";
  form.setAttribute("aria-busy", "true");
  // Disabled only after the browser has read the form, so that the pressed button's name still goes.
  window.setTimeout(() => {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach((button) => {
      button.dataset.idleText = button.tagName === "INPUT" ? button.value : button.textContent;
      if (button.tagName === "INPUT") button.value = text; else button.textContent = text;
      button.disabled = true;
    });
  }, 0);
});

// Back to a page kept in the browser's memory: its forms are idle again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[aria-busy=true]").forEach((form) => {
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-idle-text]").forEach((button) => {
      if (button.tagName === "INPUT") button.value = button.dataset.idleText; else button.textContent = button.dataset.idleText;
      button.removeAttribute("data-idle-text");
      button.disabled = false;
    });
  });
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-repeat]").forEach(setUpRepeat);
  setUpCollegeSearch();
  document.querySelectorAll("form[data-progress]").forEach(setUpProgress);
});

// Score sheets: the total follows as the judge types; Enter moves to the next item and never
// submits by accident; a button's own confirmation is asked before its form goes. A value the server
// would refuse (not a number, outside 0..max, off the step) is marked at once, with the server's own
// words, and left out of the total, which then says it is incomplete.
const SCORE_TEXT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

function halfWidth(text) {
  return text.replace(/[０-９．＋－]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function decimalPlaces(text) {
  const point = text.indexOf(".");
  return point < 0 ? 0 : text.length - point - 1;
}

// What is wrong with an item's text, as the server words it, or "" when it is empty or right.
function scoreProblem(input, text, numberMessage) {
  if (text === "") return "";
  if (!SCORE_TEXT.test(text)) return numberMessage;
  const value = Number(text);
  if (value < 0 || value > Number(input.dataset.max)) return input.dataset.rangeMessage;
  const step = input.dataset.step || "0.01";
  const scale = 10 ** Math.max(decimalPlaces(text), decimalPlaces(step));
  if (Math.round(value * scale) % Math.round(Number(step) * scale) !== 0) return input.dataset.stepMessage;
  return "";
}

function setUpSheet(form) {
  const inputs = Array.from(form.querySelectorAll("input.score-input"));
  const output = form.querySelector("[data-total]");
  const note = form.querySelector("[data-total-note]");
  function recompute() {
    let total = 0;
    let invalid = 0;
    inputs.forEach((input) => {
      const text = halfWidth(input.value).trim();
      const problem = scoreProblem(input, text, form.dataset.numberMessage);
      const message = input.parentElement.querySelector("[data-live-error]");
      const serverError = input.parentElement.querySelector("[data-server-error]");
      if (problem) {
        invalid += 1;
        input.setAttribute("aria-invalid", "true");
        if (message) { message.textContent = problem; message.hidden = false; }
        if (serverError) serverError.hidden = true;
      } else {
        input.setAttribute("aria-invalid", serverError && !serverError.hidden ? "true" : "false");
        if (message) { message.textContent = ""; message.hidden = true; }
        if (text !== "") total += Number(text) * Number(input.dataset.weight || 1);
      }
    });
    if (output) output.textContent = (Math.round(total * 100) / 100).toString();
    if (note) note.hidden = invalid === 0;
  }
  inputs.forEach((input, index) => {
    input.addEventListener("input", () => {
      const serverError = input.parentElement.querySelector("[data-server-error]");
      if (serverError) serverError.hidden = true;  // the value it spoke of has changed
      recompute();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        const next = inputs[index + 1] || form.querySelector("textarea");
        if (next) next.focus();
      }
    });
  });
  recompute();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm], input[type=submit][data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-sheet]").forEach(setUpSheet);
});
