/* blueprintgen: the diagram viewer. Drag to pan; wheel, + and − to zoom; Fit; keyboard when focused.
   It opens at a readable scale (step text at least READABLE_PX on screen), at the start of the journey.
   The page holds an <img> of the diagram's file; the viewer loads the SVG itself in its place, so its
   step cards link to their steps. Uses the vendored svg-pan-zoom (see svg-pan-zoom.LICENSE).
   Without script, or when the file cannot be fetched (file://), the <img> stays and scrolls in its box. */
(function () {
  "use strict";
  var READABLE_PX = 11;   // on-screen size of step text when the viewer opens; never under 10 px
  var PAN_STEP = 60;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var SCHEME = /^[a-z][a-z0-9+.-]*:/i;

  function inert(svg) {
    // The file is our own sanitised Graphviz output, and parsed markup never runs its scripts; still,
    // drop anything that could run or lead off the site, so the page never depends on the file for that.
    Array.prototype.forEach.call(svg.querySelectorAll("script, foreignObject"), function (node) { node.remove(); });
    Array.prototype.forEach.call([svg].concat(Array.prototype.slice.call(svg.querySelectorAll("*"))), function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
        var name = attribute.localName.toLowerCase();
        if (name.indexOf("on") === 0 || (name === "href" && SCHEME.test(attribute.value.replace(/[\x00-\x20]+/g, "")))) {
          node.removeAttributeNode(attribute);
        }
      });
    });
    return svg;
  }

  function load(viewer) {
    // Swap the <img> for the SVG of the same file; on any failure the <img> stays as it is.
    var image = viewer.querySelector(".bpg-diagram img.bpg-diagram-file");
    if (!image) return setup(viewer);
    if (viewer.getAttribute("data-bpg-loading") || !window.fetch || !window.DOMParser) return;
    viewer.setAttribute("data-bpg-loading", "yes");
    window.fetch(image.src).then(function (response) {
      if (!response.ok) throw new Error("diagram " + image.src + ": HTTP " + response.status);
      return response.text();
    }).then(function (text) {
      var parsed = new window.DOMParser().parseFromString(text, "image/svg+xml");
      var root = parsed.documentElement;
      if (root.namespaceURI !== SVG_NS || root.localName !== "svg" || parsed.getElementsByTagName("parsererror").length) {
        throw new Error("diagram " + image.src + " is not an SVG");
      }
      if (!image.isConnected) return;   // the reader has moved to another page meanwhile (instant navigation)
      // Cleaned in the parsed document, which loads nothing: an imported element starts loading at once.
      var svg = document.importNode(inert(root), true);
      svg.setAttribute("aria-label", image.alt);   // no role="img": that would hide the step links
      image.parentNode.replaceChild(svg, image);
      setup(viewer);
    }).catch(function (error) {
      viewer.removeAttribute("data-bpg-loading");
      if (window.console) window.console.warn("blueprintgen: the diagram stays an image:", error);
    });
  }

  function fontUnits(svg) {
    // Step cards' text, in the diagram's own units (Graphviz writes font-size on each <text>).
    var text = svg.querySelector("g.step text") || svg.querySelector("text");
    return text ? parseFloat(text.getAttribute("font-size")) || 12 : 12;
  }

  function viewBox(svg) {
    var box = (svg.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
    return box.length === 4 && box[2] > 0 && box[3] > 0 ? {width: box[2], height: box[3]} : null;
  }

  function setup(viewer) {
    var box = viewer.querySelector(".bpg-diagram");
    var svg = box && box.querySelector("svg");
    var size = svg && viewBox(svg);
    if (!size || svg.getAttribute("data-bpg-viewer") || typeof window.svgPanZoom !== "function") return;
    svg.setAttribute("data-bpg-viewer", "on");
    var readableScale = READABLE_PX / fontUnits(svg);
    function heightFor(width) {
      var scale = Math.max(width / size.width, readableScale);
      return Math.round(Math.max(220, Math.min(size.height * scale + 16, window.innerHeight * 0.75)));
    }
    box.style.height = heightFor(box.clientWidth) + "px";
    viewer.classList.add("bpg-viewer-live");
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "100%");
    var panZoom = window.svgPanZoom(svg, {
      fit: false, center: false, minZoom: 0.05, maxZoom: 50, zoomScaleSensitivity: 0.25,
      dblClickZoomEnabled: false, controlIconsEnabled: false, mouseWheelZoomEnabled: true
    });

    function fit() {
      panZoom.resize();
      panZoom.fit();
      panZoom.center();
    }
    function readable() {
      // Zoom so step text is readable, then show the top left: where the journey starts.
      panZoom.resize();
      var now = panZoom.getSizes().realZoom;
      var fitted = Math.min(box.clientWidth / size.width, box.clientHeight / size.height);
      panZoom.zoomBy(Math.max(readableScale, fitted) / now);
      panZoom.pan({x: 8, y: 8});
    }
    readable();

    viewer.querySelector(".bpg-zoom-in").addEventListener("click", function () { panZoom.zoomIn(); });
    viewer.querySelector(".bpg-zoom-out").addEventListener("click", function () { panZoom.zoomOut(); });
    viewer.querySelector(".bpg-fit").addEventListener("click", fit);
    viewer.querySelector(".bpg-readable").addEventListener("click", readable);
    box.addEventListener("keydown", function (event) {
      var moves = {ArrowLeft: [PAN_STEP, 0], ArrowRight: [-PAN_STEP, 0], ArrowUp: [0, PAN_STEP], ArrowDown: [0, -PAN_STEP]};
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "+" || event.key === "=") panZoom.zoomIn();
      else if (event.key === "-" || event.key === "_") panZoom.zoomOut();
      else if (event.key === "0") fit();
      else if (event.key === "1") readable();
      else if (moves[event.key]) panZoom.panBy({x: moves[event.key][0], y: moves[event.key][1]});
      else return;
      event.preventDefault();
    });

    // A drag that ends on a step card must not follow its link; a click does.
    var down = null;
    box.addEventListener("mousedown", function (event) { down = [event.clientX, event.clientY]; }, true);
    box.addEventListener("click", function (event) {
      if (down && Math.abs(event.clientX - down[0]) + Math.abs(event.clientY - down[1]) > 4) {
        event.preventDefault();
        event.stopPropagation();
      }
      down = null;
    }, true);

    // Print the whole diagram, then come back to where the reader was.
    var before = null;
    window.addEventListener("beforeprint", function () {
      before = {zoom: panZoom.getZoom(), pan: panZoom.getPan(), height: box.style.height};
      box.style.height = Math.round(box.clientWidth * size.height / size.width) + "px";
      fit();
    });
    window.addEventListener("afterprint", function () {
      if (!before) return;
      box.style.height = before.height;
      panZoom.resize();
      panZoom.zoom(before.zoom);
      panZoom.pan(before.pan);
      before = null;
    });
  }

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
        if (count) count.textContent = String(body.rows.length);
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
    Array.prototype.forEach.call(document.querySelectorAll(".bpg-viewer"), load);
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
    new window.PagefindUI({element: "#bpg-search", showSubResults: true, showImages: false,
                           bundlePath: bundle, processResult: located, ranking: RANKING,
                           resetStyles: false});
    // Pagefind's input has a title and no label: the page's visible label names it.
    var input = box.querySelector("input");
    if (input && !input.id) input.id = "bpg-search-input";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
