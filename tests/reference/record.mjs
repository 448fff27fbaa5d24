#!/usr/bin/env node
// Records what the JavaScript pipeline that `--profile compat` reproduces says about the traces
// in tests/data/reference/, as the expectations tests/unit/test_reference_compat.cpp checks.
//
//   node tests/reference/record.mjs --reference DIR [--seed N] [--count N]
//
// DIR is a checkout of itdojp/ae-framework at commit 804a341 (or KVONCE_REFERENCE_DIR); its
// scripts/trace/convert-otlp-kvonce.mjs, projector-kvonce.mjs and validate-kvonce.mjs run on each
// trace exactly as its run-kvonce-conformance.sh runs them (an OTLP payload is converted first).
// Only their outputs are kept: `<trace>.expected.json` holds the validator's `valid` and `issues`
// and each key's `firstTimestamp` / `lastTimestamp` from the projection.
//
// The traces in generated/ are written first, from the seed: every family of reading where
// kvonce-trace and the converter once disagreed (lone UTF-16 surrogates in keys, an attribute
// without a value after one of the same key, attribute values not in OTLP/JSON form, ISO 8601
// times outside 1970..2554, start times as numbers with an exponent, JavaScript white space
// around NDJSON lines, NDJSON lines that are JSON but not objects), mixed with ordinary events.
// They avoid what the reference cannot read (a `null` line, a reason that is not a string) and
// the documented intended differences (docs/rules.md), so every verdict must agree.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.resolve(here, '../data/reference');

function parseArgs(argv) {
  const out = { reference: process.env.KVONCE_REFERENCE_DIR ?? null, seed: 21, count: 40 };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--reference') out.reference = argv[++i];
    else if (arg === '--seed') out.seed = Number(argv[++i]);
    else if (arg === '--count') out.count = Number(argv[++i]);
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!out.reference) {
    throw new Error('usage: record.mjs --reference <ae-framework checkout> [--seed N] [--count N]');
  }
  return out;
}

// mulberry32: a small seeded generator, so the same seed writes the same traces.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (list) => list[int(list.length)], chance: (p) => next() < p };
}

// Keys, some with lone surrogates (written by JSON.stringify as \ud83d escapes).
const KEYS = ['a', 'b', '10', 'k\ud83d', 'k\ud83e', '\udc00z', 'c'];
const TYPES = ['success', 'retry', 'retry', 'failure', 'success', 'Success'];
const REASONS = ['duplicate', 'timeout', 'Duplicate'];
// JavaScript white space that String.prototype.trim removes, and some ASCII.
const JS_SPACE = ['\u00a0', '\u2028', '\u2029', '\u000b', '\u000c', '\ufeff', '\u3000', '\u205f',
  '\u1680', '\u2000', '\u200a', '\u202f', ' ', '\t'];
const NON_OBJECT_LINES = ['5', '"x"', '[1,{"type":"success","key":"a"}]', 'true', 'false', '-0.5e3',
  '[]', '{}'];

function context(r, attempt) {
  switch (r.int(6)) {
    case 0: return undefined;
    case 1: return { attempt };
    case 2: return { attempts: attempt };
    case 3: return attempt;
    case 4: return null;
    default: return 'no attempt';
  }
}

// Ordinary events for one trace: a few keys, each with retries, successes and failures.
function events(r) {
  const out = [];
  const attempts = new Map();
  const n = 3 + r.int(10);
  for (let i = 0; i < n; i += 1) {
    const key = r.pick(KEYS);
    const type = r.pick(TYPES);
    const next = (attempts.get(key) ?? 0) + 1;
    const e = { type, key };
    if (type === 'retry') {
      attempts.set(key, next);
      e.context = context(r, r.chance(0.8) ? next : next + 1);
    } else if (type === 'success' || type === 'Success') {
      e.value = r.chance(0.8) ? `v${i}` : null;
      e.context = context(r, next);
    } else {
      e.reason = r.chance(0.8) ? r.pick(REASONS) : undefined;
    }
    out.push(e);
  }
  return out;
}

// An attribute value in one of the forms the converter reads (stringified, then placeholders
// become raw JSON text where JSON.stringify cannot write it).
function anyValue(r, value) {
  if (value === null) return null;
  if (typeof value === 'string') {
    switch (r.int(6)) {
      case 0: return value;                                                  // bare
      case 1: return { intValue: '7', stringValue: value };                  // two members
      case 2: return { stringValue: value, boolValue: true };
      default: return { stringValue: value };
    }
  }
  if (typeof value === 'number') {
    switch (r.int(5)) {
      case 0: return value;
      case 1: return { stringValue: value };
      case 2: return { doubleValue: value, boolValue: false };
      case 3: return { boolValue: true, intValue: String(value) };
      default: return { intValue: String(value) };
    }
  }
  // an object context: mapValue, boolValue holding the map, arrayValue without values first
  const fields = Object.entries(value).map(([k, v]) => ({ key: k, value: anyValue(r, v) }));
  switch (r.int(3)) {
    case 0: return { boolValue: value };
    case 1: return { arrayValue: {}, mapValue: { fields } };
    default: return { mapValue: { fields: [...fields, { key: 'note' }] } };
  }
}

