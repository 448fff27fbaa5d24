// `kvonce-trace completion SHELL`: each script is loaded into the real shell and asked to complete
// (bash: the completion function with COMP_WORDS; fish: `complete -C`; zsh: parsed, and every
// command has its completion function). The shells come from Debian (scripts/install-deps.sh).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';

import { BIN, requireBinary } from './cloud_harness.mjs';

let dir;
before(() => {
  requireBinary();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvonce-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    fs.writeFileSync(path.join(dir, shell), execFileSync(BIN, ['completion', shell]));
  }
  fs.writeFileSync(path.join(dir, 'payload.json'), '{}');
});

// What bash offers for these words (the last one being completed), run in `dir`.
function bash(...words) {
  const script = `source ${path.join(dir, 'bash')}
COMP_WORDS=(kvonce-trace ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}
_kvonce_trace; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean);
}

function fish(line) {
  const out = execFileSync('fish', ['-c', `source ${path.join(dir, 'fish')}; complete -C '${line}'`],
    { cwd: dir, encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
}

test('bash: subcommands, their options, option values and files', () => {
  assert.deepEqual(bash('ve'), ['verify']);
  assert.ok(bash('').includes('completion'));
  assert.deepEqual(bash('verify', '--pro'), ['--profile']);
  assert.deepEqual(bash('verify', '--format', '').sort(), ['auto', 'ndjson', 'otlp']);
  assert.deepEqual(bash('verify', '-i', 'pay'), ['payload.json']);
  assert.deepEqual(bash('batch', 'me'), ['merge']);
  assert.ok(bash('batch', 'merge', '--').includes('--summary'));
  assert.ok(!bash('batch', 'merge', '--').includes('--jobs'), 'merge has no --jobs');
  assert.deepEqual(bash('completion', 'z'), ['zsh'], 'the shells, not the file named zsh');
  assert.deepEqual(bash('completion', 'x'), []);
  assert.deepEqual(bash('ru'), ['run'], 'no file at the top level');
});

test('fish: the same answers', () => {
  assert.deepEqual(fish('kvonce-trace ve'), ['verify']);
  assert.deepEqual(fish('kvonce-trace verify --pro'), ['--profile']);
  assert.deepEqual(fish('kvonce-trace verify --order ').sort(), ['input', 'realtime', 'time']);
  assert.deepEqual(fish('kvonce-trace batch me'), ['merge']);
  assert.ok(fish('kvonce-trace batch merge --').includes('--summary'));
  assert.ok(!fish('kvonce-trace batch merge --').includes('--jobs'));
  assert.deepEqual(fish('kvonce-trace completion ').sort(), ['bash', 'fish', 'zsh']);
  assert.deepEqual(fish('kvonce-trace batch merge pay'), ['payload.json']);
  assert.deepEqual(fish('kvonce-trace verify -i pay'), ['payload.json']);
  assert.deepEqual(fish('kvonce-trace prepare pay'), [], 'prepare takes no file argument');
});

test('zsh: the script parses and defines a function per command', () => {
  const file = path.join(dir, 'zsh');
  execFileSync('zsh', ['-n', file]);
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /^#compdef kvonce-trace$/m);
  for (const fn of ['_kvonce_trace', '_kvonce_trace_verify', '_kvonce_trace_batch_merge']) {
    assert.match(text, new RegExp(`^${fn}\\(\\) \\{$`, 'm'));
  }
  assert.match(text, /--format'\[Input format[^\]]*\]:value:\(otlp ndjson auto\)'/);
});

test('an unknown shell is a usage error', () => {
  assert.throws(() => execFileSync(BIN, ['completion', 'tcsh'], { stdio: 'pipe' }),
    (e) => e.status === 3);
});
