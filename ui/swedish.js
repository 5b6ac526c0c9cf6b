// Streamlit's own controls name themselves in English to screen readers ("Collapse sidebar", "Help for År",
// "Open", "Link to heading", …) and Streamlit has no Swedish translation. On a Swedish page a screen reader
// would read those names with Swedish pronunciation, or not at all where a control has no name. This script,
// loaded once per browser tab, gives each of them its Swedish name and keeps doing so as Streamlit redraws.
// It also lets each chart be announced as one image described by its text alternative ("Diagrammet i ord"),
// which the page writes beside it (ui/blocks.py: a container keyed alt-KEY next to the chart keyed chart-KEY).
(() => {
  if (window.kaaSwedish) return;
  window.kaaSwedish = true;
  document.documentElement.lang = "sv";

  const NAMES = {
    "Sidebar": "Sidofält",
    "Collapse sidebar": "Dölj sidofältet",
    "Expand sidebar": "Visa sidofältet",
    "Open sidebar": "Visa sidofältet",
    "Close sidebar": "Dölj sidofältet",
    "App pages": "Sidor",
    "Main menu": "Meny",
    "Open": "Öppna listan",
    "Close": "Stäng",
    "Clear all": "Rensa valen",
    "Clear": "Rensa",
    "Remove": "Ta bort",
    "Delete": "Ta bort",
    "Link to heading": "Länk till rubriken",
    "file upload": "Uppladdning av fil",
    "Upload": "Välj fil",
    "Add files": "Välj fil",
    "Show/hide columns": "Visa eller dölj kolumner",
    "Search": "Sök",
    "Fullscreen": "Helskärm",
    "Close fullscreen": "Stäng helskärm",
    "Download as CSV": "Ladda ner som CSV",
    "Previous": "Föregående",
    "Next": "Nästa",
    "Tooltip": "Förklaring",
  };
  const PATTERNS = [
    [/^Help for (.+)$/, "Förklaring: $1"],
    [/^Remove (.+)$/, "Ta bort $1"],
    [/^(.+), remove$/, "$1, ta bort"],
  ];
  const TEXTS = {  // visible words: the skip link and the dialog for a page that does not exist
    "Skip to main content": "Hoppa till innehållet",
    "Page not found": "Sidan finns inte",
    "The page that you have requested does not seem to exist. Running the app's main page.":
      "Sidan i länken finns inte. Översikt visas i stället.",
  };

  const swedish = (text) => {
    if (!text) return null;
    if (Object.prototype.hasOwnProperty.call(NAMES, text)) return NAMES[text];
    for (const [pattern, replacement] of PATTERNS) {
      if (pattern.test(text)) return text.replace(pattern, replacement);
    }
    return null;
  };

  const name = (element, attribute) => {
    const said = swedish(element.getAttribute(attribute));
    if (said !== null) element.setAttribute(attribute, said);
  };

  const describeCharts = () => {
    document.querySelectorAll('[class*="st-key-alt-"]').forEach((alt) => {
      const key = [...alt.classList].find((c) => c.startsWith("st-key-alt-"));
      const chart = document.querySelector(`.st-key-chart-${key.slice("st-key-alt-".length)} .js-plotly-plot`);
      const text = alt.textContent.trim().replace(/^Diagrammet i ord: /, "");
      const [drawing, ...layers] = chart ? chart.querySelectorAll("svg.main-svg") : [];
      if (drawing && text && drawing.getAttribute("aria-label") !== text) {
        drawing.setAttribute("role", "img");  // one image with its description, not hundreds of ticks and marks
        drawing.setAttribute("aria-label", text);
        layers.forEach((layer) => layer.setAttribute("aria-hidden", "true"));  // hover layers: nothing to read
      }
    });
  };

  // A static table wider than a phone scrolls sideways: it takes focus so it can be scrolled from the keyboard.
  const scrollableTables = () => {
    document.querySelectorAll('[data-testid="stTable"] > div').forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (box.querySelector("table") || box).getAttribute("aria-label") || "Tabell");
      } else if (!scrolls && box.getAttribute("tabindex") === "0") {
        ["tabindex", "role", "aria-label"].forEach((a) => box.removeAttribute(a));
      }
    });
  };

  const fix = (root) => {
    const within = (selector) => [...(root.matches && root.matches(selector) ? [root] : []),
                                  ...root.querySelectorAll(selector)];
    within("[aria-label]").forEach((e) => name(e, "aria-label"));
    within("[title]").forEach((e) => name(e, "title"));
    // The uploader's button shows "Välj fil" by CSS (ui/swedish.css) and has no name of its own.
    within('[data-testid="stFileUploaderDropzone"] button:not([aria-label])')
      .forEach((b) => b.setAttribute("aria-label", "Välj fil"));
    within('[data-testid="stSkipToContent"], [role="dialog"] h2, [role="dialog"] div')
      .forEach((e) => { if (e.children.length === 0 && TEXTS[e.textContent]) e.textContent = TEXTS[e.textContent]; });
  };

  // Only what changed is looked at: the elements added and the names set since the last pass, one pass shortly
  // after a burst of changes (a chart draws hundreds of nodes at once), so the page draws as fast as without it.
  const added = new Set();
  let queued = null;
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") {
        name(record.target, record.attributeName);
        continue;
      }
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE) added.add(node);
        else if (node.parentElement) added.add(node.parentElement);  // a text changed: the dialog's words
      }
    }
    clearTimeout(queued);
    queued = setTimeout(() => {
      const roots = [...added];
      added.clear();
      roots.forEach((root) => {
        if (!root.isConnected) return;
        fix(root);
      });
      describeCharts();
      scrollableTables();
    }, 120);
  }).observe(document.body, {subtree: true, childList: true, attributes: true,
                              attributeFilter: ["aria-label", "title"]});
  window.addEventListener("resize", scrollableTables);
  fix(document);
})();
