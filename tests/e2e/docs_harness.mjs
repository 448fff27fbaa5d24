// Shared by the tests of the workflows and the docs: action-validator, the options the binary
// really has, and fenced code blocks of Markdown files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { BIN } from './cloud_harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const VALIDATOR = path.join(HERE, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

export function requireValidator() {
  assert.ok(fs.existsSync(VALIDATOR),
    `@action-validator/cli is not installed (${VALIDATOR}): run scripts/install-test-deps.sh`);
}

// Runs action-validator on one file from the repository root (it resolves `paths` globs there);
// resolves with its exit code and output (a JSON error report when it rejects the file).
export function validate(file) {
  return new Promise((resolve) => {
    execFile(process.execPath, [VALIDATOR, file], { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr });
      });
  });
}

// The long options `kvonce-trace <subcommand> --help` lists (the subcommand may be two words,
// e.g. "batch merge").
const helpCache = new Map();
export function optionsOf(subcommand) {
  if (!helpCache.has(subcommand)) {
    helpCache.set(subcommand, new Promise((resolve, reject) => {
      execFile(BIN, [...subcommand.split(' '), '--help'], { timeout: 30_000 }, (error, stdout) => {
        if (error) reject(new Error(`kvonce-trace ${subcommand} --help failed: ${error.message}`));
        else resolve(new Set(stdout.match(/--[a-z][a-z0-9-]*/g) || []));
      });
    }));
  }
  return helpCache.get(subcommand);
}

// The ``` fenced blocks of a Markdown text: {info, body, line}. An unterminated fence throws.
export function fences(markdown) {
  const out = [];
  let open = null;
  markdown.split('\n').forEach((line, i) => {
    if (open === null) {
      const m = /^```(.*)$/.exec(line);
      if (m) open = { info: m[1].trim(), body: '', line: i + 1 };
    } else if (line === '```') {
      out.push(open);
      open = null;
    } else {
      open.body += `${line}\n`;
    }
  });
  assert.equal(open, null, `unterminated fence at line ${open?.line}`);
  return out;
}
