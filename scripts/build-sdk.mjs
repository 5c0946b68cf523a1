// Builds the web SDK (web/sdk) into web/sdk/dist: ES module and classic script bundles (all, and the player alone), the
// lazily loaded HLS fallback,
// the iframe page script and the documentation page. Leaflet is bundled (taken off window.L at load), hls.js is not.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stagingOf, swapInto } from './swap-dir.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SDK = path.join(ROOT, 'web', 'sdk');
export const SDK_DIST = path.join(SDK, 'dist');

const common = {
  bundle: true,
  minify: true,
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  logLevel: 'warning',
  loader: { '.css': 'text' },
  define: { 'process.env.NODE_ENV': '"production"' },
};

/** Builds every SDK file; returns the output directory. */
export async function buildSdk() {
  const staging = stagingOf(SDK_DIST);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const src = (f) => path.join(SDK, 'src', f);
  const out = (f) => path.join(staging, f);
  await Promise.all([
    build({ ...common, entryPoints: [src('index.ts')], outfile: out('cloudeye.mjs'), format: 'esm' }),
    build({
      ...common,
      entryPoints: [src('index.ts')],
      outfile: out('cloudeye.js'),
      format: 'iife',
      globalName: 'CloudEye',
    }),
    // the player alone (no map, no Leaflet): a page that only shows video starts sooner
    build({ ...common, entryPoints: [src('player-entry.ts')], outfile: out('cloudeye-player.mjs'), format: 'esm' }),
    build({
      ...common,
      entryPoints: [src('player-entry.ts')],
      outfile: out('cloudeye-player.js'),
      format: 'iife',
      globalName: 'CloudEyePlayer',
    }),
    build({ ...common, entryPoints: [src('hls-lazy.ts')], outfile: out('cloudeye-hls.mjs'), format: 'esm' }),
    build({ ...common, entryPoints: [src('embed-page.ts')], outfile: out('embed-page.mjs'), format: 'esm' }),
  ]);
  cpSync(path.join(SDK, 'docs'), staging, { recursive: true });
  swapInto(staging, SDK_DIST);
  return SDK_DIST;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  await buildSdk();
  process.stdout.write(`build-sdk: web/sdk/dist built in ${Date.now() - t0} ms\n`);
}
