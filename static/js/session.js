// The warning before a logged-in person's session ends (templates/includes/session_warning.html;
// when, in patto/accounts/session_expiry.py). Two minutes before the idle end it offers to go on
// («Continua la sessione»: a POST that counts as activity); five minutes before the absolute end,
// which nothing extends, it says to save. At the end it asks the server how the session stands:
// still going (a request from another tab or an htmx one came in: the warning goes away),
// expired or closed. The tabs of one browser tell each other the idle end they learn of, so a
// page left open in one tab does not warn while the person works in another.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box || !window.fetch) {
    return;
  }
  var WARN_IDLE = 120 * 1000;
  var WARN_ABSOLUTE = 300 * 1000;
  // the server writes the instant of the last request at most once a minute
  var RESOLUTION = 60 * 1000;
  var SHARED = "patto-session-idle-end";
  var idleMs = Number(box.dataset.idleSeconds) * 1000;
  var idleEnd = Date.now() + Number(box.dataset.idleLeft) * 1000;
  var absoluteEnd = Date.now() + Number(box.dataset.absoluteLeft) * 1000;
  var title = document.getElementById("session-warning-title");
  var text = document.getElementById("session-warning-text");
  var stay = box.querySelector(".session-stay");
  var close = box.querySelector(".session-close");
  var timers = [];
  var state = null;
  var returnTo = null;

  function share() {
    try {
      var known = Number(window.localStorage.getItem(SHARED)) || 0;
      if (known > idleEnd) {
        idleEnd = known;
      } else {
        window.localStorage.setItem(SHARED, String(idleEnd));
      }
    } catch (e) {
      // no storage (a private window may refuse it): each tab on its own
    }
  }

  function later(when, what) {
    timers.push(window.setTimeout(what, Math.max(0, when - Date.now())));
  }

  function schedule() {
    timers.forEach(window.clearTimeout);
    timers = [];
    share();
    if (absoluteEnd <= idleEnd) {
      later(absoluteEnd - WARN_ABSOLUTE, function () { show("absolute"); });
      later(absoluteEnd, check);
    } else {
      later(idleEnd - WARN_IDLE, function () { show("idle"); });
      later(idleEnd, check);
    }
  }

  function show(message) {
    var words = box.querySelector('[data-message="' + message + '"]');
    title.textContent = words.dataset.title;
    text.textContent = words.textContent;
    stay.hidden = message !== "idle";
    close.hidden = message === "idle";
    if (box.hidden) {
      returnTo = document.activeElement;
      box.hidden = false;
    } else if (message === state) {
      return; // already said: the focus stays where the person put it
    }
    state = message;
    (message === "idle" ? stay.querySelector("button") : close).focus();
  }

  function hide() {
    box.hidden = true;
    state = null;
    if (returnTo && document.body.contains(returnTo)) {
      returnTo.focus();
    }
    returnTo = null;
  }

  function learn(answer) {
    if (answer.state !== "going") {
      timers.forEach(window.clearTimeout);
      show(answer.state);
      return;
    }
    idleEnd = Date.now() + answer.idle_left * 1000;
    absoluteEnd = Date.now() + answer.absolute_left * 1000;
    var now = Date.now();
    if (
      (state === "idle" && idleEnd - now > WARN_IDLE) ||
      (state === "absolute" && absoluteEnd - now > WARN_ABSOLUTE)
    ) {
      hide();
    }
    schedule();
  }

  function ask(options) {
    var request = { credentials: "same-origin", headers: { Accept: "application/json" } };
    return window
      .fetch(box.dataset.statusUrl, Object.assign(request, options))
      .then(function (response) { return response.json(); })
      .then(learn)
      .catch(function () {
        // no answer (offline, or a page that is not the status): the warning stays as it is
      });
  }

  function check() {
    ask({ method: "GET", cache: "no-store" });
  }

  stay.addEventListener("submit", function (event) {
    event.preventDefault(); // never leave the page: what is being written stays in it
    ask({ method: "POST", body: new FormData(stay) });
  });
  close.addEventListener("click", hide);
  box.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    if (state === "idle") {
      stay.requestSubmit();
    } else {
      hide();
    }
  });
  // an htmx request reached the server: it counts as activity there too
  document.body.addEventListener("htmx:afterRequest", function () {
    idleEnd = Math.max(idleEnd, Date.now() + idleMs - RESOLUTION);
    if (state === "idle") {
      hide();
    }
    schedule();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === SHARED && Number(event.newValue) > idleEnd) {
      idleEnd = Number(event.newValue);
      if (state === "idle") {
        hide();
      }
      schedule();
    }
  });
  schedule();
})();
