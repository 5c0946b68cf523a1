#!/usr/bin/env node
// Builds the console: bundles web/src/main.ts into web/dist/app.js and copies static files and Leaflet's CSS/images (all local);
// then the web SDK (scripts/build-sdk.mjs).
import { build, context } from 'esbuild';
import { cpSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSdk } from './build-sdk.mjs';
import { stagingOf, swapInto } from './swap-dir.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'web', 'dist');
const watch = process.argv.includes('--watch');
// a build writes a staging directory that then takes web/dist's place at once; --watch rebuilds web/dist in place
const OUT = watch ? DIST : stagingOf(DIST);

function copyStatic() {
  mkdirSync(OUT, { recursive: true });
  cpSync(path.join(ROOT, 'web', 'static'), OUT, { recursive: true });
  const leaflet = path.join(ROOT, 'node_modules', 'leaflet', 'dist');
  mkdirSync(path.join(OUT, 'leaflet', 'images'), { recursive: true });
  cpSync(path.join(leaflet, 'leaflet.css'), path.join(OUT, 'leaflet', 'leaflet.css'));
  for (const f of readdirSync(path.join(leaflet, 'images')))
    cpSync(path.join(leaflet, 'images', f), path.join(OUT, 'leaflet', 'images', f));
}

const options = {
  entryPoints: [path.join(ROOT, 'web', 'src', 'main.ts')],
  outfile: path.join(OUT, 'app.js'),
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'linked',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

rmSync(OUT, { recursive: true, force: true });
copyStatic();
if (watch) {
  const ctx = await context({ ...options, plugins: [{ name: 'static', setup: (b) => b.onEnd(() => copyStatic()) }] });
  await ctx.watch();
  process.stdout.write('build-web: watching web/src\n');
} else {
  const t0 = Date.now();
  await build(options);
  swapInto(OUT, DIST);
  await buildSdk();
  process.stdout.write(`build-web: web/dist and web/sdk/dist built in ${Date.now() - t0} ms\n`);
}
