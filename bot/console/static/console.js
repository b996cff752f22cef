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

  // The queue updates itself: every few seconds it asks whether anything moved (queue.json);
  // when it did, its sections are fetched again as HTML the server escaped, and the title and
  // the badge say how many cases are new and urgent. A sound is played only when asked for.
  var QUEUE_POLL_MS = 4000;
  var SOUND_KEY = "waypoint-queue-sound";

  function queueTitle(counts) {
    var parts = [];
    if (counts.urgent) { parts.push(counts.urgent + " urgent"); }
    if (counts["new"]) { parts.push(counts["new"] + " new"); }
    var base = document.title.replace(/^\([^)]*\) /, "");
    document.title = (parts.length ? "(" + parts.join(" · ") + ") " : "") + base;
  }

  function queueBadge(counts) {
    var alert = document.getElementById("queue-alert");
    if (!alert) { return; }
    alert.textContent = "";
    [["urgent", counts.urgent, " urgent", "badge badge-urgent"], ["new", counts["new"], " not yet taken", "badge badge-new"]]
      .forEach(function (item) {
        if (item[1]) {
          var badge = document.createElement("strong");
          badge.className = item[3];
          badge.textContent = item[1] + item[2];
          alert.appendChild(badge);
          alert.appendChild(document.createTextNode(" "));
        }
      });
  }

  function chime() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      var context = new Context();
      var tone = context.createOscillator();
      var gain = context.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.08;
      tone.connect(gain);
      gain.connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.25);
    } catch (error) { /* no sound: the title and the badge still say it */ }
  }

  function startQueue(live) {
    var sound = document.getElementById("queue-sound");
    if (sound) {
      try { sound.checked = window.localStorage.getItem(SOUND_KEY) === "on"; } catch (error) { /* storage off */ }
      sound.addEventListener("change", function () {
        try { window.localStorage.setItem(SOUND_KEY, sound.checked ? "on" : "off"); } catch (error) { /* storage off */ }
      });
    }
    var seen = { urgent: Number(live.getAttribute("data-urgent")) || 0, "new": Number(live.getAttribute("data-new")) || 0 };
    var timer = null;

    function refresh() {
      fetch(live.getAttribute("data-fragment"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (markup) {
          if (markup === null) { return; }
          var holder = document.createElement("div");
          holder.innerHTML = markup;  // the server's own template, every value escaped there
          var fresh = holder.querySelector("#queue-sections");
          var current = document.getElementById("queue-sections");
          if (fresh && current) { current.replaceWith(fresh); }
        });
    }

    function poll() {
      fetch(live.getAttribute("data-poll"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status === 401) { window.clearInterval(timer); return null; }
          return response.ok ? response.json() : null;
        })
        .then(function (body) {
          if (!body) { return; }
          queueTitle(body);
          queueBadge(body);
          if ((body.urgent > seen.urgent || body["new"] > seen["new"]) && sound && sound.checked) { chime(); }
          seen = { urgent: body.urgent, "new": body["new"] };
          var current = document.getElementById("queue-sections");
          if (current && current.getAttribute("data-signature") !== body.signature) { refresh(); }
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    }

    timer = window.setInterval(poll, QUEUE_POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("message-list");
    if (list && list.getAttribute("data-poll") && window.fetch) {
      start(list);
    }
    var live = document.getElementById("queue-live");
    if (live && window.fetch) {
      startQueue(live);
    }
  });
})();
