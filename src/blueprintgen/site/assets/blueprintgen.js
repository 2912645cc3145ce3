/* blueprintgen: long lists ("Show more") and blueprint search. The diagram viewer is viewer.js. */
(function () {
  "use strict";

  // Long lists: the page holds the first rows; "Show more" adds the next JSON file's rows, as text.
  function fill(parent, cell) {
    if (typeof cell === "string") {
      parent.appendChild(document.createTextNode(cell));
    } else if (cell && cell.parts) {
      cell.parts.forEach(function (part) { fill(parent, part); });
    } else if (cell && typeof cell.href === "string") {
      var link = document.createElement("a");
      if (!/^[a-z][a-z0-9+.-]*:/i.test(cell.href)) link.setAttribute("href", cell.href);   // ours are relative
      var label = cell.code ? link.appendChild(document.createElement("code")) : link;
      label.textContent = String(cell.text);
      parent.appendChild(link);
    }
  }

  function setupList(list) {
    var chunks = list.querySelectorAll("a.bpg-chunk");
    var button = list.querySelector("button.bpg-more");
    var body = list.querySelector("tbody");
    if (!chunks.length || !button || !body || !window.fetch) return;
    var next = 0;
    var count = list.querySelector(".bpg-shown-count");
    var links = list.querySelector(".bpg-chunks");
    if (links) links.hidden = true;   // the button adds the rows; raw data links are for readers without script
    button.hidden = false;
    button.addEventListener("click", function () {
      if (next >= chunks.length) return;
      var chunk = chunks[next++];
      button.disabled = true;
      window.fetch(chunk.href).then(function (response) { return response.json(); }).then(function (data) {
        var first = body.rows.length;
        data.rows.forEach(function (row) {
          var tr = body.appendChild(document.createElement("tr"));
          row.forEach(function (cell) { fill(tr.appendChild(document.createElement("td")), cell); });
        });
        chunk.classList.add("bpg-chunk-shown");
        if (count) count.textContent = body.rows.length.toLocaleString("en-US");   // as the page writes counts: 1,200
        button.disabled = false;
        button.hidden = next >= chunks.length;
        // Focus goes to the first new row (it would fall to the page when the button hides):
        // a keyboard or screen-reader user reads on from there.
        var added = body.rows[first];
        if (added) {
          added.tabIndex = -1;
          added.focus();
        }
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".bpg-list"), setupList);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* Blueprint search: Pagefind's interface, where a page has a search box (the dashboard, the search page). */
(function () {
  "use strict";
  var RANKING = {termSimilarity: 4, pageLength: 1};   // Pagefind's defaults are 1 and 0.75
  var EXCERPT = 12;   // words around a match: Pagefind's interface's own with sub-results, for every part
  function start() {
    var box = document.getElementById("bpg-search");
    if (!box || box.getAttribute("data-ready") || typeof window.PagefindUI !== "function") return;
    box.setAttribute("data-ready", "yes");
    var bundle = new URL(box.getAttribute("data-bundle"), window.location.href).pathname;
    // Load the index's entry point and WebAssembly now, not on the first key press.
    import(bundle + "pagefind.js").then(function (pagefind) { return pagefind.init && pagefind.init(); })
      .catch(function () { /* the interface reports a missing index itself */ });
    // Pagefind read each page from a numbered file that names the page's URL (its `url`
    // metadata, relative to the site's root): every link of a result goes there, under the
    // site's base, which is where the bundle lies.
    var base = bundle.replace(/pagefind\/?$/, "");
    function located(result) {
      var page = result.meta && result.meta.url;
      if (typeof page !== "string" || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(page)) return result;
      var target = base + page.replace(/^\.\//, "");
      function moved(url) {
        var anchor = typeof url === "string" ? url.indexOf("#") : -1;
        return anchor < 0 ? target : target + url.slice(anchor);
      }
      result.url = target;
      result.meta.url = target;
      (result.sub_results || []).forEach(function (sub) { sub.url = moved(sub.url); });
      return result;
    }
    // Ranking: a word as typed counts far more than a longer word it starts (the last word typed
    // matches both: "Unit 0" must not rank "s003" with "0"), and a short page far more than a long
    // one that mentions the word in passing: the page about a team, a tag or a rule comes first.
    // The blueprint pages are indexed in parts (pagefind/parts.js names them, beside the pages
    // across blueprints in the primary index): Pagefind's interface merges them on the first
    // query, each with the same ranking and excerpts, and reuses the primary's WebAssembly.
    var parts = Array.isArray(window.blueprintgenSearchParts) ? window.blueprintgenSearchParts : [];
    var merged = parts.filter(function (part) { return typeof part === "string" && /^[\w-]+\/$/.test(part); })
      .map(function (part) { return {bundlePath: bundle + part, ranking: RANKING, excerptLength: EXCERPT}; });
    new window.PagefindUI({element: "#bpg-search", showSubResults: true, showImages: false,
                           bundlePath: bundle, processResult: located, ranking: RANKING,
                           excerptLength: EXCERPT, mergeIndex: merged, resetStyles: false});
    // Pagefind's input has a title and no label: the page's visible label names it.
    var input = box.querySelector("input");
    if (input && !input.id) input.id = "bpg-search-input";
    if (input) showNamed(box, input);
  }
  // The team, tag or rule whose name starts with what is typed, above Pagefind's results: the page
  // about a team must come before the hundreds that mention it, whatever their word counts.
  function showNamed(box, input) {
    var named;
    try { named = JSON.parse(box.getAttribute("data-names") || "[]"); } catch (e) { named = []; }
    if (!named.length) return;
    var list = document.createElement("ul");
    list.className = "bpg-named";
    list.setAttribute("aria-label", "Pages named so");
    list.hidden = true;
    // Inside Pagefind's form, between the input and its results.
    var form = input.form || input.parentNode;
    form.insertBefore(list, form.querySelector(".pagefind-ui__drawer"));
    function plain(text) { return text.trim().replace(/[\s-]+/g, " ").toLowerCase(); }   // "field-service" is "field service"
    function update() {
      var typed = plain(input.value);
      list.textContent = "";
      var found = typed.length < 2 ? [] : named.filter(function (item) {
        return plain(item[1]).indexOf(typed) === 0;
      });
      // The exact name first, then the shorter names it starts.
      found.sort(function (a, b) {
        return (plain(b[1]) === typed) - (plain(a[1]) === typed) || a[1].length - b[1].length;
      });
      found.slice(0, 5).forEach(function (item) {
        var row = document.createElement("li");
        var link = document.createElement("a");
        link.href = item[2];
        link.textContent = item[1];   // text, never HTML
        row.appendChild(document.createTextNode(item[0] + ": "));
        row.appendChild(link);
        list.appendChild(row);
      });
      list.hidden = !list.firstChild;
    }
    input.addEventListener("input", update);
    update();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* A table wider than its box scrolls sideways: keyboard users reach it with Tab (and then the
   arrow keys), as WCAG asks of a scrollable region; one that fits is no tab stop. */
(function () {
  "use strict";
  var SCROLLERS = ".bpg-table, .bpg-matrix, .bpg-table .md-typeset__scrollwrap, .bpg-matrix .md-typeset__scrollwrap";
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(SCROLLERS), function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(mark);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
  window.addEventListener("resize", mark);
})();
