// Starts the NHS.UK frontend components (radios with conditional questions, error summary focus).
// A static file, not an inline script, so the Content-Security-Policy can stay 'self' only.
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
