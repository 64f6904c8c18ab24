// The edge function itself, independent of the runtime: a small router over the wasm engine.
//
//   createApp(engine, { runtime, corsAllowOrigins, fhir }) -> { fetch(request) -> Promise<Response> }
//
// `engine` is the wasm package's module namespace (any target): evaluateJson, rulePacks, rulePack,
// consentTemplates, version. `fhir` is the FHIR adapter's module (ccm-engine/fhir, pkg/fhir/*:
// evaluateFhirJson), which serves `POST /v1/fhir/evaluate`; without it that route is 404. The
// entries (worker.mjs for workerd / Cloudflare, deno.mjs for Deno) instantiate both wasm modules
// once per isolate and create one app; every request reuses them.
//
// Rules kept here (see edge/README.md for the HTTP API):
// - Request bodies are never logged, and error messages are fixed strings that never echo input.
// - Size limits are enforced on bytes before anything is parsed (Content-Length first, then while
//   streaming a body of unknown length).
// - The hot path hands the body text straight to evaluateJson and returns the engine's text as is,
//   so a response is byte for byte what the CLI prints for the same input.

export const LIMITS = Object.freeze({
  /** Bytes of one `POST /v1/evaluate` body (the engine's own bound, CONTRACT §2). */
  evaluateBytes: 2 * 1024 * 1024,
  /** Bytes of one `POST /v1/evaluate-batch` body. */
  batchBytes: 16 * 1024 * 1024,
  /** Months in one batch. */
  batchItems: 500,
  /**
   * Bytes of one `POST /v1/fhir/evaluate` body, `{ bundle, options }`: the adapter's own bounds (a
   * Bundle of 8 MiB, options of 256 KiB) and room for the envelope. The adapter still refuses a
   * Bundle over 8 MiB itself (413 `INPUT_TOO_LARGE`).
   */
  fhirEvaluateBytes: 8 * 1024 * 1024 + 256 * 1024 + 1024,
});

const JSON_TYPE = "application/json; charset=utf-8";
const NO_STORE = "no-store";

/**
 * Headers on every API answer: an answer is data, never a document to render, frame or follow
 * links from, and it names no referrer. (Shared with edge/lib/front.mjs, which answers what the
 * runtime would reject itself.)
 */
export const SECURITY_HEADERS = Object.freeze({
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
});

/** A failure reading the request body: the client went away (or broke the framing) mid-upload. */
export class ClientAbort extends Error {
  constructor() {
    super("the client stopped sending the request");
    this.name = "ClientAbort";
  }
}

/** Runs a body read, turning the runtime's error for a lost client into a ClientAbort. */
async function reading(fn) {
  try {
    return await fn();
  } catch {
    throw new ClientAbort();
  }
}
const CATALOG_CACHE = "public, max-age=300";

/** HTTP status of an `ok: false` engine result, by its error code. */
export function statusForErrorCode(code) {
  switch (code) {
    case "INVALID_JSON":
      return 400;
    case "INPUT_TOO_LARGE":
      return 413;
    default:
      return 422; // INVALID_INPUT, UNKNOWN_RULE_PACK, NO_RULE_PACK_FOR_MONTH, INVALID_RULE_PACK, new codes
  }
}

/**
 * The CORS allow-list from its setting: exact origins separated by commas or spaces
 * (`https://portal.example.org, https://intake.example.org`), or `*` for any origin.
 * Empty or absent: CORS off (no Access-Control-* headers at all).
 */
export function parseAllowOrigins(setting) {
  const list = String(setting ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim().replace(/\/+$/, ""))
    .filter(Boolean);
  return { any: list.includes("*"), origins: new Set(list.filter((o) => o !== "*")) };
}

function isJsonContentType(value) {
  if (!value) return false;
  const [type, ...params] = value.split(";");
  if (type.trim().toLowerCase() !== "application/json") return false;
  for (const p of params) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== "charset") continue;
    const cs = p.slice(eq + 1).trim().replace(/^"|"$/g, "").toLowerCase();
    if (cs !== "utf-8" && cs !== "utf8") return false;
  }
  return true;
}

const TOO_LARGE = Symbol("too large");
const BAD_UTF8 = Symbol("bad utf-8");
// ignoreBOM: a leading byte-order mark stays in the text and reaches the engine, which decides about
// it exactly as the CLI does for the same bytes (the decoder would otherwise drop it silently).
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Bytes of an oversized body the worker still reads (and drops, unparsed) before answering 413.
 * workerd closes the connection when a response leaves the request body unread, and a client that
 * is still uploading then sees a broken pipe instead of the 413; reading the rest first lets it get
 * the JSON error. Past this many bytes the worker stops reading and answers at once.
 */
