// Starts the NHS.UK frontend components (radios, error summary focus) and shows a follow-up
// question only when its "Yes" is chosen. A static file, not an inline script, so the
// Content-Security-Policy can stay 'self' only.
//
// The reveal is ours rather than the library's because the library marks radios
// aria-expanded, which is not allowed on a radio (axe: aria-allowed-attr). The revealed
// question sits straight after its "Yes" in the page, so screen readers reach it next.
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

const HIDDEN = "nhsuk-radios__conditional--hidden";

function sync(input) {
  const target = document.getElementById(input.dataset.reveal);
  if (target) target.classList.toggle(HIDDEN, !input.checked);
}

document.querySelectorAll("input[data-reveal]").forEach((input) => {
  sync(input);
  document.querySelectorAll(`input[type="radio"][name="${input.name}"]`).forEach((radio) => {
    radio.addEventListener("change", () => sync(input));
  });
  window.addEventListener("pageshow", () => sync(input));
});

// "Send answers" sends once: the button is disabled as the form goes, so a double click makes
// one request. A page restored from the back-forward cache gets its button back.
document.querySelectorAll("form[data-submit-once]").forEach((form) => {
  const buttons = form.querySelectorAll("button[type=submit]");
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    // After this submit has begun, so the form still goes.
    setTimeout(() => buttons.forEach((button) => { button.disabled = true; }));
  });
  window.addEventListener("pageshow", () => {
    delete form.dataset.sending;
    buttons.forEach((button) => { button.disabled = false; });
  });
});
