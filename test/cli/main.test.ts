import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

test('--help lists the commands', () => {
  const r = runCli(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /detectors/);
});

test('an unknown command is an error that lists the valid commands', () => {
  const r = runCli(['no-such-command']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unknown command "no-such-command"; valid commands: .*detectors/);
  assert.equal(r.stdout, '');
});

test('an unknown flag is a usage error', () => {
  const r = runCli(['detectors', '--no-such-flag']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option '--no-such-flag'/);
});

test('--json prints exactly one JSON document on stdout', () => {
  const r = runCli(['detectors', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const document = JSON.parse(r.stdout);
  assert.ok(Array.isArray(document.detectors));
});
