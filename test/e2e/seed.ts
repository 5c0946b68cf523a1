// A small demo-like city for the console tests: police, traffic and urban cameras around the configured map centre.
import type { TestGateway } from '../helpers/gateway';
import type { Camera } from '../../gateway/contract';

export const CENTRE: [number, number] = [111.69, 29.03];

export interface SeedCamera {
  name: string;
  dept: 'police' | 'traffic' | 'urban';
  /** Offset from CENTRE in metres east, north. */
  east: number;
  north: number;
  bearing: number | null;
  fov: number | null;
  rangeM: number | null;
  tags: string[];
}

const M_PER_DEG_LAT = 111_320;

export function offset(east: number, north: number): [number, number] {
  return [
    CENTRE[0] + east / (M_PER_DEG_LAT * Math.cos((CENTRE[1] * Math.PI) / 180)),
    CENTRE[1] + north / M_PER_DEG_LAT,
  ];
}

export const CITY: SeedCamera[] = [
  {
    name: '天网-人民路口东',
    dept: 'police',
    east: 40,
    north: 0,
    bearing: 270,
    fov: 90,
    rangeM: 120,
    tags: ['crossing'],
  },
  { name: '天网-人民路口北', dept: 'police', east: 0, north: 90, bearing: 0, fov: 60, rangeM: 150, tags: ['crossing'] },
  { name: '天网-步行街', dept: 'police', east: -150, north: -60, bearing: 45, fov: 80, rangeM: 100, tags: ['street'] },
  {
    name: '天网-火车站广场',
    dept: 'police',
    east: 260,
    north: 180,
    bearing: 235,
    fov: 60,
    rangeM: 400,
    tags: ['station'],
  },
  {
    name: '=HYPERLINK("http://x")',
    dept: 'police',
    east: 300,
    north: -250,
    bearing: null,
    fov: null,
    rangeM: null,
    tags: ['odd'],
  },
  { name: '天网-滨江公园', dept: 'police', east: -320, north: 240, bearing: 90, fov: 100, rangeM: 90, tags: ['park'] },
  { name: '天网-西门', dept: 'police', east: -700, north: 20, bearing: null, fov: null, rangeM: null, tags: [] },
  {
    name: '交通-人民路电警',
    dept: 'traffic',
    east: 70,
    north: -30,
    bearing: 300,
    fov: 50,
    rangeM: 200,
    tags: ['enforcement'],
  },
  {
    name: '交通-解放路卡口',
    dept: 'traffic',
    east: -200,
    north: 120,
    bearing: 120,
    fov: 40,
    rangeM: 200,
    tags: ['checkpoint'],
  },
  { name: '交通-大桥', dept: 'traffic', east: 500, north: -400, bearing: 200, fov: 60, rangeM: 250, tags: ['bridge'] },
  { name: '城管-农贸市场', dept: 'urban', east: 120, north: 60, bearing: 225, fov: 120, rangeM: 60, tags: ['market'] },
  { name: '城管-老街', dept: 'urban', east: -90, north: -180, bearing: 10, fov: 90, rangeM: 70, tags: ['street'] },
];

/** Registers the city through POST /cameras as a city-wide admin (so the gateway's index sees them). Returns them by name. */
export async function seedCity(
  tg: TestGateway,
  cityAdminToken: string,
  list: SeedCamera[] = CITY,
): Promise<Map<string, Camera>> {
  const out = new Map<string, Camera>();
  let port = 20000;
  for (const c of list) {
    const [lng, lat] = offset(c.east, c.north);
    const r = await tg.api('POST', '/api/v1/cameras', {
      token: cityAdminToken,
      body: {
        name: c.name,
        departmentId: tg.departments[c.dept],
        mainUri: `rtsp://127.0.0.1:${port++}/stream`,
        lng,
        lat,
        bearing: c.bearing,
        fov: c.fov,
        rangeM: c.rangeM,
        tags: c.tags,
        address: c.name,
      },
    });
    if (r.status !== 201) throw new Error(`seed ${c.name}: ${r.status} ${r.text}`);
    out.set(c.name, r.body as Camera);
  }
  return out;
}

/** Great-circle distance in metres (the same formula as gis/geodesy, written out so the test checks the server independently). */
export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}
