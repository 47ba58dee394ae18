/* The share links' "Copy link" (sphinx_newsletter/share.py): copies the page's canonical URL.
 * Without JavaScript the "Copy link" is a link to the page itself; with it, a button. Without a
 * clipboard the status line shows the URL, to copy by hand. */
(function () {
  "use strict";

  function fallbackCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(field);
    return copied;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return fallbackCopy(text); }
      );
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function setUp(nav) {
    var link = nav.querySelector("a.nl-share-copy");
    var status = nav.querySelector(".nl-share-status");
    if (!link || !status) {
      return;
    }
    // With JavaScript, the link becomes a real button (keyboard and screen readers treat it as one).
    var button = document.createElement("button");
    button.type = "button";
    button.className = "nl-share-copy";
    button.textContent = link.textContent;
    var url = link.getAttribute("href");
    var copied = link.dataset.nlCopied;
    button.addEventListener("click", function () {
      copy(url).then(function (done) {
        // textContent only: the URL and the message are never parsed as markup.
        status.textContent = done ? copied : url;
      });
    });
    link.replaceWith(button);
  }

  function start() {
    document.querySelectorAll("nav.nl-share").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
