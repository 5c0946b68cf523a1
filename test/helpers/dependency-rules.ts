// The dependency directions of DESIGN.md as checkable rules over scanned imports.
import { builtinModules } from 'node:module';
import type { ImportRef } from './imports';

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const GEOMETRY = new Set(['kdbush', 'flatbush', 'supercluster', '@turf/turf', 'rbush']);

/** The product: what the gateway and its console are made of (sim/, bench/, scripts/ and test/ are not). */
const PRODUCT = ['gateway', 'gis', 'transcoder', 'web', 'config'];

const isProject = (r: ImportRef): boolean => r.spec.startsWith('.');
const inProduct = (r: ImportRef): boolean => PRODUCT.some((d) => under(r.file, d));
const under = (p: string, dir: string): boolean => p === dir || p.startsWith(`${dir}/`) || p.startsWith(`${dir}.`);
const isBuiltin = (r: ImportRef): boolean => BUILTINS.has(r.target);

export interface Rule {
  name: string;
  /** True when `ref` breaks the rule. */
  broken(ref: ImportRef): boolean;
}

export const RULES: Rule[] = [
  {
    name: '1. config/ imports nothing of the project',
    broken: (r) => under(r.file, 'config') && isProject(r) && !under(r.target, 'config'),
  },
  {
    name: '2. gis/ imports only geometry libraries (no I/O, nothing of gateway/ or transcoder/)',
    broken: (r) =>
      under(r.file, 'gis') &&
      (isProject(r) ? !under(r.target, 'gis') : !GEOMETRY.has(r.target) && !r.target.startsWith('@turf/')),
  },
  {
    name: '3. transcoder/ imports Node built-ins and types only',
    broken: (r) =>
      under(r.file, 'transcoder') && !isBuiltin(r) && !r.typeOnly && !(isProject(r) && under(r.target, 'transcoder')),
  },
  {
    name: '4. gateway/onvif/ and the policy module (gateway/auth/policy and its policy-*) import nothing else of gateway/',
    broken: (r) => {
      if (!isProject(r) || !under(r.target, 'gateway')) return false;
      if (under(r.file, 'gateway/onvif')) return !under(r.target, 'gateway/onvif');
      const policy = (p: string): boolean => /^gateway\/auth\/policy(-[a-z]+)?(\.ts)?$/.test(p);
      if (policy(r.file)) return !policy(r.target);
      return false;
    },
  },
  {
    name: '4b. gateway/gb28181/ (a library like onvif/) imports Node built-ins, fast-xml-parser and itself only',
    broken: (r) =>
      under(r.file, 'gateway/gb28181') &&
      !isBuiltin(r) &&
      r.target !== 'fast-xml-parser' &&
      !(isProject(r) && under(r.target, 'gateway/gb28181')),
  },
  {
    // sim/ and bench/ may talk to PostgreSQL themselves (bench data, the PostGIS comparison)
    name: '5a. only gateway/db/ imports knex (of the product)',
    broken: (r) =>
      (r.target === 'knex' || r.target === 'pg') && !r.typeOnly && inProduct(r) && !under(r.file, 'gateway/db'),
  },
  {
    name: '5b. only http/, realtime/ and guards import express or socket.io',
    broken: (r) =>
      (r.target === 'express' || r.target === 'socket.io') &&
      !r.typeOnly &&
      !under(r.file, 'gateway/http') &&
      !under(r.file, 'gateway/realtime') &&
      !under(r.file, 'gateway/auth/guards'),
  },
  {
    name: '5c. only http/ and cascade/ import ws (the live WebSocket server; the link between platforms)',
    broken: (r) =>
      r.target === 'ws' &&
      !r.typeOnly &&
      inProduct(r) &&
      !under(r.file, 'gateway/http') &&
      !under(r.file, 'gateway/cascade'),
  },
  {
    name: '6. web/ imports leaflet, hls.js, socket.io-client, gis/ and types from gateway/ only',
    broken: (r) => {
      if (!under(r.file, 'web')) return false;
      if (isProject(r))
        return !(under(r.target, 'web') || under(r.target, 'gis') || (under(r.target, 'gateway') && r.typeOnly));
      return !['leaflet', 'hls.js', 'socket.io-client'].includes(r.target);
    },
  },
  {
    name: '7. nothing outside test/ imports test/',
    broken: (r) => !under(r.file, 'test') && isProject(r) && under(r.target, 'test'),
  },
  {
    name: '8. gateway/, gis/, transcoder/, web/ and config/ never import scripts/',
    broken: (r) => inProduct(r) && isProject(r) && under(r.target, 'scripts'),
  },
  {
    name: '9. of the product, only the command line (gateway/cli/) imports sim/ and bench/',
    broken: (r) =>
      inProduct(r) &&
      !under(r.file, 'gateway/cli') &&
      isProject(r) &&
      (under(r.target, 'sim') || under(r.target, 'bench')),
  },
];

/** Returns one message per broken rule occurrence: "file:line imports spec — rule". */
export function violations(refs: ImportRef[]): string[] {
  const out: string[] = [];
  for (const ref of refs)
    for (const rule of RULES)
      if (rule.broken(ref)) out.push(`${ref.file}:${ref.line} imports '${ref.spec}' — ${rule.name}`);
  return out;
}
