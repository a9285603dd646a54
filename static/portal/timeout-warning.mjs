// The time-out warning (GOV.UK's "timeout warning" pattern, docs/adr/0022-never-lose-work.md): a native
// modal <dialog> (templates/components/session_timeout.html) opens SESSION_TIMEOUT_WARNING_SECONDS before
// the idle sign-out. The browser keeps focus inside it and the rest of the page inert; focus goes to its
// heading and comes back where it was. The time left is shown as it runs, and said to screen readers only
// as each minute passes and every 20 seconds in the last minute. "Stay signed in" and Escape start the
// idle timer again. Progressive enhancement: without this file nothing shows, and a form sent after the
// sign-out is kept on the server (portal.kept_forms).

const dialog = document.querySelector("dialog[data-session-timeout]");

function phrase(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

// When the time left is said aloud: as the dialog opens, then as each minute passes, and every 20 seconds
// in the last minute (not every second, which would drown out everything else).
function moment(seconds) {
  return seconds >= 60 ? `m${Math.ceil(seconds / 60)}` : `s${Math.ceil(seconds / 20)}`;
}

if (dialog && typeof dialog.showModal === "function") {
  const warningSeconds = Number(dialog.dataset.warningSeconds);
  const statusUrl = dialog.dataset.statusUrl;
  const signedOutUrl = dialog.dataset.signedOutUrl;
  const extendForm = dialog.querySelector("[data-extend-form]");
  const warning = dialog.querySelector("[data-timeout-warning]");
  const ended = dialog.querySelector("[data-timeout-ended]");
  const countdown = dialog.querySelector("[data-countdown]");
  const announce = dialog.querySelector("[data-announce]");

  let endsAt = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  let timer = null;
  let lastSpoken = "";
  let returnFocusTo = null;
  let typedSinceSaved = false;

  // What the person typed and has not sent: if the session ends, the page stays so that they can save it.
  document.addEventListener("input", (event) => { if (event.target.form) typedSinceSaved = true; });
  document.addEventListener("submit", () => { typedSinceSaved = false; });
  document.addEventListener("portal:autosaved", () => { typedSinceSaved = false; });

  const secondsLeft = () => Math.max(0, Math.round((endsAt - Date.now()) / 1000));

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, endsAt - Date.now() - warningSeconds * 1000));
  };

  // Ask the server how long is left (another tab may have kept the session going); asking is not activity.
  const askServer = async () => {
    try {
      const response = await fetch(statusUrl, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) return (await response.json()).seconds_left;
    } catch {
      // offline for a moment: trust our own clock
    }
    return secondsLeft();
  };

  const tick = () => {
    const left = secondsLeft();
    countdown.textContent = phrase(left);
    if (moment(left) !== lastSpoken) {
      lastSpoken = moment(left);
      announce.textContent = `For your security, we will sign you out in ${phrase(left)}.`;
    }
    if (left <= 0) {
      timeUp();
      return;
    }
    timer = setTimeout(tick, 1000);
  };

  const open = () => {
    warning.hidden = false;
    ended.hidden = true;
    dialog.setAttribute("aria-labelledby", "timeout-heading");
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
    }
    lastSpoken = "";
    tick();
    dialog.querySelector("#timeout-heading").focus();
  };

  const close = () => {
    clearTimeout(timer);
    if (dialog.open) dialog.close();
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
    returnFocusTo = null;
  };

  async function check() {
    const left = await askServer();
    endsAt = Date.now() + left * 1000;
    if (left > warningSeconds) {
      close();
      schedule();
    } else if (left > 0) {
      open();
    } else {
      timeUp();
    }
  }

  async function timeUp() {
    clearTimeout(timer);
    const left = await askServer();
    if (left > 0) {
      endsAt = Date.now() + left * 1000;
      if (left > warningSeconds) {
        close();
        schedule();
      } else {
        open();
      }
      return;
    }
    if (!typedSinceSaved) {
      window.location.assign(signedOutUrl);
      return;
    }
    // Leaving would lose what was typed: say that the session has ended, and leave it on the page.
    warning.hidden = true;
    ended.hidden = false;
    dialog.setAttribute("aria-labelledby", "timeout-ended-heading");
    if (!dialog.open) dialog.showModal();
    dialog.querySelector("#timeout-ended-heading").focus();
  }

  const staySignedIn = async () => {
    try {
      const response = await fetch(extendForm.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": extendForm.elements.csrfmiddlewaretoken.value, Accept: "application/json" },
      });
      if (response.ok) endsAt = Date.now() + (await response.json()).seconds_left * 1000;
    } catch {
      // not reached: the warning opens again before the end, and the end asks the server
    }
    if (secondsLeft() > 0) {
      close();
      schedule();
    } else {
      timeUp();
    }
  };

  extendForm.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.hasAttribute("formaction")) return; // "Sign out": sent as a form
    event.preventDefault();
    staySignedIn();
  });
  dialog.addEventListener("cancel", (event) => {
    // Escape: stay signed in while there is time; once signed out, it only closes the message.
    if (ended.hidden) {
      event.preventDefault();
      staySignedIn();
    } else {
      event.preventDefault();
      close();
    }
  });
  dialog.querySelector("[data-timeout-close]").addEventListener("click", close);

  // Any request the page makes that keeps the session going (an autosave) moves the end.
  document.addEventListener("portal:session-used", (event) => {
    endsAt = Date.now() + event.detail.secondsLeft * 1000;
    if (!dialog.open) schedule();
  });

  schedule();
}
