// Seeds: the demo city (users per role and department, cameras on simulated devices, shares, grids) and bench data.
import { demoGrids, demoSites, CENTER } from './demo-city';
import { generateBenchCameras } from './bench-cameras';
import { hashPassword } from '../gateway/auth/passwords';
import type { Role } from '../gateway/auth/policy';
import type { Database } from '../gateway/db/database';
import { AccountsRepo } from '../gateway/db/accounts-repo';
import { OrgRepo } from '../gateway/db/org-repo';
import { CamerasRepo } from '../gateway/db/cameras-repo';
import { CredentialBox } from '../gateway/auth/secrets';
import { VENDORS, type Vendor } from './cameras/vendors';
import type { SimCamerasOptions } from './cameras/sim-cameras';

export const DEMO_PASSWORD = 'cloudeye-demo';
export const DEMO_CAMERA_USER = 'admin';
export const DEMO_CAMERA_PASSWORD = 'sim-pass-1';

/** Vendors of the demo's simulated devices, cycled over the cameras (device i is DEMO_VENDORS[i % 3]). */
export const DEMO_VENDORS: readonly Vendor['id'][] = ['hikvision', 'dahua', 'axis'];

/** ONVIF profile token of demo device i's main stream (PTZ commands name it). */
export function demoProfileToken(i: number): string {
  return VENDORS[DEMO_VENDORS[i % DEMO_VENDORS.length]!].profiles[0]![0];
}

/**
 * Options of the demo's simulated ONVIF devices that must agree with the seeded records: vendors (profile tokens)
 * and PTZ exactly on the dome sites (a device's own default differs by vendor). `count`: the demo's cameras.
 */
export function demoDeviceOptions(count: number): Pick<SimCamerasOptions, 'vendorMix' | 'perCamera'> {
  const sites = demoSites(count);
  return { vendorMix: [...DEMO_VENDORS], perCamera: (i) => ({ ptz: sites[i]?.ptz ?? false }) };
}

export interface DemoSimTargets {
  /** Host and port of the simulated RTSP server. */
  rtspHost: string;
  rtspPort: number;
  /** ONVIF xaddr of simulated camera i. */
  xaddr: (i: number) => string;
  /** Codec of simulated camera i. */
  codec: (i: number) => 'h264' | 'h265';
}

export interface DemoSeedResult {
  created: boolean;
  cameras: number;
  users: Array<{ username: string; role: Role; department: string | null }>;
}

