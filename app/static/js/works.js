// Hand-in progress on the team page. Without this file the forms post as they are and the page comes back;
// with it, a file's upload shows a progress bar and the page reloads when the work is handed in, or the
// refusal (rendered by the server in the reader's language) is shown at the item.
"use strict";

document.querySelectorAll("form[data-work-upload]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!form.querySelector("input[type=file]")) return; // a link posts as it is
    event.preventDefault();
    const bar = form.querySelector("[data-work-progress]");
    const slot = form.parentElement.querySelector("[data-work-error]");
    const button = form.querySelector("button[type=submit]");
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest"); // answered 204, the message kept for the reload
    request.upload.addEventListener("progress", (progress) => {
      if (progress.lengthComputable) bar.value = Math.round((progress.loaded / progress.total) * 100);
    });
    request.addEventListener("load", () => {
      if (request.status < 400) {
        window.location.reload();
        return;
      }
      const page = new DOMParser().parseFromString(request.responseText, "text/html");
      const key = form.closest("[data-work-key]").dataset.workKey;
      const round = form.closest("[data-works-round]").dataset.worksRound;
      const refused = page.querySelector(`[data-works-round="${round}"] [data-work-key="${key}"] [data-work-error]`);
      slot.textContent = refused && refused.textContent.trim() ? refused.textContent.trim() : request.statusText;
      slot.hidden = false;
      bar.hidden = true;
      button.disabled = false;
    });
    request.addEventListener("error", () => {
      slot.textContent = slot.dataset.networkError || "Network error";
      slot.hidden = false;
      button.disabled = false;
    });
    slot.hidden = true;
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    request.send(new FormData(form));
  });
});
