// Replaces a build output directory at once: the build writes a staging directory, which takes the output's place
// by two renames, so a server reading the output (a test or a running gateway beside a rebuild) never sees it half
// written or missing.
import { existsSync, renameSync, rmSync } from 'node:fs';

/** The staging directory of `dir` for this process. */
export const stagingOf = (dir) => `${dir}.next-${process.pid}`;

/** Moves `staging` into the place of `dir` and removes what was there. */
export function swapInto(staging, dir) {
  const old = `${dir}.old-${process.pid}`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(staging, dir);
  rmSync(old, { recursive: true, force: true });
}
