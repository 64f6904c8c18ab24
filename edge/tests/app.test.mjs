// The router (edge/src/app.mjs) in Node, over a stand-in engine: the logic that does not depend on
// the runtime (status mapping, limits, CORS settings, HEAD/OPTIONS, internal errors).
// The real engine on the real runtimes is edge/tests/edge.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LIMITS, createApp, parseAllowOrigins, splitJsonArray, splitJsonObject, statusForErrorCode } from "../src/app.mjs";

const MiB = 1024 * 1024;

function fakeEngine(overrides = {}) {
  const calls = [];
  return {
    calls,
    evaluateJson(text) {
      calls.push(text);
      if (text.startsWith("{")) return `{"ok":true,"evaluation":{"n":${text.length}}}`;
      return '{"ok":false,"error":{"code":"INVALID_JSON","message":"m","issues":[]}}';
    },
    rulePacks: () => [{ id: "p1" }, { id: "p2" }],
    rulePack: (id) => (id === "p1" || id === "p2" ? { id, codes: [] } : null),
    consentTemplates: () => [],
    version: () => "9.9.9",
    ...overrides,
  };
}

const req = (path, init = {}) => new Request(`http://edge.test${path}`, init);
const postJson = (path, body, headers = {}) =>
  req(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

test("status of ok:false results by error code", () => {
  assert.equal(statusForErrorCode("INVALID_JSON"), 400);
  assert.equal(statusForErrorCode("INPUT_TOO_LARGE"), 413);
  for (const c of ["INVALID_INPUT", "UNKNOWN_RULE_PACK", "NO_RULE_PACK_FOR_MONTH", "INVALID_RULE_PACK", "SOMETHING_NEW", undefined]) {
    assert.equal(statusForErrorCode(c), 422, String(c));
  }
});

test("the engine's result text is returned as is, with its status", async () => {
  for (const [out, status] of [
    ['{"ok":true,"evaluation":{}}', 200],
    ['{ "ok": true, "evaluation": {} }', 200],
    ['{"ok":false,"error":{"code":"INVALID_JSON","message":"m"}}', 400],
    ['{"ok":false,"error":{"code":"INPUT_TOO_LARGE","message":"m"}}', 413],
    ['{"ok":false,"error":{"code":"UNKNOWN_RULE_PACK","message":"m"}}', 422],
    ['{"error":{"code":"INVALID_INPUT","message":"m"},"ok":false}', 422],
  ]) {
    const app = createApp(fakeEngine({ evaluateJson: () => out }));
    const res = await app.fetch(postJson("/v1/evaluate", "{}"));
    assert.equal(res.status, status, out);
    assert.equal(await res.text(), out);
    assert.equal(res.headers.get("cache-control"), "no-store");
  }
});

test("CORS allow-list setting", () => {
  assert.deepEqual(parseAllowOrigins(undefined), { any: false, origins: new Set() });
  assert.deepEqual(parseAllowOrigins(""), { any: false, origins: new Set() });
  assert.deepEqual(parseAllowOrigins(" https://a.example, https://b.example:8443/ "), {
    any: false,
    origins: new Set(["https://a.example", "https://b.example:8443"]),
  });
  assert.equal(parseAllowOrigins("*").any, true);
});

test("CORS: off by default, exact origins, or any", async () => {
  const origin = "https://portal.example";
  const send = (app) => app.fetch(postJson("/v1/evaluate", "{}", { origin }));
  let res = await send(createApp(fakeEngine()));
  assert.equal(res.headers.get("access-control-allow-origin"), null);
  assert.equal(res.headers.get("vary"), null);
  res = await send(createApp(fakeEngine(), { corsAllowOrigins: "https://other.example" }));
  assert.equal(res.headers.get("access-control-allow-origin"), null);
  assert.equal(res.headers.get("vary"), "Origin");
  res = await send(createApp(fakeEngine(), { corsAllowOrigins: `https://other.example,${origin}` }));
  assert.equal(res.headers.get("access-control-allow-origin"), origin);
  res = await send(createApp(fakeEngine(), { corsAllowOrigins: "*" }));
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  // No Origin header: no CORS headers even when on.
  res = await createApp(fakeEngine(), { corsAllowOrigins: "*" }).fetch(postJson("/v1/evaluate", "{}"));
  assert.equal(res.headers.get("access-control-allow-origin"), null);
});

test("OPTIONS: 204 with Allow; preflight headers only for allowed origins", async () => {
  const pre = { method: "OPTIONS", headers: { origin: "https://portal.example", "access-control-request-method": "POST" } };
  let res = await createApp(fakeEngine()).fetch(req("/v1/evaluate", pre));
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("allow"), "POST, OPTIONS");
  assert.equal(res.headers.get("access-control-allow-origin"), null);
  res = await createApp(fakeEngine(), { corsAllowOrigins: "https://portal.example" }).fetch(req("/v1/packs", pre));
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), "https://portal.example");
  assert.equal(res.headers.get("access-control-allow-methods"), "GET, HEAD, OPTIONS");
  res = await createApp(fakeEngine()).fetch(req("/v1/nope", pre));
  assert.equal(res.status, 404);
});

