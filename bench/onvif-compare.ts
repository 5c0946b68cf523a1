// Compares node-onvif, the `onvif` package and gateway/onvif on simulated cameras; prints a small table.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnvifDevice } from '../gateway/onvif/index';
import { startSimCameras } from '../sim/cameras/sim-cameras';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const USER = 'admin';
const PASS = 'Compare-1';
type Row = Record<string, string>;

/** Resolves to 'yes'/'no: …' within `ms`, never throws (a hung library shows as "hung"). */
async function attempt(ms: number, f: () => Promise<unknown>, ok: (v: unknown) => boolean): Promise<string> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<string>((r) => (timer = setTimeout(() => r(`hung >${ms / 1000}s`), ms)));
  try {
    return await Promise.race([
      f()
        .then((v) => (ok(v) ? `yes (${Date.now() - t0} ms)` : `no: ${JSON.stringify(v).slice(0, 60)}`))
        .catch((e: unknown) => `no: ${String((e as Error)?.message ?? e).slice(0, 40)}`),
      guard,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function facts(pkg: string): Row {
  const dir = path.join(ROOT, 'node_modules', pkg);
  const j = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  const kb = Number(execFileSync('du', ['-sk', dir]).toString().split('\t')[0]);
  let published = '?';
  try {
    const t = JSON.parse(
      execFileSync('npm', ['view', pkg, 'time', '--json'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 15_000,
      }).toString(),
    ) as Record<string, string>;
    published = (t[j.version] ?? t.modified ?? '?').slice(0, 10);
  } catch {
    /* offline: leave '?' */
  }
  return {
    version: j.version,
    'registry time': published,
    deps: String(Object.keys(j.dependencies ?? {}).length),
    'size kB': String(kb),
    'XML parser':
      Object.keys(j.dependencies ?? {})
        .filter((d) => /xml/.test(d))
        .join(',') || '?',
  };
}

export async function run(opts: { log: (line: string) => void }): Promise<void> {
  const sim = await startSimCameras({
    count: 4,
    codec: 'h264,h265',
    username: USER,
    password: PASS,
    rtsp: false,
    rtspPort: 8554,
    clockOffsetS: 3600,
    perCamera: (i) =>
      i === 1 ? { auth: 'digest' } : i === 2 ? { hostile: 'hang' } : i === 3 ? { hostile: 'xxe' } : {},
  });
  try {
    const [plain, digest, hang, xxe] = sim.cameras;
    const port = (x: { xaddr: string }): number => Number(new URL(x.xaddr).port);
    // the `onvif` package (agsh/onvif)
    const { Cam } = require('onvif') as {
      Cam: new (
        o: object,
        cb: (e: Error | null) => void,
      ) => { getStreamUri(o: object, cb: (e: Error | null, r: { uri: string }) => void): void; profiles?: unknown[] };
    };
    const agsh = (c: { xaddr: string }, o: object = {}): Promise<string> =>
      new Promise((resolve, reject) => {
        const cam = new Cam(
          { hostname: '127.0.0.1', port: port(c), username: USER, password: PASS, timeout: 3000, ...o },
          (e) => {
            if (e) return reject(e);
            cam.getStreamUri({ protocol: 'RTSP' }, (e2, r) => (e2 ? reject(e2) : resolve(r.uri)));
          },
        );
      });
    // node-onvif (unmaintained)
    const NodeOnvif = require('node-onvif') as {
      OnvifDevice: new (o: object) => { init(): Promise<unknown>; getUdpStreamUrl(): string };
    };
    const futomi = async (c: { xaddr: string }): Promise<string> => {
      const d = new NodeOnvif.OnvifDevice({ xaddr: c.xaddr, user: USER, pass: PASS });
      await d.init();
      return d.getUdpStreamUrl();
    };
    const ours = async (c: { xaddr: string }): Promise<string> => {
      const d = new OnvifDevice({ xaddr: c.xaddr, username: USER, password: PASS, timeoutMs: 3000 });
      await d.connect();
      const [p] = await d.getProfiles();
      return d.getStreamUri(p!.token);
    };
    const oursMedia2 = async (c: { xaddr: string }): Promise<string> => {
      const d = new OnvifDevice({ xaddr: c.xaddr, username: USER, password: PASS, timeoutMs: 3000 });
      await d.connect();
      const [p] = await d.getProfiles(2);
      return `${p!.service}`;
    };
    const isUri = (u: unknown): boolean => typeof u === 'string' && u.startsWith('rtsp://');
    const rows: Array<[string, Row]> = [];
    const libs: Array<[string, (c: { xaddr: string }) => Promise<string>, string]> = [
      ['node-onvif', futomi, 'node-onvif'],
      ['onvif', agsh, 'onvif'],
      ['gateway/onvif', ours, ''],
    ];
    for (const [name, f, pkg] of libs) {
      const row: Row = pkg
        ? facts(pkg)
        : {
            version: '(this repo)',
            'registry time': '-',
            deps: '1',
            'size kB': String(
              Number(
                execFileSync('du', ['-sk', path.join(ROOT, 'gateway/onvif')])
                  .toString()
                  .split('\t')[0],
              ),
            ),
            'XML parser': 'fast-xml-parser',
          };
      row['stream URI, clock +1h'] = await attempt(10_000, () => f(plain!), isUri);
      row['HTTP digest only'] = await attempt(10_000, () => f(digest!), isUri);
      row['silent device'] = (
        await attempt(
          10_000,
          () => f(hang!),
          () => true,
        )
      ).replace(/^no: /, 'fails: ');
      row['XXE answer'] = (
        await attempt(
          10_000,
          () => f(xxe!),
          () => true,
        )
      ).replace(/^no: /, 'refused: ');
      row['Media2 profiles'] =
        name === 'gateway/onvif'
          ? await attempt(
              10_000,
              () => oursMedia2(plain!),
              (v) => v === '2',
            )
          : /ver20\/media/.test(
                readFileSync(
                  require.resolve(pkg === 'onvif' ? 'onvif/lib/media.js' : 'node-onvif/lib/modules/service-media.js'),
                  'utf8',
                ),
              )
            ? 'partial'
            : 'no';
      rows.push([name, row]);
    }
    const cols = Object.keys(rows[0]![1]);
    const width = (c: string): number => Math.max(c.length, ...rows.map(([, r]) => (r[c] ?? '').length));
    const nameW = Math.max(...rows.map(([n]) => n.length), 7);
    opts.log(['library'.padEnd(nameW), ...cols.map((c) => c.padEnd(width(c)))].join(' | '));
    for (const [n, r] of rows)
      opts.log([n.padEnd(nameW), ...cols.map((c) => (r[c] ?? '').padEnd(width(c)))].join(' | '));
  } finally {
    await sim.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run({ log: (l) => console.log(l) });