function otlpTrace(r, index) {
  const spans = events(r).map((e, i) => {
    const attributes = [];
    const add = (key, value) => {
      if (value === undefined) return;
      if (r.chance(0.15)) attributes.push({ key, value: { stringValue: 'stale' } });
      attributes.push({ key, value: anyValue(r, value) });
    };
    add('kvonce.event.type', e.type);
    add('kvonce.event.key', e.key);
    add('kvonce.event.value', e.value);
    add('kvonce.event.reason', e.reason);
    add('kvonce.event.context', e.context);
    if (r.chance(0.15)) attributes.push({ key: 'kvonce.event.context' });  // clears it
    const nanos = 1760000000000000000n + BigInt(index) * 1000000000n + BigInt(i) * 1000n;
    let start;
    switch (r.int(4)) {
      case 0: start = `@@${(Number(nanos / 1000000000n) / 1e9).toString()}e18@@`; break;
      case 1: start = `@@${nanos / 1000n}e3@@`; break;
      default: start = nanos.toString();
    }
    return {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: (BigInt(index) * 1000n + BigInt(i) + 1n).toString(16).padStart(16, '0'),
      startTimeUnixNano: start,
      attributes,
    };
  });
  const doc = {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'kv' } }] },
      scopeSpans: [{ spans }],
    }],
  };
  return `${JSON.stringify(doc).replace(/"@@([^@]*)@@"/g, '$1')}\n`;
}

const ISO_TIMES = ['2025-10-09T08:53:20.000Z', '1969-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z', '2554-07-21T23:34:33.710Z', '1900-02-28T12:00:00.500Z'];

function ndjsonTrace(r) {
  const lines = [];
  for (const e of events(r)) {
    if (r.chance(0.2)) lines.push(r.pick(NON_OBJECT_LINES));
    if (r.chance(0.1)) lines.push(r.pick(JS_SPACE) + r.pick(JS_SPACE));
    const line = JSON.stringify({ timestamp: r.pick(ISO_TIMES), ...e });
    const pad = () => (r.chance(0.3) ? r.pick(JS_SPACE) : '');
    lines.push(pad() + line + pad());
  }
  return `${lines.join('\n')}\n`;
}

function writeGenerated(seed, count) {
  const dir = path.join(dataDir, 'generated');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  for (let i = 0; i < count; i += 1) {
    const name = `seed${seed}-${String(i).padStart(2, '0')}`;
    if (i % 2 === 0) fs.writeFileSync(path.join(dir, `${name}.json`), otlpTrace(r, i));
    else fs.writeFileSync(path.join(dir, `${name}.ndjson`), ndjsonTrace(r));
  }
}

// Runs the reference on one trace; its outputs, or how it failed.
function runReference(reference, trace) {
  const scripts = path.join(reference, 'scripts', 'trace');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kvonce-reference-'));
  const node = (script, args) =>
    execFileSync(process.execPath, [path.join(scripts, script), ...args], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  try {
    let ndjson = trace;
    if (trace.endsWith('.json')) {
      ndjson = path.join(work, 'kvonce-events.ndjson');
      node('convert-otlp-kvonce.mjs', ['--input', trace, '--output', ndjson]);
    }
    const projection = path.join(work, 'kvonce-projection.json');
    const validation = path.join(work, 'kvonce-validation.json');
    node('projector-kvonce.mjs', ['--input', ndjson, '--output', projection, '--state-output',
      path.join(work, 'projected', 'kvonce-state-sequence.json')]);
    node('validate-kvonce.mjs', ['--input', projection, '--output', validation]);
    const v = JSON.parse(fs.readFileSync(validation, 'utf8'));
    const p = JSON.parse(fs.readFileSync(projection, 'utf8'));
    const timestamps = Object.fromEntries(Object.entries(p.perKey).map(([key, entry]) =>
      [key, [entry.firstTimestamp, entry.lastTimestamp]]));
    return { valid: v.valid, issues: v.issues, timestamps };
  } catch (error) {
    const stderr = String(error.stderr ?? error.message);
    const line = stderr.split('\n').find((l) => /Error/.test(l)) ?? stderr.split('\n')[0];
    return { referenceFailed: line.trim() };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const args = parseArgs(process.argv.slice(2));
writeGenerated(args.seed, args.count);
let failed = 0;
for (const sub of ['cases', 'generated']) {
  const dir = path.join(dataDir, sub);
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.endsWith('.expected.json')) continue;
    const result = runReference(path.resolve(args.reference), path.join(dir, name));
    if (result.referenceFailed) failed += 1;
    const stem = name.replace(/\.(json|ndjson)$/, '');
    fs.writeFileSync(path.join(dir, `${stem}.expected.json`), `${JSON.stringify(result, null, 2)}\n`);
  }
}
if (failed > 0) console.error(`${failed} trace(s) made the reference fail; see referenceFailed`);