test("HEAD answers headers only; catalog answers are computed once", async () => {
  let packsCalls = 0;
  const eng = fakeEngine({ rulePacks: () => (packsCalls++, [{ id: "p1" }]) });
  const app = createApp(eng, { runtime: "test" });
  const head = await app.fetch(req("/v1/health", { method: "HEAD" }));
  assert.equal(head.status, 200);
  assert.equal(head.body, null);
  const h = await (await app.fetch(req("/v1/health"))).json();
  assert.deepEqual(h, { ok: true, status: "ok", engineVersion: "9.9.9", runtime: "test", packs: ["p1"] });
  await app.fetch(req("/v1/packs"));
  await app.fetch(req("/v1/packs/p1"));
  assert.equal(packsCalls, 1);
  const p = await (await app.fetch(req("/v1/packs/p1"))).json();
  assert.deepEqual(p, { ok: true, pack: { id: "p1", codes: [] } });
});

test("size limits count bytes, declared or streamed; at the limit is accepted", async () => {
  const eng = fakeEngine();
  const app = createApp(eng);
  const stream = (bytes) =>
    new ReadableStream({
      start(c) {
        for (let sent = 0; sent < bytes; sent += 65536) c.enqueue(new Uint8Array(Math.min(65536, bytes - sent)).fill(0x20));
        c.close();
      },
    });
  const streamed = (path, bytes) =>
    app.fetch(req(path, { method: "POST", headers: { "content-type": "application/json" }, body: stream(bytes), duplex: "half" }));
  assert.equal((await streamed("/v1/evaluate", LIMITS.evaluateBytes + 1)).status, 413);
  assert.equal(eng.calls.length, 0, "nothing reached the engine");
  assert.equal((await streamed("/v1/evaluate", LIMITS.evaluateBytes)).status, 400); // blank: the engine's INVALID_JSON
  assert.equal(eng.calls.length, 1);
  assert.equal(eng.calls[0].length, 2 * MiB);
  // Multi-byte characters: the limit is on bytes, not characters.
  const res = await app.fetch(postJson("/v1/evaluate", "é".repeat(MiB + 1)));
  assert.equal(res.status, 413);
  assert.equal((await streamed("/v1/evaluate-batch", LIMITS.batchBytes + 1)).status, 413);
});

test("batch: one evaluateJson per month, results joined in order", async () => {
  const eng = fakeEngine();
  const app = createApp(eng);
  const res = await app.fetch(postJson("/v1/evaluate-batch", '[{"a":1}, 5, null, {"b":[1,2]}]'));
  assert.equal(res.status, 200);
  assert.deepEqual(eng.calls, ['{"a":1}', "5", "null", '{"b":[1,2]}']);
  const out = await res.json();
  assert.equal(out.length, 4);
  assert.deepEqual(out[0], { ok: true, evaluation: { n: 7 } });
  assert.equal(out[1].ok, false);
});

