// Progressive enhancement only: every page works without this file.
import { initAll as initGovuk } from "/assets/govuk-frontend/govuk-frontend.min.js";

initGovuk();

// Loaded only by the pages that use them (docs/adr/0022): the time-out warning on signed-in pages, autosave
// where a form has long answers. Public pages carry neither.
if (document.querySelector("dialog[data-session-timeout]")) import("/assets/portal/timeout-warning.mjs");
if (document.querySelector("form[data-autosave]")) import("/assets/portal/autosave.mjs");

// Conditional reveals for radios. GOV.UK Frontend's own Radios script puts aria-expanded on the radio
// inputs, which ARIA does not allow on role "radio" (axe-core and the Nu Html Checker both report it), so
// the portal's radios leave out data-module="govuk-radios" and are shown and hidden here instead. The
// revealed questions follow their radio in the page, so screen readers meet them in order.
function syncReveals(group) {
  for (const radio of group) {
    const target = document.getElementById(radio.dataset.ariaControls || "");
    if (target) target.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
  }
}

const groups = new Map();
for (const radio of document.querySelectorAll(".govuk-radios__input")) {
  const key = `${radio.form ? radio.form.id || "form" : ""}:${radio.name}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(radio);
}
for (const group of groups.values()) {
  if (!group.some((radio) => radio.dataset.ariaControls)) continue;
  syncReveals(group);
  for (const radio of group) radio.addEventListener("change", () => syncReveals(group));
}
