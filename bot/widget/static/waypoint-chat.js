/*
 * Waypoint's web chat: starts rasa-webchat (loaded before this file from /widget/webchat.js)
 * and makes it usable with the keyboard and a screen reader.
 *
 *   WaypointChat.start({socketUrl: "https://rasa.example.org", token: "<JWT from the intranet>"})
 *
 * Options: socketUrl (Rasa's origin; default: this page's origin), token (a signed JWT naming
 * the employee; without it the server gives this browser an anonymous identity), element
 * (where to mount; default: a floating launcher), embedded (always open inside element),
 * storage ("local", the default: the conversation survives closing the browser; "session":
 * only this tab). Pages can also declare the widget with data attributes:
 *   <section data-waypoint-chat data-socket-url="..." data-embedded="true" data-token="..."></section>
 *
 * The server decides the conversation: with a token, the employee's own; without, the signed
 * anonymous id this browser was given before, or a new one (waypoint_rasa/webchat.py).
 */
(function () {
  "use strict";

  var SESSION_KEY = "chat_session"; // rasa-webchat's storage key: the session id and the messages
  var IDENTITY_KEY = "waypoint_chat_identity"; // who the stored conversation belongs to

  var LABELS = [
    [".rw-new-message", { "aria-label": "Your message" }],
    [".rw-send", { "aria-label": "Send" }],
    [".rw-close-button", { "aria-label": "Close the chat" }],
    [".rw-toggle-fullscreen-button", { "aria-label": "Toggle full screen" }],
    [".rw-messages-container", { role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" }],
  ];

  function setAttributes(node, attributes) {
    Object.keys(attributes).forEach(function (name) {
      if (node.getAttribute(name) !== attributes[name]) node.setAttribute(name, attributes[name]);
    });
  }

  function focusInput(root) {
    var input = root.querySelector(".rw-new-message");
    if (input && !input.disabled) input.focus();
  }

  // When a button was just chosen, the bot's next buttons take the focus as they appear (the
  // text box has it meanwhile, and keeps it when the answer has no buttons or typing began).
  var CHOICE_ANSWER_MS = 15000;
  var lastChoice = 0;

  // Buttons under a message are plain <div>s in rasa-webchat: make them buttons for the
  // keyboard (Tab, Enter, Space) and for screen readers. True when the node is new.
  function makeButton(node, root) {
    if (node.tagName === "A" || node.dataset.waypointButton) return false;
    node.dataset.waypointButton = "1";
    setAttributes(node, { role: "button", tabindex: "0" });
    node.addEventListener("click", function () { lastChoice = Date.now(); });
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        node.click();
        setTimeout(function () { focusInput(root); }, 0);
      }
    });
    return true;
  }

  function focusNewButtons(root, fresh) {
    if (!fresh.length || Date.now() - lastChoice > CHOICE_ANSWER_MS) return;
    var input = root.querySelector(".rw-new-message");
    var waiting = document.activeElement === input || document.activeElement === document.body;
    if (waiting && !(input && input.value)) {
      lastChoice = 0;
      fresh[0].focus();
    }
  }

  function enhance(root) {
    LABELS.forEach(function (entry) {
      root.querySelectorAll(entry[0]).forEach(function (node) { setAttributes(node, entry[1]); });
    });
    root.querySelectorAll(".rw-launcher").forEach(function (node) {
      var open = !!document.querySelector(".rw-chat-open");
      setAttributes(node, {
        "aria-label": open ? "Close the chat" : "Open the career counseling chat",
        "aria-expanded": open ? "true" : "false",
      });
    });
    var fresh = [];
    root.querySelectorAll(".rw-reply").forEach(function (node) {
      if (makeButton(node, root)) fresh.push(node);
    });
    focusNewButtons(root, fresh);
  }

  function watch(root) {
    enhance(root);
    // React re-renders replace nodes: label the new ones as they appear.
    new MutationObserver(function () { enhance(root); }).observe(root, { childList: true, subtree: true });
  }

  function subject(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return String(JSON.parse(atob(part)).sub);
    } catch (error) {
      return "?";
    }
  }

  // A conversation kept in this browser belongs to one person: when someone else (another
  // employee, or anonymous after an employee) starts the chat here, it is not shown to them.
  function forgetOtherIdentity(storage, identity) {
    try {
      if (storage.getItem(IDENTITY_KEY) !== identity) {
        storage.removeItem(SESSION_KEY);
        storage.setItem(IDENTITY_KEY, identity);
      }
    } catch (error) { /* storage disabled: the widget keeps nothing anyway */ }
  }

  function withToken(url, token) {
    // rasa-webchat cannot pass socket.io's `auth`; the query of the socket URL reaches the
    // server's connect handler (never logged there).
    return url + (url.indexOf("?") < 0 ? "/?" : "&") + "token=" + encodeURIComponent(token);
  }

  function status(text) {
    var node = document.getElementById("waypoint-chat-status");
    if (node) node.textContent = text;
  }

  function start(options) {
    options = options || {};
    if (!window.WebChat || !window.WebChat.default) {
      status("The chat could not be loaded. Please reload the page.");
      return;
    }
    var storageName = options.storage === "session" ? "session" : "local";
    var storage = storageName === "session" ? window.sessionStorage : window.localStorage;
    var token = options.token || "";
    forgetOtherIdentity(storage, token ? "employee:" + subject(token) : "anonymous");
    var url = (options.socketUrl || window.location.origin).replace(/\/+$/, "");
    var element = options.element || null;
    var embedded = !!(options.embedded && element);

    window.WebChat.default({
      socketUrl: token ? withToken(url, token) : url,
      socketPath: "/socket.io/",
      title: "Waypoint",
      subtitle: "Career counseling",
      inputTextFieldHint: "Type your answer…",
      connectingText: "Connecting…",
      embedded: embedded,
      showCloseButton: !embedded,
      hideWhenNotConnected: false,
      withRules: false,
      params: { storage: storageName },
      // A first visit greets at once: the widget sends this (unseen) when its conversation is new;
      // a returning person's stored conversation is shown without a second greeting.
      initPayload: "/greet",
      // a short pause per message: readable, without making people wait
      customMessageDelay: function (message) { return Math.min(150 + message.length * 4, 900); },
      onSocketEvent: {
        connect: function () { status(""); },
        connect_error: function (error) {
          var refused = error && /token/i.test(String(error.message));
          status(refused
            ? "Your sign-in for the chat has expired or is not valid. Please reload the page."
            : "The chat cannot reach the server right now. It keeps trying…");
        },
        disconnect: function () { status("The connection was lost. Reconnecting…"); },
        // A counselor's reply asks for an acknowledgement: the server counts it as delivered
        // only then, and sends it again on the next visit otherwise.
        bot_uttered: function (message, acknowledge) {
          if (typeof acknowledge === "function") acknowledge(true);
        },
      },
    }, element);
    watch(element || document.body);
  }

  function autoStart() {
    document.querySelectorAll("[data-waypoint-chat]").forEach(function (element) {
      start({
        element: element,
        socketUrl: element.dataset.socketUrl,
        token: element.dataset.token,
        embedded: element.dataset.embedded === "true",
        storage: element.dataset.storage,
      });
    });
  }

  window.WaypointChat = { start: start };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", autoStart);
  } else {
    autoStart();
  }
})();