export const DRAIN_LIMIT = 64 * 1024 * 1024;

/** Reads and drops the rest of a stream, up to `budget` more bytes. */
async function discard(reader, budget) {
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    n += value.byteLength;
    if (n > budget) {
      reader.cancel().catch(() => {});
      return;
    }
  }
}

/** The body as text, or TOO_LARGE (over `limit` bytes, decided before reading when declared), or BAD_UTF8. */
async function readBody(request, limit) {
  const declared = request.headers.get("content-length");
  let bytes;
  if (declared !== null && /^\s*\d+\s*$/.test(declared)) {
    const size = Number(declared);
    if (size > limit) {
      if (request.body !== null && size <= DRAIN_LIMIT) await reading(() => discard(request.body.getReader(), DRAIN_LIMIT));
      return TOO_LARGE;
    }
    // The runtime's HTTP framing holds the body to its declared length.
    bytes = new Uint8Array(await reading(() => request.arrayBuffer()));
    if (bytes.byteLength > limit) return TOO_LARGE;
  } else {
    if (request.body === null) return "";
    const reader = request.body.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reading(() => reader.read());
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        chunks.length = 0;
        await reading(() => discard(reader, DRAIN_LIMIT - total));
        return TOO_LARGE;
      }
      chunks.push(value);
    }
    if (chunks.length === 1) bytes = chunks[0];
    else {
      bytes = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        bytes.set(c, at);
        at += c.byteLength;
      }
    }
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return BAD_UTF8;
  }
}

/**
 * The end (exclusive) of the JSON string whose opening quote is at `q` in `text`: past the first
 * quote preceded by an even number of backslashes.
 */
function stringEnd(text, q) {
  let at = q + 1;
  for (;;) {
    const e = text.indexOf('"', at);
    if (e < 0) throw new Error("unterminated string");
    let b = e - 1;
    while (text.charCodeAt(b) === 0x5c) b--;
    at = e + 1;
    if ((e - 1 - b) % 2 === 0) return at;
  }
}

/**
 * The source text of each member of a JSON object, by name (the last of a repeated name, as
 * JSON.parse keeps it), whitespace around each value removed. `text` must be valid JSON whose
 * top-level value is an object (the caller has JSON.parse'd it). Names are decoded as JSON.
 */
export function splitJsonObject(text) {
  const out = new Map();
  const n = text.length;
  let i = text.indexOf("{") + 1;
  for (;;) {
    while (i < n && /\s|,/.test(text[i])) i++;
    if (i >= n || text[i] === "}") return out;
    const nameEnd = stringEnd(text, i);
    const name = JSON.parse(text.slice(i, nameEnd));
    i = text.indexOf(":", nameEnd) + 1;
    const start = i;
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i = stringEnd(text, i);
        continue;
      }
      if (c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x5d || c === 0x7d) {
        if (depth === 0) break;
        depth--;
      } else if (c === 0x2c && depth === 0) break;
      i++;
    }
    out.set(name, text.slice(start, i).trim());
  }
}

/**
 * The source text of each element of a JSON array, in order, whitespace around it removed.
 * `text` must be valid JSON whose top-level value is an array (the caller has JSON.parse'd it).
 */
export function splitJsonArray(text) {
  const out = [];
  const n = text.length;
  let i = text.indexOf("[") + 1;
  let start = i;
  let depth = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (depth === 0) {
        const last = text.slice(start, i).trim();
        if (last !== "" || out.length > 0) out.push(last);
        return out;
      }
      depth--;
    } else if (c === 0x2c && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  throw new Error("unterminated array");
}

function errorBody(code, message) {
  return JSON.stringify({ ok: false, error: { code, message } });
}

const ROUTES = {
  evaluate: { methods: ["POST"] },
  fhirEvaluate: { methods: ["POST"] },
  batch: { methods: ["POST"] },
  packs: { methods: ["GET", "HEAD"] },
  pack: { methods: ["GET", "HEAD"] },
  consent: { methods: ["GET", "HEAD"] },
  health: { methods: ["GET", "HEAD"] },
};
for (const r of Object.values(ROUTES)) r.allow = [...r.methods, "OPTIONS"].join(", ");

