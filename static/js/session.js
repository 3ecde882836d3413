// The warning before a logged-in person's session ends (templates/includes/session_warning.html;
// when, in patto/accounts/session_expiry.py). Two minutes before the idle end it offers to go on
// («Continua la sessione»: a POST that counts as activity); five minutes before the absolute end,
// which nothing extends, it says to save. At the end it asks the server how the session stands:
// still going (a request from another tab or an htmx one came in: the warning goes away),
// expired or closed; with no answer it asks again a little later. The tabs of one browser tell
// each other the idle end they learn of, for the same login only, so a page left open in one
// tab does not warn while the person works in another.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box || !window.fetch) {
    return;
  }
  var WARN_IDLE = 120 * 1000;
  var WARN_ABSOLUTE = 300 * 1000;
  var RETRY = 30 * 1000;
  // the server writes the instant of the last request at most once a minute
  var RESOLUTION = 60 * 1000;
  var SHARED = "patto-session-idle-end";
  var DISMISSED = "patto-session-dismissed";
  var idleMs = Number(box.dataset.idleSeconds) * 1000;
  var login = box.dataset.login;
  var idleEnd = Date.now() + Number(box.dataset.idleLeft) * 1000;
  var absoluteEnd = Date.now() + Number(box.dataset.absoluteLeft) * 1000;
  var title = document.getElementById("session-warning-title");
  var text = document.getElementById("session-warning-text");
  var stay = box.querySelector(".session-stay");
  var close = box.querySelector(".session-close");
  var timers = [];
  var state = null;
  var returnTo = null;

  function storage(kind) {
    try {
      return window[kind];
    } catch (e) {
      return null; // refused (a private window may): each tab on its own
    }
  }

  function share() {
    var store = storage("localStorage");
    if (!store) {
      return;
    }
    try {
      if (!adopt(JSON.parse(store.getItem(SHARED) || "null"))) {
        store.setItem(SHARED, JSON.stringify({ login: login, idleEnd: idleEnd }));
      }
    } catch (e) {
      // an entry not of ours: written again next time
    }
  }

  // another tab's idle end, when it is of this login and later than ours (never more than a
  // whole idle time from now): true when taken
  function adopt(known) {
    if (known && known.login === login && known.idleEnd > idleEnd) {
      idleEnd = Math.min(known.idleEnd, Date.now() + idleMs);
      return true;
    }
    return false;
  }

  // the session was extended: the warning of its idle end, if shown, is no longer true
  function extended() {
    if (state === "idle") {
      hide();
    }
    schedule();
  }

  function dismissed() {
    var store = storage("sessionStorage");
    return Boolean(store) && store.getItem(DISMISSED) === login;
  }

  function later(when, what) {
    timers.push(window.setTimeout(what, Math.max(0, when - Date.now())));
  }

  function schedule() {
    timers.forEach(window.clearTimeout);
    timers = [];
    share();
    if (absoluteEnd <= idleEnd) {
      later(absoluteEnd - WARN_ABSOLUTE, function () {
        if (!dismissed()) {
          show("absolute");
        }
      });
      // at least a second apart: the server counts whole seconds
      later(Math.max(absoluteEnd, Date.now() + 1000), check);
    } else {
      later(idleEnd - WARN_IDLE, function () { show("idle"); });
      later(Math.max(idleEnd, Date.now() + 1000), check);
    }
  }

  function show(message) {
    if (message === state) {
      return; // already said: the focus stays where the person put it
    }
    var words = box.querySelector('[data-message="' + message + '"]');
    title.textContent = words.querySelector(".session-title").textContent;
    text.textContent = words.querySelector(".session-text").textContent;
    stay.hidden = message !== "idle" && message !== "unreachable";
    close.hidden = message === "idle";
    var opening = box.hidden;
    if (opening) {
      returnTo = document.activeElement;
      box.hidden = false;
      // the page can scroll its last lines from under the box
      document.body.style.paddingBottom = box.offsetHeight + "px";
    }
    state = message;
    // the focus goes to the box when it opens, and stays where the person put it after, unless
    // the button that had it is gone with the old message
    var focused = document.activeElement;
    var lost = focused === document.body || (box.contains(focused) && focused.offsetParent === null);
    if (opening || lost) {
      (stay.hidden ? close : stay.querySelector("button")).focus();
    }
  }

  function hide() {
    box.hidden = true;
    document.body.style.paddingBottom = "";
    state = null;
    if (returnTo && document.body.contains(returnTo)) {
      returnTo.focus();
    }
    returnTo = null;
  }

  function forget() {
    var store = storage("localStorage");
    if (store) {
      store.removeItem(SHARED);
    }
  }

  function learn(answer) {
    if (answer.state !== "going") {
      timers.forEach(window.clearTimeout);
      forget();
      show(answer.state);
      return;
    }
    login = String(answer.login);
    idleEnd = Date.now() + answer.idle_left * 1000;
    absoluteEnd = Date.now() + answer.absolute_left * 1000;
    var now = Date.now();
    if (
      state === "expired" ||
      state === "closed" ||
      state === "unreachable" ||
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
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(learn);
  }

  function check() {
    ask({ method: "GET", cache: "no-store" }).catch(function () {
      // no answer (offline, the portal restarting): ask again in a while
      later(Date.now() + RETRY, check);
    });
  }

  stay.addEventListener("submit", function (event) {
    event.preventDefault(); // never leave the page: what is being written stays in it
    ask({ method: "POST", body: new FormData(stay) }).catch(function () {
      show("unreachable");
    });
  });
  close.addEventListener("click", function () {
    if (state === "absolute") {
      var store = storage("sessionStorage");
      if (store) {
        store.setItem(DISMISSED, login); // said once is enough, on this page and the next
      }
    }
    hide();
  });
  box.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    if (state === "idle") {
      stay.requestSubmit();
    } else {
      close.click();
    }
  });
  // an htmx request that reached the server counts as activity there too
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status === 0) {
      return;
    }
    idleEnd = Math.max(idleEnd, Date.now() + idleMs - RESOLUTION);
    extended();
  });
  window.addEventListener("storage", function (event) {
    if (event.key !== SHARED || !event.newValue) {
      return;
    }
    if (adopt(JSON.parse(event.newValue))) {
      extended();
    }
  });
  // timers wait while a laptop sleeps, and a page from the back-forward cache kept old ones
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && (state === null || state === "idle")) {
      schedule();
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      check();
    }
  });
  schedule();
})();