test("splitJsonArray: each element's own text, in order", () => {
  const cases = [
    ["[]", []],
    [" [ ] ", []],
    ["[1]", ["1"]],
    ['[ {"a":"x,]}\\"y"} ,\n\t[1,[2,{}]] , "s\\\\" ,null,-0.5e+3, true ]', ['{"a":"x,]}\\"y"}', "[1,[2,{}]]", '"s\\\\"', "null", "-0.5e+3", "true"]],
    ['[{"k":1,"k":2},1e400,12345678901234567890123]', ['{"k":1,"k":2}', "1e400", "12345678901234567890123"]],
    ['["\\u005b\\"","]","{"]', ['"\\u005b\\""', '"]"', '"{"']],
  ];
  for (const [text, want] of cases) {
    JSON.parse(text);
    assert.deepEqual(splitJsonArray(text), want, text);
  }
  // Random nested values: the pieces parse back to the elements.
  let seed = 7;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const chars = ['"', "\\", ",", "[", "]", "{", "}", ":", "a", " ", "\n", "é", "\u2028"];
  const value = (d) => {
    switch (d > 3 ? rnd(3) : rnd(5)) {
      case 0: return Array.from({ length: rnd(6) }, () => chars[rnd(chars.length)]).join("");
      case 1: return rnd(1000) - 500;
      case 2: return rnd(2) === 0 ? null : true;
      case 3: return Array.from({ length: rnd(4) }, () => value(d + 1));
      default: return Object.fromEntries(Array.from({ length: rnd(4) }, (_, i) => [`${chars[rnd(chars.length)]}${i}`, value(d + 1)]));
    }
  };
  for (let k = 0; k < 300; k++) {
    const arr = Array.from({ length: rnd(6) }, () => value(0));
    const text = rnd(2) ? JSON.stringify(arr) : JSON.stringify(arr, null, rnd(2) ? 2 : "\t");
    const parts = splitJsonArray(text);
    assert.equal(parts.length, arr.length, text);
    parts.forEach((p, i) => assert.deepEqual(JSON.parse(p), arr[i], text));
  }
});

test("batch: the engine gets each month's text as sent (no re-serialization)", async () => {
  const eng = fakeEngine();
  const app = createApp(eng);
  const res = await app.fetch(postJson("/v1/evaluate-batch", '[ {"k":1, "k":2} , {"m":1e400},{"n":12345678901234567890123} ]'));
  assert.equal(res.status, 200);
  assert.deepEqual(eng.calls, ['{"k":1, "k":2}', '{"m":1e400}', '{"n":12345678901234567890123}']);
});

/** A stand-in for the FHIR adapter's module: records the texts it was given. */
function fakeFhir(out = '{"ok":true,"evaluation":{},"fhir":{}}') {
  const calls = [];
  return { calls, evaluateFhirJson: (bundle, options) => (calls.push([bundle, options]), typeof out === "function" ? out(bundle, options) : out) };
}

test("POST /v1/fhir/evaluate: 404 without the FHIR module; with it, the members' own texts reach the adapter", async () => {
  const body = '{ "options" : {"serviceMonth":"2026-03","n":1e400} ,\n "bundle": {"resourceType":"Bundle","a":"}\\"","a":2} }';
  let res = await createApp(fakeEngine()).fetch(postJson("/v1/fhir/evaluate", body));
  assert.equal(res.status, 404);
  const fhir = fakeFhir();
  res = await createApp(fakeEngine(), { fhir }).fetch(postJson("/v1/fhir/evaluate", body));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '{"ok":true,"evaluation":{},"fhir":{}}');
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.deepEqual(fhir.calls, [['{"resourceType":"Bundle","a":"}\\"","a":2}', '{"serviceMonth":"2026-03","n":1e400}']]);
  // A string member is the JSON text itself; no options: empty text (the adapter says what is missing).
  await createApp(fakeEngine(), { fhir }).fetch(postJson("/v1/fhir/evaluate", JSON.stringify({ bundle: '{"resourceType":"Bundle"}' })));
  assert.deepEqual(fhir.calls[1], ['{"resourceType":"Bundle"}', ""]);
});

test("POST /v1/fhir/evaluate: status by the adapter's error code; the body's shape; limits", async () => {
  for (const [out, status] of [
    ['{"error":{"code":"INVALID_INPUT","issues":[],"message":"m"},"ok":false}', 422],
    ['{"error":{"code":"INPUT_TOO_LARGE","issues":[],"message":"m"},"ok":false}', 413],
    ['{"error":{"code":"INVALID_JSON","issues":[],"message":"m"},"ok":false}', 400],
    ['{"ok":false,"error":{"code":"UNKNOWN_RULE_PACK","message":"m"},"fhir":{}}', 422],
  ]) {
    const res = await createApp(fakeEngine(), { fhir: fakeFhir(out) }).fetch(postJson("/v1/fhir/evaluate", '{"bundle":{}}'));
    assert.equal(res.status, status, out);
    assert.equal(await res.text(), out);
  }
  const fhir = fakeFhir();
  const app = createApp(fakeEngine(), { fhir });
  for (const [text, status, path] of [["[1]", 422, ""], ["7", 422, ""], ["{}", 422, "bundle"], ['{"bundle":null}', 422, "bundle"], ["{", 400, null]]) {
    const res = await app.fetch(postJson("/v1/fhir/evaluate", text));
    assert.equal(res.status, status, text);
    const r = await res.json();
    assert.equal(r.ok, false);
    if (path !== null) assert.deepEqual(r.error.issues.map((i) => i.path), [path], text);
  }
  assert.equal(fhir.calls.length, 0, "refused bodies never reach the adapter");
  let res = await app.fetch(postJson("/v1/fhir/evaluate", " ".repeat(LIMITS.fhirEvaluateBytes + 1)));
  assert.equal(res.status, 413);
  res = await app.fetch(postJson("/v1/fhir/evaluate", `{"bundle":{}}${" ".repeat(LIMITS.fhirEvaluateBytes - 13)}`));
  assert.equal(res.status, 200, "at the limit");
  res = await app.fetch(req("/v1/fhir/evaluate"));
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "POST, OPTIONS");
});

