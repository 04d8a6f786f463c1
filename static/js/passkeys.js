// Account security: once a passkey is added, reload so the list shows it.
(function () {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", function () {
    window.location.reload();
  });
})();
