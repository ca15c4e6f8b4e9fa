// Tests that need ../shared (the paper's data and weights) skip with a message naming what is
// missing on a user's fresh clone, and fail in CI, where .ci/run sets FACEPATCH_REQUIRE_SHARED=1.
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { sharedPath } from '../../src/config/paths.js';

export function sharedIsRequired(): boolean {
  return process.env.FACEPATCH_REQUIRE_SHARED === '1';
}

/**
 * The absolute path of a shared file or folder, or undefined after marking the test skipped
 * (throws instead when shared data is required, so CI never skips silently).
 */
export function requireShared(t: TestContext, ...parts: string[]): string | undefined {
  const path = sharedPath(...parts);
  if (existsSync(path)) return path;
  const message = `needs ${path} (shared data; set FACEPATCH_SHARED to its folder)`;
  if (sharedIsRequired()) throw new Error(`missing required shared data: ${message}`);
  t.skip(message);
  return undefined;
}
