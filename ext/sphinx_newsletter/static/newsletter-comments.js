/* sphinx-newsletter: reader comments, loaded only when the reader asks.
 *
 * The page holds a <section class="nl-comments" data-nl-...> written by the
 * extension (every value HTML-escaped). Nothing of the provider is requested
 * before the button is clicked; the click inserts the provider's script from
 * its fixed host. Values from the page are only ever set as strings
 * (configuration fields, attributes), never parsed as HTML or code.
 */
(function () {
  "use strict";

  var SHORTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

  function script(src) {
    var element = document.createElement("script");
    element.src = src;
    element.async = true;
    return element;
  }

  function loadDisqus(section, thread) {
    var data = section.dataset;
    if (!SHORTNAME.test(data.nlShortname || "")) {
      return false;
    }
    window.disqus_config = function () {
      this.page.url = data.nlUrl;
      this.page.identifier = data.nlIdentifier;
      this.page.title = data.nlTitle;
      if (data.nlLang) {
        this.language = data.nlLang;
      }
    };
    var box = document.createElement("div");
    box.id = "disqus_thread";
    thread.appendChild(box);
    var element = script("https://" + data.nlShortname + ".disqus.com/embed.js");
    element.setAttribute("data-timestamp", String(Date.now()));
    document.head.appendChild(element);
    return true;
  }

  function loadGiscus(section, thread) {
    var data = section.dataset;
    var element = script("https://giscus.app/client.js");
    var attributes = {
      "data-repo": data.nlRepo,
      "data-repo-id": data.nlRepoId,
      "data-category": data.nlCategory,
      "data-category-id": data.nlCategoryId,
      "data-mapping": "specific",
      "data-term": data.nlTerm,
      "data-strict": "1",
      "data-reactions-enabled": "1",
      "data-emit-metadata": "0",
      "data-input-position": "top",
      "data-theme": data.nlTheme || "preferred_color_scheme",
      "data-lang": data.nlLang || "en",
      crossorigin: "anonymous"
    };
    Object.keys(attributes).forEach(function (name) {
      element.setAttribute(name, attributes[name] || "");
    });
    var box = document.createElement("div");
    box.className = "giscus";
    thread.appendChild(box);
    thread.appendChild(element);
    return true;
  }

  var LOADERS = { disqus: loadDisqus, giscus: loadGiscus };

  function prepare(section) {
    var button = section.querySelector(".nl-comments-load");
    var thread = section.querySelector(".nl-comments-thread");
    var load = LOADERS[section.dataset.nlProvider];
    if (!button || !thread || !load) {
      return;
    }
    button.hidden = false;
    button.addEventListener(
      "click",
      function () {
        button.disabled = true;
        if (load(section, thread)) {
          button.parentNode.hidden = true;
          section.classList.add("nl-comments-loaded");
        }
      },
      { once: true }
    );
  }

  document.querySelectorAll("section.nl-comments").forEach(prepare);
})();
