/*
 * sphinx-newsletter's search page: each excerpt starts with the page's own text.
 *
 * Sphinx's searchtools.js shows, under each result, the text around a match in
 * the page's main content (Search.htmlToText). On a post page that content
 * begins with the title, the date line and the highlight card, and ends with
 * the author box, so excerpts showed the title two or three times, or
 * "Perfil · Todos os posts de ...". Left out here: what the index leaves out
 * too (class "no-search": the date line, the author box, navigation, listing
 * cards), the highlight card ("nl-no-excerpt") and the page's title (the
 * result's link already shows it).
 *
 * Loaded by the extension's search.html after searchtools.js. With another
 * searchtools.js (no Search.htmlToText) it does nothing, and Sphinx's
 * excerpts are shown as they are.
 */
"use strict";
(() => {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const sphinxHtmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(".no-search, .nl-no-excerpt").forEach((el) => el.remove());
    const title = page.querySelector('[role="main"] h1');
    if (title && !anchor) title.remove();
    return sphinxHtmlToText(page.documentElement.outerHTML, anchor);
  };
})();