const PACK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Which route a path names (and the pack id for /v1/packs/{id}), or null. */
function matchRoute(path) {
  switch (path) {
    case "/v1/evaluate":
      return { route: ROUTES.evaluate, name: "evaluate" };
    case "/v1/evaluate-batch":
      return { route: ROUTES.batch, name: "batch" };
    case "/v1/fhir/evaluate":
      return { route: ROUTES.fhirEvaluate, name: "fhirEvaluate" };
    case "/v1/packs":
      return { route: ROUTES.packs, name: "packs" };
    case "/v1/consent-templates":
      return { route: ROUTES.consent, name: "consent" };
    case "/v1/health":
      return { route: ROUTES.health, name: "health" };
  }
  if (path.startsWith("/v1/packs/")) {
    let id;
    try {
      id = decodeURIComponent(path.slice("/v1/packs/".length));
    } catch {
      return null;
    }
    if (PACK_ID.test(id)) return { route: ROUTES.pack, name: "pack", id };
  }
  return null;
}

function pathOf(url) {
  // request.url is absolute; skip scheme://authority without building a URL object.
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  let end = url.length;
  const q = url.indexOf("?", start);
  if (q >= 0) end = q;
  const h = url.indexOf("#", start);
  if (h >= 0 && h < end) end = h;
  return url.slice(start, end);
}

/** A made-up billable month, evaluated once at isolate start (see warmUp). */
const WARM_UP_MONTH = JSON.stringify({
  serviceMonth: "2026-03",
  billingPractitioner: { id: "1000000001", credential: "MD" },
  patient: { newPatient: false, lastVisitDate: "2025-12-01" },
  conditions: [{ code: "E11.9" }, { code: "I10" }],
  consent: { status: "accepted", date: "2025-12-01", method: "verbal", version: "ccm-consent-en-2026.1", practitionerId: "1000000001" },
  carePlan: { established: "2025-12-01", electronic: true, accessible24x7: true, sharedWithPatient: true, signedBy: "1000000001", signedOn: "2025-12-01" },
  supervisionAttested: true,
  timeEntries: [
    { id: "w1", performer: { id: "s1", name: "Staff", role: "rn" }, start: "2026-03-03T10:00:00-05:00", end: "2026-03-03T10:25:00-05:00", narrative: "Reviewed home readings with the patient and adjusted the care plan goals." },
    { id: "w2", performer: { id: "s1", role: "ma" }, date: "2026-03-10", minutes: 5, narrative: "Scheduled the follow-up lab draw and confirmed transport." },
  ],
});

/**
 * Runs the engine's one-time work (parsing its built-in packs, V8's lazy compilation of the wasm
 * functions an evaluation needs) once, at isolate start, so the first request does not pay for it.
 * Returns true when the sample evaluated.
 */
export function warmUp(engine) {
  engine.rulePacks();
  return engine.evaluateJson(WARM_UP_MONTH).startsWith('{"ok":true');
}

