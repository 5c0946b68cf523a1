// Fails when any import breaks a dependency direction of DESIGN.md.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanText, scanTree } from '../helpers/imports';
import { violations } from '../helpers/dependency-rules';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('dependency rules (DESIGN.md)', () => {
  it('the tree breaks none of them', () => {
    const refs = scanTree(ROOT, ['config', 'gis', 'transcoder', 'gateway', 'web/src', 'sim', 'bench', 'scripts']);
    assert.ok(refs.length > 10, `scanner found only ${refs.length} imports`);
    assert.deepEqual(violations(refs), []);
  });

  const cases: Array<[string, string, string, boolean]> = [
    ['config reaching gateway', 'config/load.ts', "import { x } from '../gateway/db/knex';", true],
    ['config using yaml', 'config/load.ts', "import YAML from 'yaml';", false],
    ['gis reading files', 'gis/index.ts', "import { readFileSync } from 'node:fs';", true],
    ['gis using kdbush', 'gis/index.ts', "import KDBush from 'kdbush';", false],
    ['gis importing transcoder', 'gis/a.ts', "import { a } from '../transcoder/x';", true],
    ['transcoder importing express', 'transcoder/s.ts', "import express from 'express';", true],
    ['transcoder importing a type', 'transcoder/s.ts', "import type { Config } from '../config/load';", false],
    ['transcoder using child_process', 'transcoder/s.ts', "import { spawn } from 'node:child_process';", false],
    ['onvif importing db', 'gateway/onvif/client.ts', "import { db } from '../db/knex';", true],
    ['gb28181 importing db', 'gateway/gb28181/server.ts', "import { db } from '../db/knex';", true],
    ['gb28181 importing express', 'gateway/gb28181/server.ts', "import express from 'express';", true],
    ['gb28181 importing jsonwebtoken', 'gateway/gb28181/server.ts', "import jwt from 'jsonwebtoken';", true],
    ['gb28181 importing the onvif library', 'gateway/gb28181/xml.ts', "import { parseXml } from '../onvif/xml';", true],
    ['gb28181 using dgram', 'gateway/gb28181/sip-endpoint.ts', "import dgram from 'node:dgram';", false],
    ['gb28181 using fast-xml-parser', 'gateway/gb28181/xml.ts', "import { XMLParser } from 'fast-xml-parser';", false],
    ['gb28181 importing itself', 'gateway/gb28181/server.ts', "import { invite } from './dialog';", false],
    ['policy importing http', 'gateway/auth/policy.ts', "import { x } from '../http/errors';", true],
    ['policy rooms importing access', 'gateway/auth/policy-rooms.ts', "import { x } from './access';", true],
    ['policy rooms importing the policy', 'gateway/auth/policy-rooms.ts', "import { can } from './policy';", false],
    [
      'policy visibility importing the policy terms',
      'gateway/auth/policy-visibility.ts',
      "import { x } from './policy-terms';",
      false,
    ],
    ['policy area importing access', 'gateway/auth/policy-area.ts', "import { x } from './access';", true],
    ['cameras importing knex', 'gateway/cameras/service.ts', "import knex from 'knex';", true],
    ['db importing knex', 'gateway/db/knex.ts', "import knex from 'knex';", false],
    ['streams importing express', 'gateway/streams/service.ts', "import express from 'express';", true],
    ['http importing express', 'gateway/http/app.ts', "import express from 'express';", false],
    ['streams importing ws', 'gateway/streams/live.ts', "import { WebSocket } from 'ws';", true],
    ['http importing ws', 'gateway/http/live-routes.ts', "import { WebSocketServer } from 'ws';", false],
    ['the cascade link importing ws', 'gateway/cascade/link.ts', "import { WebSocket } from 'ws';", false],
    ['web importing gateway runtime', 'web/src/main.ts', "import { x } from '../../gateway/db/knex';", true],
    ['web importing gateway types', 'web/src/main.ts', "import type { Camera } from '../../gateway/contract';", false],
    ['web importing leaflet', 'web/src/main.ts', "import L from 'leaflet';", false],
    [
      'a comment mentioning import before a type import',
      'gateway/cameras/x.ts',
      "// bulk import (all) and export.\nimport type { Knex } from 'knex';",
      false,
    ],
    [
      'a commented-out import',
      'gis/a.ts',
      "// import { readFileSync } from 'node:fs';\n/* import x from 'express' */",
      false,
    ],
    ['web importing socket.io server', 'web/src/main.ts', "import { Server } from 'socket.io';", true],
    ['a benchmark importing a test helper', 'bench/console.ts', "import { rng } from '../test/helpers/random';", true],
    [
      'a simulated camera importing a test helper',
      'sim/cameras/x.ts',
      "import type { T } from '../../test/helpers/gateway';",
      true,
    ],
    [
      'the command line importing a test helper',
      'gateway/cli/demo.ts',
      "import { x } from '../../test/helpers/x';",
      true,
    ],
    ['a test importing a test helper', 'test/integration/a.test.ts', "import { x } from '../helpers/x';", false],
    [
      'the command line importing scripts/',
      'gateway/cli/demo.ts',
      "import { seedDemo } from '../../scripts/seed';",
      true,
    ],
    ['transcoder importing scripts/', 'transcoder/a.ts', "import type { X } from '../scripts/x';", true],
    ['web importing scripts/', 'web/src/main.ts', "import { x } from '../../scripts/x';", true],
    ['a test importing scripts/', 'test/unit/a.test.ts', "import { x } from '../../scripts/x';", false],
    [
      'the command line importing the simulated cameras',
      'gateway/cli/demo.ts',
      "import { startSimCameras } from '../../sim/cameras/sim-cameras';",
      false,
    ],
    [
      'the command line importing a benchmark',
      'gateway/cli/bench.ts',
      "const m = await import('../../bench/gis');",
      false,
    ],
    ['the gateway importing the demo city', 'gateway/main.ts', "import { seedDemo } from '../sim/seed';", true],
    [
      'streams importing a benchmark',
      'gateway/streams/x.ts',
      "import { waitFor } from '../../bench/transcoder-proc';",
      true,
    ],
    ['gis importing sim/', 'gis/a.ts', "import { rng } from '../sim/random';", true],
    ['a benchmark querying PostgreSQL itself', 'bench/gis-postgis.ts', "import pg from 'pg';", false],
    [
      'a benchmark importing the gateway',
      'bench/gis-http.ts',
      "import { startGateway } from '../gateway/main';",
      false,
    ],
  ];
  for (const [name, file, text, bad] of cases) {
    it(`${bad ? 'flags' : 'allows'} ${name}`, () => {
      const found = violations(scanText(file, text));
      if (bad) assert.ok(found.length > 0, 'expected a violation');
      else assert.deepEqual(found, []);
    });
  }
});
