// Autosave of long answers (docs/adr/0022-never-lose-work.md, portal/autosave.py). A form marked
// `data-autosave` is sent to its own address a few seconds after typing stops, as a draft (the header
// X-Autosave: draft), and says "Saved at 9:41pm" in its status, which screen readers read out politely.
// Files are never sent this way, and no button is pressed: the page's view saves what a plain save would,
// through the same service. Without JavaScript the save buttons work as ever.

const HEADER = { "X-Autosave": "draft" };

function draftOf(form) {
  const body = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string") body.append(name, value); // files are left to the save button
  }
  return body;
}

function autosave(form) {
  const status = form.querySelector("[data-autosave-status]");
  if (!status) return;
  const wait = Number(status.dataset.autosaveSeconds) * 1000;
  const token = form.elements.csrfmiddlewaretoken ? form.elements.csrfmiddlewaretoken.value : "";
  const address = form.getAttribute("action") || window.location.href; // form.action may be a field
  let timer = null;
  let saving = false;
  let again = false;

  const say = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };

  const save = async () => {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    try {
      const response = await fetch(address, {
        method: "POST",
        credentials: "same-origin",
        headers: { ...HEADER, "X-CSRFToken": token, Accept: "application/json" },
        body: draftOf(form),
      });
      const answer = await response.json();
      say(response.ok ? `Saved at ${answer.saved_at}` : `Not saved. ${answer.problem}`);
      if (response.ok) document.dispatchEvent(new CustomEvent("portal:autosaved"));
      document.dispatchEvent(
        new CustomEvent("portal:session-used", { detail: { secondsLeft: answer.seconds_left } }),
      );
    } catch {
      say("Not saved. Use the save button to save your answer.");
    } finally {
      saving = false;
    }
    if (again) {
      again = false;
      save();
    }
  };

  form.addEventListener("input", (event) => {
    if (event.target.type === "file") return;
    clearTimeout(timer);
    timer = setTimeout(save, wait);
  });
  form.addEventListener("submit", () => clearTimeout(timer));
}

for (const form of document.querySelectorAll("form[data-autosave]")) autosave(form);
