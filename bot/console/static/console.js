// The case page's live messages: polls the case's messages.json every 2 seconds and appends
// what is new. Text goes in with textContent only, never as markup. Without JavaScript the
// page still works by reloading.
(function () {
  "use strict";

  var POLL_MS = 2000;

  function messageItem(message) {
    var item = document.createElement("li");
    item.className = "message message-" + (message.author === "employee" ? "employee" : "counselor");
    item.setAttribute("data-message-id", String(message.id));
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = message.who + " · " + message.at + " ";
    if (!message.delivered) {
      var pending = document.createElement("em");
      pending.className = "pending";
      pending.textContent = "· not delivered yet";
      meta.appendChild(pending);
    }
    var text = document.createElement("p");
    text.className = "text";
    text.textContent = message.text;
    item.appendChild(meta);
    item.appendChild(text);
    return item;
  }

  // Replies the employee's chat has confirmed since the page was drawn lose "not delivered yet".
  function markDelivered(list, pendingIds) {
    list.querySelectorAll("li[data-message-id] .pending").forEach(function (mark) {
      var id = Number(mark.closest("li").getAttribute("data-message-id"));
      if (pendingIds.indexOf(id) < 0) {
        mark.remove();
      }
    });
  }

  function start(list) {
    var url = list.getAttribute("data-poll");
    var status = document.getElementById("poll-status");
    var timer = null;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function poll() {
      var after = list.getAttribute("data-after") || "0";
      fetch(url + "?after=" + encodeURIComponent(after), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status === 401) {
            say("Your login has ended. Reload the page to log in again.");
            window.clearInterval(timer);
            return null;
          }
          if (!response.ok) {
            return null;
          }
          return response.json();
        })
        .then(function (body) {
          if (body && body.pending) {
            markDelivered(list, body.pending);
          }
          if (!body || !body.messages || body.messages.length === 0) {
            return;
          }
          var empty = list.querySelector(".empty");
          if (empty) {
            empty.remove();
          }
          body.messages.forEach(function (message) {
            list.appendChild(messageItem(message));
            list.setAttribute("data-after", String(message.id));
          });
          say("");
        })
        .catch(function () {
          say("Cannot reach the console right now; trying again.");
        });
    }

    timer = window.setInterval(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("message-list");
    if (list && list.getAttribute("data-poll") && window.fetch) {
      start(list);
    }
  });
})();
