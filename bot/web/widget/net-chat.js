/*
 * NET chat widget: one <script> tag, no dependencies, no build step.
 *
 *   <script src="https://site/widget/net-chat.js" defer
 *           data-server="https://chat.site"   (the Rasa server; required)
 *           data-center="the Neuroendocrine Tumor Program"
 *           data-phone="1-800-555-0199"
 *           data-color="#0b4a6f"></script>
 *
 * It talks to the Rasa "website" channel over HTTPS (bot/chat/channels.py says why not socket.io).
 * The only thing it stores in the browser is the token the server issued for this
 * conversation, in sessionStorage: only it opens the conversation (the server derives the
 * conversation's id from it), a reload continues the conversation (the server keeps the
 * transcript), closing the tab or "Start over" ends it. Every node is built with textContent, so no message can inject markup.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var data = script ? script.dataset : {};
  var config = {
    server: (data.server || "").replace(/\/+$/, ""),
    center: data.center || "our NET program",
    phone: data.phone || "",
    color: data.color || "#0b4a6f"
  };
  var TOKEN_KEY = "net-chat-token";
  var TIMEOUT_MS = 30000;
  // Web addresses, and US phone numbers such as 1-800-555-0199 or (617) 555-0123, become
  // links: a phone number a visitor can tap is one they can call.
  var LINK_PATTERN = new RegExp(
    "(https?:\\/\\/[^\\s<>\"]+[^\\s<>\".,;:!?)])" +
    "|((?:\\+?1[ .-]?)?(?:\\(\\d{3}\\)|\\d{3})[ .-]?\\d{3}[ .-]?\\d{4})(?!\\d)", "g");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }


  // ---- the DOM ----
  var root = el("div", "net-chat");
  root.style.setProperty("--net-chat-accent", config.color);
  var launcher = el("button", "net-chat-launcher", "Chat: questions about NETs");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "net-chat-panel");

  var panel = el("section", "net-chat-panel");
  panel.id = "net-chat-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "net-chat-title");

  var header = el("div", "net-chat-header");
  var title = el("h2", "net-chat-title", "Questions about NETs");
  title.id = "net-chat-title";
  var restart = el("button", "net-chat-restart", "Start over");
  restart.type = "button";
  var close = el("button", "net-chat-close", "Close");
  close.type = "button";
  close.setAttribute("aria-label", "Close chat");
  header.append(title, restart, close);

  var notice = el("p", "net-chat-notice");
  notice.append(
    "Information from " + config.center + ", not medical advice. ",
    el("strong", null, "Emergency: call 911. In crisis: call or text 988.")
  );

  var log = el("div", "net-chat-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "Conversation");
  log.tabIndex = 0;

  var status = el("div", "net-chat-status");
  status.setAttribute("role", "status");

  var form = el("form", "net-chat-form");
  var label = el("label", "net-chat-sr", "Your message");
  label.htmlFor = "net-chat-input";
  var input = el("textarea", "net-chat-input");
  input.id = "net-chat-input";
  input.rows = 1;
  input.maxLength = 2000;
  input.autocomplete = "off";
  input.placeholder = "Type your question";
  var send = el("button", "net-chat-send", "Send");
  send.type = "submit";
  form.append(label, input, send);

  panel.append(header, notice, log, status, form);
  root.append(launcher, panel);

  // ---- rendering ----
  function appendText(node, text) {
    var last = 0;
    text.replace(LINK_PATTERN, function (found, url, phone, offset) {
      node.append(text.slice(last, offset));
      var link = el("a", null, found);
      if (url) {
        link.href = url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
      } else {
        var digits = phone.replace(/\D/g, "");
        link.href = "tel:+" + (digits.length === 10 ? "1" + digits : digits);
      }
      node.append(link);
      last = offset + found.length;
      return found;
    });
    node.append(text.slice(last));
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function showVisitor(text) {
    var bubble = el("div", "net-chat-msg net-chat-visitor");
    bubble.append(el("span", "net-chat-sr", "You said: "), text);
    log.append(bubble);
    scrollDown();
    return bubble;
  }

  function showBot(text, buttons) {
    var bubble = el("div", "net-chat-msg net-chat-bot");
    bubble.append(el("span", "net-chat-sr", "Assistant: "));
    appendText(bubble, text || "");
    log.append(bubble);
    if (buttons && buttons.length) {
      var group = el("div", "net-chat-replies");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested replies");
      buttons.forEach(function (button) {
        var reply = el("button", "net-chat-reply", button.title);
        reply.type = "button";
        reply.addEventListener("click", function () {
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
            b.disabled = true;
          });
          submit(button.payload || button.title, button.title);
        });
        group.append(reply);
      });
      log.append(group);
    }
    scrollDown();
  }

  function setStatus(text, retry) {
    status.textContent = text || "";
    status.classList.toggle("net-chat-error", Boolean(retry));
    if (retry) {
      var again = el("button", "net-chat-retry", "Retry");
      again.type = "button";
      again.addEventListener("click", retry);
      status.append(" ", again);
    }
  }

  // ---- talking to the server ----
  function request(path, options) {
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) options.headers = Object.assign({ Authorization: "Bearer " + token }, options.headers);
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    options.signal = controller.signal;
    return fetch(config.server + "/webhooks/website/" + path, options).then(function (response) {
      clearTimeout(timer);
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error(body.error || "The chat answered with an error.");
          error.fromServer = true;
          error.status = response.status;
          throw error;
        }
        return body;
      });
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  // The first message of a conversation asks the server for its token.
  function conversation() {
    if (sessionStorage.getItem(TOKEN_KEY)) return Promise.resolve();
    return request("session", { method: "POST" }).then(function (body) {
      sessionStorage.setItem(TOKEN_KEY, body.token);
    });
  }

  var queue = Promise.resolve();
  var failed = [];

  // Sent again with a resend, so a message that did reach the server is answered once.
  function messageId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function deliver(bubble, payload, id) {
    bubble.classList.remove("net-chat-failed");
    var old = bubble.querySelector(".net-chat-resend");
    if (old) old.remove();
    setStatus("The assistant is typing…");
    root.classList.add("net-chat-busy");
    return conversation().then(function () {
      return request("webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ message: payload, id: id })
      });
    }).then(function (replies) {
      root.classList.remove("net-chat-busy");
      setStatus("");
      replies.forEach(function (reply) { showBot(reply.text, reply.buttons); });
    }, function (error) {
      root.classList.remove("net-chat-busy");
      if (error.status === 401 || error.status === 403) {
        sessionStorage.removeItem(TOKEN_KEY);  // a token the server no longer takes
      }
      if (error.fromServer) {  // refused (too long, too fast...): say why, nothing to resend
        setStatus(error.message);
        return;
      }
      bubble.classList.add("net-chat-failed");
      var resend = el("button", "net-chat-resend", "Not sent. Resend");
      resend.type = "button";
      resend.addEventListener("click", function () { resendFailed(); });
      bubble.append(" ", resend);
      failed.push({ bubble: bubble, payload: payload, id: id });
      setStatus("Can't reach the chat right now. Check your connection and retry" +
                (config.phone ? ", or call " + config.phone : "") + ".", resendFailed);
    });
  }

  function resendFailed() {
    var waiting = failed;
    failed = [];
    waiting.forEach(function (item) {
      queue = queue.then(function () { return deliver(item.bubble, item.payload, item.id); });
    });
  }

  // Sends go one after another, so the server sees them in the order they were typed.
  function submit(payload, shown) {
    var bubble = showVisitor(shown || payload);
    var id = messageId();
    if (failed.length) {  // keep the order: this one waits behind the unsent ones
      failed.push({ bubble: bubble, payload: payload, id: id });
      bubble.classList.add("net-chat-failed");
      return;
    }
    queue = queue.then(function () { return deliver(bubble, payload, id); });
  }

  var loaded = false;
  var historyShown = Promise.resolve();  // what a new message waits for, to keep the order

  function loadHistory() {
    loaded = true;
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      welcome();
      return;
    }
    setStatus("Loading your conversation…");
    historyShown = request("history", { method: "GET" }).then(function (lines) {
      setStatus("");
      if (!lines.length) welcome();
      lines.forEach(function (line) {
        if (line.from === "visitor") showVisitor(line.text);
        else showBot(line.text, line.buttons);
      });
      // Only the last question's quick replies still make sense.
      var groups = log.querySelectorAll(".net-chat-replies");
      Array.prototype.forEach.call(groups, function (group, index) {
        if (index < groups.length - 1 || log.lastElementChild !== group) {
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
            b.disabled = true;
          });
        }
      });
    }, function (error) {
      if (error.status === 401 || error.status === 403) {  // that conversation is over
        sessionStorage.removeItem(TOKEN_KEY);
        setStatus("");
        welcome();
        return;
      }
      loaded = false;
      setStatus("Can't reach the chat right now.", function () { setStatus(""); loadHistory(); });
    });
  }

  function welcome() {
    showBot("Hello! I can answer common questions about neuroendocrine tumors, or arrange a " +
            "call back from " + config.center + ". What would you like to know?");
  }

  // ---- opening, closing, keyboard ----
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("net-chat-open");
    if (!loaded) loadHistory();
    input.focus();
  }

  function shut() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("net-chat-open");
    launcher.focus();
  }

  launcher.addEventListener("click", function () { panel.hidden ? open() : shut(); });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") shut();
  });
  restart.addEventListener("click", function () {
    sessionStorage.removeItem(TOKEN_KEY);
    failed = [];
    log.textContent = "";
    setStatus("");
    welcome();
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      setStatus("Please type a message first.");
      return;
    }
    input.value = "";
    submit(text);
  });
  // Any element with data-net-chat-open opens the chat; data-net-chat-open="callback" (the
  // page's "Request an appointment" button) also starts the callback request.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-net-chat-open]");
    if (opener) {
      event.preventDefault();
      open();
      if (opener.getAttribute("data-net-chat-open") === "callback") {
        historyShown.then(function () {
          submit("/request_callback", "I'd like a call back about an appointment or a second opinion");
        });
      }
    }
  });

  var styles = el("link");
  styles.rel = "stylesheet";
  styles.href = script.src.replace(/net-chat\.js(\?.*)?$/, "net-chat.css");
  document.head.append(styles);
  document.body.append(root);
})();
