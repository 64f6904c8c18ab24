// Tiny DOM helpers. Text always goes in as text nodes (never innerHTML), so nothing typed into the
// page can become markup.

/**
 * h("div", { class: "x", onclick: fn, dataset: { path: "a" } }, child, "text", [more])
 * Attributes: `class`, `text`, `dataset`, `on<event>`, booleans (true → present, false/null → absent),
 * everything else via setAttribute.
 */
export function h(tag, attrs, ...children) {
  const el = tag.includes(":") ? document.createElementNS("http://www.w3.org/2000/svg", tag.split(":")[1]) : document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "dataset") Object.assign(el.dataset, v);
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "value" && "value" in el && !(el instanceof SVGElement)) el.value = v;
      else if (k === "checked" || k === "selected") el[k] = Boolean(v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

export function svg(tag, attrs, ...children) {
  return h("svg:" + tag, attrs, ...children);
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Appends children like h() does: null/undefined/false skipped, arrays flattened, strings as text. */
export function add(el, ...children) {
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let seq = 0;
/** A document-unique id with a readable prefix. */
export const uid = (prefix = "id") => `${prefix}-${++seq}`;

/** Triggers a download of `text` as a file (a blob: URL of this origin, revoked right after). */
export function download(name, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file the person picked, read as text in the browser (FileReader: nothing is uploaded or kept). */
export function readFileText(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("the file could not be read"));
    reader.readAsText(file);
  });
}
