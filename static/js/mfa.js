// Security keys (WebAuthn) for the second factor (templates/mfa/), with allauth's scripts
// (mfa/js/webauthn-json.js and mfa/js/webauthn.js, loaded before this file). A button marked
// data-webauthn="add" or "authenticate" asks the browser for the key with the server's options
// (the JSON data block #webauthn-data) and sends the form of its hidden field
// data-credential with the key's answer. When the key or the browser fails, the reason is shown
// in [data-webauthn-error] instead of only in the console. No inline script: the
// Content-Security-Policy allows none.
(function () {
  "use strict";

  var errorBox = null;

  function showError(exception) {
    if (!errorBox) {
      return;
    }
    var name = exception && exception.name;
    var key = "other";
    if (!window.PublicKeyCredential) {
      key = "unsupported";
    } else if (name === "NotAllowedError" || name === "AbortError") {
      key = "notAllowed";
    } else if (name === "InvalidStateError") {
      key = "invalidState";
    }
    errorBox.textContent = errorBox.dataset[key];
    errorBox.classList.remove("d-none");
  }

  document.addEventListener("allauth.error", function (event) {
    event.preventDefault(); // allauth would only write it in the console
    showError(event.detail && event.detail.exception);
  });

  document.addEventListener("DOMContentLoaded", function () {
    errorBox = document.querySelector("[data-webauthn-error]");
    var forms = window.allauth && window.allauth.webauthn && window.allauth.webauthn.forms;
    document.querySelectorAll("[data-webauthn]").forEach(function (button) {
      if (!window.PublicKeyCredential || !forms) {
        button.disabled = true;
        showError(null);
        return;
      }
      var kind = button.dataset.webauthn;
      var ids = { credential: button.dataset.credential, data: "webauthn-data" };
      ids[kind] = button.id;
      button.addEventListener("click", function () {
        if (errorBox) {
          errorBox.classList.add("d-none");
        }
      });
      forms[kind + "Form"]({ ids: ids });
    });
  });
})();