/** A made-up Bundle (one Patient, two Conditions, one Procedure of CCM time), for warmUpFhir. */
const WARM_UP_BUNDLE = JSON.stringify({
  resourceType: "Bundle",
  type: "collection",
  entry: [
    { resource: { resourceType: "Patient", id: "w" } },
    ...["E11.9", "I10"].map((code, i) => ({
      resource: { resourceType: "Condition", id: `c${i}`, subject: { reference: "Patient/w" }, code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10-cm", code }] } },
    })),
    {
      resource: {
        resourceType: "Procedure", id: "t", status: "completed", subject: { reference: "Patient/w" },
        code: { coding: [{ system: "http://www.ama-assn.org/go/cpt", code: "99490" }] },
        performedPeriod: { start: "2026-03-03T10:00:00-05:00", end: "2026-03-03T10:25:00-05:00" },
      },
    },
  ],
});
const WARM_UP_OPTIONS = JSON.stringify({ serviceMonth: "2026-03", billingPractitioner: { id: "1000000001", credential: "MD" } });

/** warmUp for the FHIR adapter's module: one Bundle mapped and evaluated. Returns true when it did. */
export function warmUpFhir(fhir) {
  fhir.rulePacks();
  return fhir.evaluateFhirJson(WARM_UP_BUNDLE, WARM_UP_OPTIONS).startsWith('{"ok":true');
}

export function createApp(engine, options = {}) {
  const runtime = options.runtime ?? "unknown";
  const cors = parseAllowOrigins(options.corsAllowOrigins);
  const fhir = options.fhir ?? null;
  const corsOn = cors.any || cors.origins.size > 0;

  // Static answers, computed once per isolate on first use.
  let catalog = null;
  const packTexts = new Map();
  function getCatalog() {
    if (catalog === null) {
      const packs = engine.rulePacks();
      const engineVersion = engine.version();
      catalog = {
        packIds: new Set(packs.map((p) => p.id)),
        packs: JSON.stringify({ ok: true, packs }),
        consent: JSON.stringify({ ok: true, templates: engine.consentTemplates() }),
        health: JSON.stringify({ ok: true, status: "ok", engineVersion, runtime, packs: packs.map((p) => p.id) }),
      };
    }
    return catalog;
  }

  function corsHeaders(request, headers) {
    if (!corsOn) return;
    // With an allow-list the answer depends on the Origin header, present or not: caches must
    // key on it. (With "*" it does not: the same header for every origin.)
    if (!cors.any) headers["vary"] = "Origin";
    const origin = request.headers.get("origin");
    if (origin === null) return;
    if (cors.any) headers["access-control-allow-origin"] = "*";
    else if (cors.origins.has(origin)) headers["access-control-allow-origin"] = origin;
  }

  function respond(request, status, body, extra) {
    const headers = {
      "content-type": JSON_TYPE,
      "cache-control": NO_STORE,
      ...SECURITY_HEADERS,
      ...extra,
    };
    corsHeaders(request, headers);
    return new Response(request.method === "HEAD" ? null : body, { status, headers });
  }

  function fail(request, status, code, message, extra) {
    return respond(request, status, errorBody(code, message), extra);
  }

  function preflight(request, route) {
    const headers = { allow: route.allow, "cache-control": NO_STORE, ...SECURITY_HEADERS };
    const origin = request.headers.get("origin");
    if (corsOn && origin !== null && (cors.any || cors.origins.has(origin))) {
      headers["access-control-allow-origin"] = cors.any ? "*" : origin;
      headers["access-control-allow-methods"] = route.allow;
      headers["access-control-allow-headers"] = "content-type";
      headers["access-control-max-age"] = "600";
    }
    if (corsOn && !cors.any) headers["vary"] = "Origin";
    return new Response(null, { status: 204, headers });
  }

  /** The POST routes' shared checks; the body text, or a Response to send instead. */
  async function bodyText(request, limit) {
    if (!isJsonContentType(request.headers.get("content-type"))) {
      return fail(request, 415, "UNSUPPORTED_MEDIA_TYPE", "the body must be sent as Content-Type: application/json (UTF-8)");
    }
    const text = await readBody(request, limit);
    if (text === TOO_LARGE) {
      return fail(request, 413, "INPUT_TOO_LARGE", `the body is larger than ${limit / (1024 * 1024)} MiB`);
    }
    if (text === BAD_UTF8) return fail(request, 400, "INVALID_JSON", "the body is not valid UTF-8");
    return text;
  }

  async function evaluate(request) {
    const text = await bodyText(request, LIMITS.evaluateBytes);
    if (typeof text !== "string") return text;
    const out = engine.evaluateJson(text);
    let status = 200;
    // The engine writes `ok` first; anything else is parsed to read the error code.
    if (!out.startsWith('{"ok":true')) {
      const result = JSON.parse(out);
      if (result.ok !== true) status = statusForErrorCode(result.error && result.error.code);
    }
    return respond(request, status, out);
  }

  async function evaluateBatch(request) {
    const text = await bodyText(request, LIMITS.batchBytes);
    if (typeof text !== "string") return text;
    let items;
    try {
      items = JSON.parse(text);
    } catch {
      return fail(request, 400, "INVALID_JSON", "the body is not valid JSON");
    }
    if (!Array.isArray(items)) {
      return fail(request, 422, "INVALID_INPUT", "the body must be a JSON array of MonthInput objects");
    }
    if (items.length > LIMITS.batchItems) {
      return fail(request, 413, "INPUT_TOO_LARGE", `a batch holds at most ${LIMITS.batchItems} months`);
    }
    // One evaluateJson per month, on that month's own text as it was sent (not re-serialized: JSON.parse
    // would silently merge duplicate keys and round numbers the engine rejects), so each result is
    // exactly what POST /v1/evaluate with that text gives.
    const texts = splitJsonArray(text);
    if (texts.length !== items.length) throw new Error("batch split mismatch");
    items = null;
    let out = "[";
    for (let i = 0; i < texts.length; i++) {
      if (i > 0) out += ",";
      out += engine.evaluateJson(texts[i]);
    }
    out += "]";
    return respond(request, 200, out);
  }

  /** The `{ bundle, options }` body's member texts, or a Response to send instead. */
  function fhirMembers(request, text) {
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return fail(request, 400, "INVALID_JSON", "the body is not valid JSON");
    }
    const shape = (path, message) =>
      respond(request, 422, JSON.stringify({ ok: false, error: { code: "INVALID_INPUT", message: "the body must be { bundle, options }", issues: [{ path, message }] } }));
    if (body === null || typeof body !== "object" || Array.isArray(body)) return shape("", "expected an object: { \"bundle\": Bundle, \"options\": FhirOptions }");
    if (body.bundle === undefined || body.bundle === null) return shape("bundle", "is required: a FHIR R4 Bundle (an object, or its JSON text as a string)");
    // Each member's own text, as sent (not re-serialized, so numbers and repeated keys reach the
    // adapter exactly as `ccm evaluate --fhir` reads them from files); a string is JSON text itself.
    const members = splitJsonObject(text);
    const member = (name) => (typeof body[name] === "string" ? body[name] : members.get(name) ?? "");
    const options = body.options === undefined || body.options === null ? "" : member("options");
    return { bundle: member("bundle"), options };
  }

  async function fhirEvaluate(request) {
    const text = await bodyText(request, LIMITS.fhirEvaluateBytes);
    if (typeof text !== "string") return text;
    const members = fhirMembers(request, text);
    if (members instanceof Response) return members;
    const out = fhir.evaluateFhirJson(members.bundle, members.options);
    let status = 200;
    if (!out.startsWith('{"ok":true')) {
      const result = JSON.parse(out);
      if (result.ok !== true) status = statusForErrorCode(result.error && result.error.code);
    }
    return respond(request, status, out);
  }

  function pack(request, id) {
    const c = getCatalog();
    let body = packTexts.get(id);
    if (body === undefined) {
      const p = c.packIds.has(id) ? engine.rulePack(id) : null;
      if (p === null || p === undefined) return fail(request, 404, "UNKNOWN_RULE_PACK", "no built-in rule pack has this id");
      body = JSON.stringify({ ok: true, pack: p });
      packTexts.set(id, body);
    }
    return respond(request, 200, body, { "cache-control": CATALOG_CACHE });
  }

  async function handle(request) {
    const m = matchRoute(pathOf(request.url));
    if (m === null || (m.name === "fhirEvaluate" && fhir === null)) return fail(request, 404, "NOT_FOUND", "no such endpoint");
    const method = request.method;
    if (method === "OPTIONS") return preflight(request, m.route);
    if (!m.route.methods.includes(method)) {
      return fail(request, 405, "METHOD_NOT_ALLOWED", `this endpoint accepts ${m.route.methods.join(", ")}`, { allow: m.route.allow });
    }
    switch (m.name) {
      case "evaluate":
        return evaluate(request);
      case "batch":
        return evaluateBatch(request);
      case "fhirEvaluate":
        return fhirEvaluate(request);
      case "packs":
        return respond(request, 200, getCatalog().packs, { "cache-control": CATALOG_CACHE });
      case "pack":
        return pack(request, m.id);
      case "consent":
        return respond(request, 200, getCatalog().consent, { "cache-control": CATALOG_CACHE });
      case "health":
        return respond(request, 200, getCatalog().health);
    }
    return fail(request, 404, "NOT_FOUND", "no such endpoint");
  }

  return {
    async fetch(request) {
      try {
        const response = await handle(request);
        // A request rejected before its body was read (404, 405, 415): read the body out first,
        // unparsed, so a client still uploading gets this answer rather than a broken pipe.
        if (request.body !== null && !request.bodyUsed && !request.body.locked) {
          await reading(() => discard(request.body.getReader(), DRAIN_LIMIT));
        }
        return response;
      } catch (err) {
        if (err instanceof ClientAbort) {
          // Not our failure: logged as what it is, answered (if anyone still listens) as a 400.
          console.error("ccm-edge: client aborted the request");
          return fail(request, 400, "CLIENT_ABORTED", "the request body ended before it was complete");
        }
        // Never the body or the error text (it could quote input): only what kind of failure.
        console.error(`ccm-edge: internal error (${err && err.name ? err.name : typeof err})`);
        return fail(request, 500, "INTERNAL_ERROR", "the request could not be processed");
      }
    },
  };
}