test("splitJsonObject: each member's own text by name; a repeated name keeps the last", () => {
  const m = splitJsonObject(' { "a" : [1, {"b": "],}"}] , "c\\u0041":"x\\"y" ,"a":{"z":null}, "n": -1.5e3 } ');
  assert.deepEqual([...m], [["a", '{"z":null}'], ["cA", '"x\\"y"'], ["n", "-1.5e3"]]);
  assert.deepEqual([...splitJsonObject("{}")], []);
});

test("a byte-order mark reaches the engine (it decides, as for the CLI)", async () => {
  const eng = fakeEngine();
  const app = createApp(eng);
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":1}')]);
  await app.fetch(postJson("/v1/evaluate", bytes));
  assert.deepEqual(eng.calls, ['\ufeff{"a":1}']);
});

test("an engine failure is a 500 that says nothing about the input", async () => {
  const errors = [];
  const orig = console.error;
  console.error = (...a) => errors.push(a.join(" "));
  try {
    const app = createApp(
      fakeEngine({
        evaluateJson: (t) => {
          throw new Error(`boom ${t}`);
        },
      }),
    );
    const res = await app.fetch(postJson("/v1/evaluate", '{"name":"SECRET-NAME"}'));
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.deepEqual(JSON.parse(text).error.code, "INTERNAL_ERROR");
    assert.ok(!text.includes("SECRET"));
    assert.ok(!errors.join("\n").includes("SECRET"), "the log line does not carry the body");
  } finally {
    console.error = orig;
  }
});

test("every answer carries the security headers; Vary: Origin whenever an allow-list decides", async () => {
  const want = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };
  const listed = createApp(fakeEngine(), { corsAllowOrigins: "https://portal.example" });
  const plain = createApp(fakeEngine());
  const answers = [
    await plain.fetch(postJson("/v1/evaluate", "{}")),
    await plain.fetch(req("/v1/packs")),
    await plain.fetch(req("/nope")),
    await plain.fetch(req("/v1/evaluate", { method: "GET" })),
    await plain.fetch(req("/v1/evaluate", { method: "OPTIONS" })),
    await listed.fetch(postJson("/v1/evaluate", "{}")),
    await listed.fetch(req("/v1/health", { headers: { origin: "https://portal.example" } })),
  ];
  for (const res of answers) {
    for (const [k, v] of Object.entries(want)) assert.equal(res.headers.get(k), v, `${res.status} ${k}`);
  }
  // An allow-list answer differs with the Origin header, so it varies on it even without one.
  assert.equal(answers[5].headers.get("vary"), "Origin");
  assert.equal(answers[6].headers.get("vary"), "Origin");
  assert.equal(answers[0].headers.get("vary"), null, "CORS off: nothing depends on Origin");
});

test("a client that stops mid-upload is logged as a client abort, not an internal error", async () => {
  const errors = [];
  const orig = console.error;
  console.error = (...a) => errors.push(a.join(" "));
  try {
    const app = createApp(fakeEngine());
    for (const declared of [true, false]) {
      const body = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"a":'));
        },
        pull(c) {
          c.error(new TypeError("Network connection lost"));
        },
      });
      const headers = { "content-type": "application/json", ...(declared ? { "content-length": "100" } : {}) };
      const res = await app.fetch(req("/v1/evaluate", { method: "POST", headers, body, duplex: "half" }));
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(await res.text()).error.code, "CLIENT_ABORTED");
    }
    assert.deepEqual(errors, ["ccm-edge: client aborted the request", "ccm-edge: client aborted the request"]);
  } finally {
    console.error = orig;
  }
});
