/* blueprintgen: the diagram viewer. It opens on the start of the journey with step text readable
   (READABLE_PX on screen); an overview strip shows where the view is in the whole journey and jumps on
   a click; lane names stay pinned at the left edge once the diagram's own are out of view; full screen;
   a focused step (Tab, or a #step- link) is panned into view; on touch screens a swipe scrolls the page
   until the diagram is tapped. For print it lays out the whole diagram as landscape pages, stage by
   stage, with the lane names on each (bpg-print). The page holds an <img> of the diagram's file; the
   viewer loads the SVG itself in its place, so its step cards link to their steps. Uses the vendored
   svg-pan-zoom (see svg-pan-zoom.LICENSE). Without script, or when the file cannot be fetched
   (file://), the <img> stays and scrolls in its box. */
(function () {
  "use strict";
  var READABLE_PX = 11;     // on-screen size of step text when the viewer opens
  var PRINT_PT = 7.05;      // step text in print, in pt: the smallest still readable, so most fits a page
  // The printable area of a landscape page that both A4 and US Letter give with 5 mm margins, in CSS px,
  // less the one-line caption above each page's tile.
  var PRINT_WIDTH = 1014, PRINT_HEIGHT = 752, PRINT_CAPTION = 18;
  var PAN_STEP = 60;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var XLINK_NS = "http://www.w3.org/1999/xlink";
  var SCHEME = /^[a-z][a-z0-9+.-]*:/i;

  function each(list, action) { Array.prototype.forEach.call(list, action); }

  function inert(svg) {
    // The file is our own sanitised Graphviz output, and parsed markup never runs its scripts; still,
    // drop anything that could run or lead off the site, so the page never depends on the file for that.
    each(svg.querySelectorAll("script, foreignObject"), function (node) { node.remove(); });
    each([svg].concat(Array.prototype.slice.call(svg.querySelectorAll("*"))), function (node) {
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

  // --- where things are, in the diagram's units (its viewBox: Graphviz points) ---

  function unitBox(element, root) {
    // The element's box in the root group's parent's units: Graphviz's translate applied, nothing else.
    var b = element.getBBox();
    var m = root.getCTM().inverse().multiply(element.getCTM());
    var t = root.transform.baseVal.consolidate();
    if (t) m = t.matrix.multiply(m);
    var x1 = m.a * b.x + m.c * b.y + m.e, y1 = m.b * b.x + m.d * b.y + m.f;
    var x2 = m.a * (b.x + b.width) + m.c * (b.y + b.height) + m.e;
    var y2 = m.b * (b.x + b.width) + m.d * (b.y + b.height) + m.f;
    return {left: Math.min(x1, x2), right: Math.max(x1, x2), top: Math.min(y1, y2), bottom: Math.max(y1, y2)};
  }

  function titleOf(group) {
    var link = group.querySelector("a");
    return (link && (link.getAttributeNS(XLINK_NS, "title") || link.getAttribute("title"))) || "";
  }

  function geometry(svg, size) {
    // Bands (lanes) top to bottom, stages left to right, step cards by their link, from the drawing itself.
    var root = svg.querySelector("g.graph");
    var geo = {root: root, width: size.width, height: size.height, bands: [], stages: [], steps: [], nodes: [],
               lanesRight: 0};
    if (!root) return geo;
    each(svg.querySelectorAll("g.band"), function (band) {
      var lane = /band-(\w+)/.exec(band.getAttribute("class") || "");
      geo.bands.push({lane: lane ? lane[1] : "", name: titleOf(band), box: unitBox(band, root)});
    });
    geo.bands.sort(function (a, b) { return a.box.top - b.box.top; });
    each(svg.querySelectorAll("g.stage"), function (stage) {
      var name = Array.prototype.map.call(stage.querySelectorAll("text"), function (text) { return text.textContent; });
      geo.stages.push({name: name.join(" ").trim() || titleOf(stage).replace(/^Stage: /, ""), box: unitBox(stage, root)});
    });
    geo.stages.sort(function (a, b) { return a.box.left - b.box.left; });
    each(svg.querySelectorAll("g.step"), function (step) {
      var link = step.querySelector("a");
      var href = link && (link.getAttributeNS(XLINK_NS, "href") || link.getAttribute("href"));
      geo.steps.push({element: step, href: href || "", box: unitBox(step, root)});
    });
    geo.steps.sort(function (a, b) { return a.box.left - b.box.left; });
    each(svg.querySelectorAll("g.lane-label"), function (label) {
      geo.lanesRight = Math.max(geo.lanesRight, unitBox(label, root).right);
    });
    // Cards and labels a printed page must keep whole (not the headers, lane names, title or legend).
    // The lane and line labels are printed on every page, so only a cut across a page (in y) can split them.
    geo.nodes = [];
    geo.labels = [];
    each(svg.querySelectorAll("g.node"), function (node) {
      var kind = node.getAttribute("class");
      if (/\b(lane-label|line-label)\b/.test(kind)) geo.labels.push(unitBox(node, root));
      else if (!/\b(stage|title|legend|legend-item|legend-symbol)\b/.test(kind)) geo.nodes.push(unitBox(node, root));
    });
    geo.nodes.sort(function (a, b) { return a.left - b.left; });
    return geo;
  }

  function customerBand(geo) {
    return geo.bands.filter(function (band) { return band.lane === "customer"; })[0];
  }

  function firstTop(geo, height) {
    // Where the first view starts: the stage headers, if the customer lane fits below them; else the customer lane.
    var top = geo.stages.length ? geo.stages[0].box.top : (geo.bands.length ? geo.bands[0].box.top : 0);
    var customer = customerBand(geo);
    if (customer && customer.box.bottom - top > height) top = customer.box.top;
    return Math.max(0, top - 4);
  }

  // --- the viewer ---

  function tool(tools, name, text, title) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = name;
    button.textContent = text;   // the visible text is the button's name
    if (title) button.title = title;
    tools.insertBefore(button, tools.querySelector(".bpg-full"));
    return button;
  }

  function setup(viewer) {
    var box = viewer.querySelector(".bpg-diagram");
    var svg = box && box.querySelector("svg");
    var size = svg && viewBox(svg);
    if (!size || svg.getAttribute("data-bpg-viewer") || typeof window.svgPanZoom !== "function") return;
    svg.setAttribute("data-bpg-viewer", "on");
    var readableScale = READABLE_PX / fontUnits(svg);
    var geo = geometry(svg, size);
    var tools = viewer.querySelector(".bpg-viewer-tools");
    var strip = overviewStrip(viewer, geo);
    var pins = lanePins(box, geo);
    viewer.classList.add("bpg-viewer-live");
    widen(viewer);
    box.style.height = boxHeight(viewer, box, size, readableScale) + "px";
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "100%");
    var panZoom;
    function drawn() {
      if (!panZoom) return;
      var z = panZoom.getSizes().realZoom, pan = panZoom.getPan();
      var view = {left: -pan.x / z, right: (box.clientWidth - pan.x) / z, top: -pan.y / z, z: z, pan: pan};
      strip.update(view);
      pins.update(view);
    }
    panZoom = window.svgPanZoom(svg, {
      fit: false, center: false, minZoom: 0.02, maxZoom: 50, zoomScaleSensitivity: 0.25,
      dblClickZoomEnabled: false, controlIconsEnabled: false, mouseWheelZoomEnabled: true,
      onUpdatedCTM: drawn
    });
    var move = mover(panZoom, box);

    function overview() {
      // The whole diagram, centred across and at the top of the box: a wide journey shrinks to a band
      // that would otherwise float in the middle of empty space.
      panZoom.resize();
      panZoom.fit();
      panZoom.center();
      panZoom.pan({x: panZoom.getPan().x, y: 0});
    }
    function readable() {
      // Step text readable, at the start of the journey: the left edge, from the stages or the customer lane.
      panZoom.resize();
      var fitted = Math.min(box.clientWidth / size.width, box.clientHeight / size.height);
      var z = Math.max(readableScale, fitted);
      move.zoomTo(z);
      // On a narrow screen the pinned lane names, narrower than the diagram's own, leave room for a step card.
      var left = box.clientWidth < 700 ? Math.max(0, geo.lanesRight + 4 - pins.width() / z) : 0;
      move.show(left, firstTop(geo, box.clientHeight / z), 0, 0);
    }
    function reveal(step) {
      // Pan (and zoom up to readable) so the whole card is in view, just right of the pinned lane names.
      var z = Math.max(panZoom.getSizes().realZoom, readableScale);
      var view = move.view();
      var card = step.box;
      var inside = view.z >= readableScale * 0.99 && card.left * z >= -view.pan.x + pins.width() &&
          card.right * z <= -view.pan.x + box.clientWidth && card.top * z >= -view.pan.y &&
          card.bottom * z <= -view.pan.y + box.clientHeight;
      if (inside) return;
      move.zoomTo(z);
      var top = Math.min(card.top - 16, Math.max(0, card.bottom + 16 - box.clientHeight / z));
      move.show(card.left, top, pins.width() + 24, 0);
    }
    readable();
    strip.onJump = function (x, atStart) {
      // A stage: its start just right of the lane names; a point of the strip: the middle of the view.
      move.show(x, move.view().top, atStart ? pins.width() + 8 : box.clientWidth / 2, 0);
    };

    tool(tools, "bpg-zoom-in", "Zoom in", "Zoom in (+)").addEventListener("click", function () { panZoom.zoomIn(); });
    tool(tools, "bpg-zoom-out", "Zoom out", "Zoom out (−)").addEventListener("click", function () { panZoom.zoomOut(); });
    tool(tools, "bpg-fit", "Whole journey", "The whole diagram at once, too small to read: an overview (0)")
      .addEventListener("click", overview);
    tool(tools, "bpg-readable", "Readable size", "Step text at reading size, from the start (1)")
      .addEventListener("click", readable);
    fullScreen(viewer, box, tool(tools, "bpg-fullscreen", "Full screen", "Full screen (f); Escape leaves it"), function () {
      var view = move.view();
      box.style.height = boxHeight(viewer, box, size, readableScale) + "px";
      panZoom.resize();
      move.show(view.left, view.top, 0, 0);
    });

    box.addEventListener("keydown", function (event) {
      var moves = {ArrowLeft: [PAN_STEP, 0], ArrowRight: [-PAN_STEP, 0], ArrowUp: [0, PAN_STEP], ArrowDown: [0, -PAN_STEP]};
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "+" || event.key === "=") panZoom.zoomIn();
      else if (event.key === "-" || event.key === "_") panZoom.zoomOut();
      else if (event.key === "0") overview();
      else if (event.key === "1") readable();
      else if (event.key === "f") viewer.querySelector(".bpg-fullscreen").click();
      else if (moves[event.key] && event.target === box) panZoom.panBy({x: moves[event.key][0], y: moves[event.key][1]});
      else return;
      event.preventDefault();
    });
    // A step focused by Tab, or named by the address (#step-…), is panned into view.
    var byHref = {};
    geo.steps.forEach(function (step) { byHref[step.href] = step; });
    box.addEventListener("focusin", function (event) {
      var card = event.target.closest && event.target.closest("g.step");
      geo.steps.forEach(function (step) { if (step.element === card) reveal(step); });
    });
    function fromAddress() {
      if (byHref[window.location.hash] && svg.isConnected) reveal(byHref[window.location.hash]);
    }
    window.addEventListener("hashchange", fromAddress);
    fromAddress();

    dragIsNotClick(box);
    touchGate(viewer, box);
    window.addEventListener("resize", function () {
      if (!svg.isConnected) return;
      widen(viewer);
      panZoom.resize();
      drawn();
    });
    printPages(viewer, svg, geo, size);
    drawn();
  }

  function mover(panZoom, box) {
    // Zoom to an absolute scale (screen px per diagram unit) and put a diagram point at a box point.
    return {
      zoomTo: function (z) { panZoom.zoom(panZoom.getZoom() * z / panZoom.getSizes().realZoom); },
      show: function (x, y, atX, atY) {
        var z = panZoom.getSizes().realZoom;
        panZoom.pan({x: atX - x * z, y: atY - y * z});
      },
      view: function () {
        var z = panZoom.getSizes().realZoom, pan = panZoom.getPan();
        return {left: -pan.x / z, top: -pan.y / z, right: (box.clientWidth - pan.x) / z, z: z, pan: pan};
      }
    };
  }

  function widen(viewer) {
    // The viewer takes the window's width, less a margin, wherever the page's column starts.
    if (viewer.classList.contains("bpg-viewer-full")) return;
    viewer.style.marginLeft = "";
    viewer.style.width = "";
    var margin = 16, width = document.documentElement.clientWidth;
    var left = viewer.getBoundingClientRect().left;
    if (viewer.clientWidth >= width - 2 * margin - 1) return;
    viewer.style.marginLeft = (margin - left) + "px";
    viewer.style.width = (width - 2 * margin) + "px";
  }

  function boxHeight(viewer, box, size, readableScale) {
    // As much of the window as the tools above it leave, never taller than the readable diagram;
    // in full screen, all of the screen they leave.
    var full = viewer.classList.contains("bpg-viewer-full") || document.fullscreenElement === viewer;
    var above = box.getBoundingClientRect().top - viewer.getBoundingClientRect().top;
    var hint = viewer.querySelector(".bpg-touch-hint");
    var room = window.innerHeight - above - (hint ? hint.offsetHeight : 0) - (full ? 16 : 64);
    if (full) return Math.round(Math.max(240, room));
    return Math.round(Math.max(240, Math.min(size.height * readableScale + 16, room)));
  }

  function overviewStrip(viewer, geo) {
    // The whole journey as one strip of its stages, each as wide as its part of the journey but never
    // narrower than its full name (the strip scrolls sideways when they do not all fit); the part in view
    // is tinted and underlined, never hiding a name; a click goes there.
    var strip = document.createElement("div");
    strip.className = "bpg-overview";
    strip.setAttribute("role", "group");
    strip.setAttribute("aria-label", "Where the view is in the whole journey");
    var frame = strip.appendChild(document.createElement("div"));
    frame.className = "bpg-overview-view";
    frame.setAttribute("aria-hidden", "true");
    var marks = [0], parts = [];   // diagram x at each part's edge; the strip's parts (spacers and stages)
    function part(element, from, to) {
      element.style.flexGrow = String(Math.max(0, to - from));
      strip.appendChild(element);
      parts.push(element);
      marks.push(to);
    }
    geo.stages.forEach(function (stage) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "bpg-overview-stage";
      button.textContent = stage.name;
      button.title = "Go to the stage " + stage.name;
      part(document.createElement("span"), marks[marks.length - 1], stage.box.left);
      part(button, stage.box.left, stage.box.right);
      button.addEventListener("click", function (event) {
        event.stopPropagation();
        if (control.onJump) control.onJump(stage.box.left, true);
      });
    });
    part(document.createElement("span"), marks[marks.length - 1], geo.width);
    function toStrip(x) {
      // Piecewise: a diagram x inside a part lands as far into that part on the strip.
      for (var i = 0; i < parts.length; i++) {
        if (x <= marks[i + 1] || i === parts.length - 1) {
          var span = marks[i + 1] - marks[i], into = span > 0 ? (x - marks[i]) / span : 0;
          return parts[i].offsetLeft + Math.max(0, Math.min(1, into)) * parts[i].offsetWidth;
        }
      }
      return 0;
    }
    function fromStrip(px) {
      for (var i = 0; i < parts.length; i++) {
        var right = parts[i].offsetLeft + parts[i].offsetWidth;
        if (px <= right || i === parts.length - 1) {
          var into = parts[i].offsetWidth ? (px - parts[i].offsetLeft) / parts[i].offsetWidth : 0;
          return marks[i] + Math.max(0, Math.min(1, into)) * (marks[i + 1] - marks[i]);
        }
      }
      return 0;
    }
    var control = {onJump: null, update: function (view) {
      var left = toStrip(Math.max(0, view.left)), right = toStrip(Math.min(geo.width, view.right));
      frame.style.left = left + "px";
      frame.style.width = Math.max(4, right - left) + "px";
      // Keep the part in view visible on a strip that scrolls.
      if (left < strip.scrollLeft || right > strip.scrollLeft + strip.clientWidth) {
        strip.scrollLeft = Math.max(0, (left + right) / 2 - strip.clientWidth / 2);
      }
    }};
    strip.addEventListener("click", function (event) {
      var rect = strip.getBoundingClientRect();
      if (control.onJump && rect.width) control.onJump(fromStrip(event.clientX - rect.left + strip.scrollLeft), false);
    });
    var tools = viewer.querySelector(".bpg-viewer-tools");
    tools.parentNode.insertBefore(strip, tools.nextSibling);
    return control;
  }

  function lanePins(box, geo) {
    // Lane names over the left edge, shown once the diagram's own lane labels are out of view.
    var column = document.createElement("div");
    column.className = "bpg-lane-pins";
    column.setAttribute("aria-hidden", "true");   // the diagram names its lanes itself
    var names = geo.bands.map(function (band) {
      var name = column.appendChild(document.createElement("div"));
      name.className = "bpg-lane-pin bpg-lane-pin-" + band.lane;
      name.textContent = band.name;
      return name;
    });
    box.appendChild(column);
    return {
      width: function () { return column.offsetWidth; },   // hidden or not: where the view may start
      update: function (view) {
        var on = view.left > 20 && geo.bands.length > 0;   // the diagram's own lane names are cut
        column.classList.toggle("bpg-lane-pins-on", on);
        geo.bands.forEach(function (band, index) {
          var top = Math.max(0, view.pan.y + band.box.top * view.z);
          var bottom = Math.min(box.clientHeight, view.pan.y + band.box.bottom * view.z);
          names[index].style.top = top + "px";
          names[index].style.height = Math.max(0, bottom - top) + "px";
          names[index].hidden = bottom - top < 14;
        });
      }
    };
  }

  function fullScreen(viewer, box, button, changed) {
    // The Fullscreen API where there is one; else a class that fills the window. Escape leaves both.
    function isFull() {
      return document.fullscreenElement === viewer || viewer.classList.contains("bpg-viewer-full");
    }
    function shown() {
      var full = isFull();
      button.textContent = full ? "Leave full screen" : "Full screen";
      button.setAttribute("aria-pressed", full ? "true" : "false");
      changed();
    }
    function leave() {
      if (document.fullscreenElement === viewer) document.exitFullscreen().catch(function () {});
      if (viewer.classList.contains("bpg-viewer-full")) {
        viewer.classList.remove("bpg-viewer-full");
        shown();
      }
    }
    button.addEventListener("click", function () {
      if (isFull()) return leave();
      viewer.style.marginLeft = "";
      viewer.style.width = "";
      var ask = viewer.requestFullscreen ? viewer.requestFullscreen() : Promise.reject(new Error("no Fullscreen API"));
      ask.catch(function () {
        viewer.classList.add("bpg-viewer-full");
        shown();
      });
      box.focus();
    });
    document.addEventListener("fullscreenchange", function () {
      if (!viewer.isConnected) return;
      if (document.fullscreenElement !== viewer) widen(viewer);
      shown();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isFull()) leave();
    });
  }

  function dragIsNotClick(box) {
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
  }

  function touchGate(viewer, box) {
    // On a touch screen a swipe over the diagram scrolls the page (touch-action: pan-y) until the
    // diagram is tapped; then it pans and zooms, until a touch outside it.
    var moved = false;
    function active() { return viewer.classList.contains("bpg-touch-active"); }
    box.addEventListener("touchstart", function (event) {
      moved = false;
      if (!active()) event.stopPropagation();   // svg-pan-zoom never sees it: the browser scrolls
    }, true);
    box.addEventListener("touchmove", function (event) {
      moved = true;
      if (!active()) event.stopPropagation();
    }, true);
    box.addEventListener("touchend", function (event) {
      if (active()) return;
      event.stopPropagation();
      if (!moved) viewer.classList.add("bpg-touch-active");
    }, true);
    document.addEventListener("touchstart", function (event) {
      if (!viewer.contains(event.target)) viewer.classList.remove("bpg-touch-active");
    }, true);
  }

  // --- print: the whole diagram on landscape pages, stage by stage, lane names on each ---

  function columns(geo, from, width) {
    // Page cuts along x, in the gaps between cards: at a stage's start where the page is at least
    // half used, else at the last gap that fits (as paper.py cuts `render --paper`).
    var end = Math.min(geo.width, Math.max.apply(null, [from + 1].concat(geo.nodes.map(function (n) { return n.right + 16; }))));
    var cuts = [from];
    while (end - cuts[cuts.length - 1] > width) {
      var start = cuts[cuts.length - 1], limit = start + width, reach = start + 1, gaps = [];
      geo.nodes.forEach(function (node) {
        var middle = (node.left + reach) / 2;
        if (node.left > reach && middle > start && middle <= limit) gaps.push(middle);
        reach = Math.max(reach, node.right);
      });
      var stages = gaps.filter(function (x) {
        return x > start + width / 2 && geo.stages.some(function (stage) { return Math.abs(x - stage.box.left) < 60; });
      });
      cuts.push(stages.length ? stages[stages.length - 1] : (gaps.length ? gaps[gaps.length - 1] : limit));
    }
    cuts.push(end);
    return cuts;
  }

  function rows(geo, left, right, height) {
    // Page cuts along y for the stages from left to right: in the gaps between the cards there and the lane
    // and line labels (never through a "Line of interaction"), at a lane's edge where the page is at least
    // half used, else at the last gap that fits.
    var top = geo.bands[0].box.top, end = geo.bands[geo.bands.length - 1].box.bottom;
    var boxes = geo.labels.concat(geo.nodes.filter(function (n) { return n.right > left && n.left < right; }))
      .sort(function (a, b) { return a.top - b.top || a.left - b.left; });
    var cuts = [top];
    while (end - cuts[cuts.length - 1] > height) {
      var start = cuts[cuts.length - 1], limit = start + height, reach = start + 1, gaps = [];
      boxes.forEach(function (box) {
        if (box.top > reach && reach < limit && box.top > start) gaps.push([reach, Math.min(box.top, limit)]);
        reach = Math.max(reach, box.bottom);
      });
      if (reach < limit) gaps.push([reach, limit]);
      var edges = [], others = [];
      gaps.forEach(function (gap) {
        var lanes = geo.bands.filter(function (b) { return b.box.top >= gap[0] && b.box.top <= gap[1]; });
        if (lanes.length) edges.push(lanes[lanes.length - 1].box.top);
        others.push(lanes.length ? lanes[lanes.length - 1].box.top : (gap[0] + gap[1]) / 2);
      });
      edges = edges.filter(function (y) { return y > start + height / 2; });
      others = others.filter(function (y) { return y > start + height / 4; });
      cuts.push(edges.length ? edges[edges.length - 1] : (others.length ? others[others.length - 1] : limit));
    }
    cuts.push(end);
    return cuts.map(function (y, i) {
      return {top: y, bottom: cuts[i + 1], lanes: geo.bands.filter(function (b) {
        return b.box.bottom > y + 20 && b.box.top < cuts[i + 1] - 20;
      }).map(function (b) { return b.name; })};
    }).slice(0, -1);
  }

  function slice(id, x, y, width, height, className, scale) {
    // A view of the diagram already in the page: no second copy of it, no second download.
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", className);
    svg.setAttribute("viewBox", [x, y, width, height].join(" "));
    svg.setAttribute("width", String(Math.round(width * scale)));
    svg.setAttribute("height", String(Math.round(height * scale)));
    svg.setAttribute("aria-hidden", "true");
    var use = svg.appendChild(document.createElementNS(SVG_NS, "use"));
    use.setAttribute("href", "#" + id);
    return svg;
  }

  function stagesBetween(geo, left, right) {
    return geo.stages.filter(function (stage) { return stage.box.right > left + 20 && stage.box.left < right - 20; })
      .map(function (stage) { return stage.name; });
  }

  function printPages(viewer, svg, geo, size) {
    var id = geo.root && geo.root.getAttribute("id");
    if (!id || !geo.bands.length || viewer.nextElementSibling && viewer.nextElementSibling.classList.contains("bpg-print")) return;
    var scale = PRINT_PT / 0.75 / fontUnits(svg);   // CSS px per diagram unit
    var head = geo.stages.length ? geo.stages[0].box : null;
    var headHeight = head ? head.bottom - head.top + 4 : 0;
    var lanesLeft = Math.max(0, geo.bands[0].box.left - 2), lanesWidth = geo.lanesRight + 6 - lanesLeft;
    var bodyWidth = PRINT_WIDTH / scale - lanesWidth;
    var bodyHeight = (PRINT_HEIGHT - PRINT_CAPTION) / scale - headHeight;
    var cuts = columns(geo, geo.lanesRight + 6, bodyWidth), tiles = [];
    for (var c = 0; c + 1 < cuts.length; c++) {
      rows(geo, cuts[c], cuts[c + 1], bodyHeight).forEach(function (row) {
        tiles.push({left: cuts[c], right: cuts[c + 1], row: row});
      });
    }
    var pages = document.createElement("div");
    pages.className = "bpg-print";
    var style = pages.appendChild(document.createElement("style"));
    style.textContent = "@page { size: landscape; margin: 5mm; }";
    tiles.forEach(function (tile, number) {
      var width = tile.right - tile.left, height = tile.row.bottom - tile.row.top;
      var page = pages.appendChild(document.createElement("figure"));
      page.className = "bpg-print-page";
      var caption = page.appendChild(document.createElement("figcaption"));
      var stages = stagesBetween(geo, tile.left, tile.right);
      caption.textContent = "Page " + (number + 1) + " of " + tiles.length + " of the diagram · " +
        (stages.length ? "stages: " + stages.join(", ") + " · " : "") + "lanes: " + tile.row.lanes.join(", ");
      var grid = page.appendChild(document.createElement("div"));
      grid.className = "bpg-print-grid";
      if (head) {
        grid.appendChild(document.createElement("div"));
        grid.appendChild(slice(id, tile.left, head.top - 2, width, headHeight, "bpg-print-stages", scale));
      }
      grid.appendChild(slice(id, lanesLeft, tile.row.top, lanesWidth, height, "bpg-print-lanes", scale));
      grid.appendChild(slice(id, tile.left, tile.row.top, width, height, "bpg-print-body", scale));
    });
    viewer.parentNode.insertBefore(pages, viewer.nextSibling);
    viewer.classList.add("bpg-print-ready");
  }

  function start() {
    each(document.querySelectorAll(".bpg-viewer"), load);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