/** Idempotent: does nothing when the demo admin already exists. */
export async function seedDemo(
  db: Database,
  box: CredentialBox,
  sims: DemoSimTargets,
  count = 240,
): Promise<DemoSeedResult> {
  const accounts = new AccountsRepo(db.knex);
  const org = new OrgRepo(db.knex);
  const cameras = new CamerasRepo(db.knex);
  const users: DemoSeedResult['users'] = [
    { username: 'admin', role: 'admin', department: null },
    { username: 'auditor', role: 'auditor', department: null },
  ];
  for (const d of ['police', 'traffic', 'urban'])
    for (const role of ['admin', 'operator', 'viewer'] as Role[])
      users.push({ username: `${d}.${role}`, role, department: d });
  if (await accounts.userByName('admin')) {
    await repairDemoPtz(db, sims, count);
    return {
      created: false,
      cameras: Number((await db.knex('cameras').count<{ n: string }[]>('* as n'))[0]!.n),
      users,
    };
  }

  const deps = new Map((await org.departments()).map((d) => [d.code, d.id]));
  const grids = await org.createGrids(demoGrids());
  const hash = await hashPassword(DEMO_PASSWORD);
  for (const u of users)
    await accounts.createUser({
      username: u.username,
      displayName: u.username,
      passwordHash: hash,
      role: u.role,
      departmentId: u.department ? deps.get(u.department)! : null,
      areaGridId: null,
      locale: 'zh-CN',
    });
  // the simulated cameras are on loopback: each department's camera network is 127.0.0.1/32 (the
  // gateway's own ports there stay refused)
  for (const d of ['police', 'traffic', 'urban'])
    await org.createNetwork({
      departmentId: deps.get(d)!,
      name: `${d}-lan`,
      interface: '127.0.0.1',
      cidrs: ['127.0.0.1/32'],
      hosts: [],
      defaultCredentialsEnc: box.sealCredentials({ username: DEMO_CAMERA_USER, password: DEMO_CAMERA_PASSWORD }),
    });
  const nets = new Map((await org.networks()).map((n) => [n.departmentId, n.id]));
  const creds = box.sealCredentials({ username: DEMO_CAMERA_USER, password: DEMO_CAMERA_PASSWORD });
  const sites = demoSites(count);
  await db.knex.transaction(async (trx) => {
    await cameras.insertMany(
      sites.map((s, i) => {
        const codec = sims.codec(i);
        return {
          departmentId: deps.get(s.department)!,
          networkId: nets.get(deps.get(s.department)!) ?? null,
          name: s.name,
          source: 'onvif' as const,
          xaddr: sims.xaddr(i),
          mainUri: `rtsp://${sims.rtspHost}:${sims.rtspPort}/cam/${i}/main`,
          subUri: `rtsp://${sims.rtspHost}:${sims.rtspPort}/cam/${i}/sub`,
          snapshotUri: sims.xaddr(i).replace(/\/onvif\/device_service$/, '/snapshot.jpg'),
          credentialsEnc: creds,
          streams: {
            main: { codec, width: 640, height: 360, fps: 15 },
            sub: { codec, width: 320, height: 180, fps: 15 },
          },
          lng: s.lng,
          lat: s.lat,
          bearing: s.bearing,
          fov: s.fov,
          rangeM: s.rangeM,
          address: s.address,
          tags: s.tags,
          capabilities: {
            ptz: s.ptz,
            vendor: 'Simulated',
            model: 'SIM-ONVIF',
            ...(s.ptz ? { profileToken: demoProfileToken(i), mediaService: 2 as const } : {}),
          },
        };
      }),
      trx,
    );
  });
  const station = grids.find((g) => g.name === '常德站');
  await org.createShare({
    fromDepartmentId: deps.get('traffic')!,
    toDepartmentId: deps.get('police')!,
    kind: 'all',
    tags: [],
    cameraIds: [],
    polygon: null,
    note: '交通监控全部共享给公安',
    grants: 'live',
    expiresAt: null,
    createdBy: null,
  });
  await org.createShare({
    fromDepartmentId: deps.get('police')!,
    toDepartmentId: deps.get('traffic')!,
    kind: 'tags',
    tags: ['学校'],
    cameraIds: [],
    polygon: null,
    note: '校园周边',
    grants: 'live',
    expiresAt: new Date(Date.now() + 30 * 86400_000).toISOString(),
    createdBy: null,
  });
  if (station)
    await org.createShare({
      fromDepartmentId: deps.get('urban')!,
      toDepartmentId: deps.get('police')!,
      kind: 'polygon',
      tags: [],
      cameraIds: [],
      polygon: station.geometry,
      note: '常德站区域',
      grants: 'live',
      expiresAt: null,
      createdBy: null,
    });
  return { created: true, cameras: sites.length, users };
}

/** A demo city seeded before its PTZ records named their profile token (PTZ then answered 400): fills the token in. */
async function repairDemoPtz(db: Database, sims: DemoSimTargets, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await db
      .knex('cameras')
      .where({ xaddr: sims.xaddr(i) })
      .whereRaw(`capabilities->>'ptz' = 'true' AND capabilities->>'profileToken' IS NULL`)
      .update({
        capabilities: db.knex.raw('capabilities || ?::jsonb', [
          JSON.stringify({ profileToken: demoProfileToken(i), mediaService: 2 }),
        ]),
      });
  }
}

/** Loads n random cameras around the demo city (inside PostgreSQL, not row by row). */
export async function seedBench(db: Database, n: number): Promise<number> {
  const org = new OrgRepo(db.knex);
  const deps = (await org.departments()).map((d) => d.id);
  return generateBenchCameras(db.knex, n, { center: CENTER, spanDeg: 0.5, departmentIds: deps });
}
