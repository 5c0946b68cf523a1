// The demo city around Changde 常德 (111.69 E, 29.03 N): streets, grids, key places and camera sites.
import type { Polygon } from 'geojson';

export const CENTER: [number, number] = [111.69, 29.03];

/** Plausible main streets (WGS-84 polylines), named after Changde's real ones; positions approximate. */
export const STREETS: Array<{ name: string; line: Array<[number, number]> }> = [
  {
    name: '武陵大道',
    line: [
      [111.672, 28.995],
      [111.674, 29.015],
      [111.676, 29.035],
      [111.678, 29.058],
    ],
  },
  {
    name: '朗州路',
    line: [
      [111.69, 28.998],
      [111.691, 29.018],
      [111.692, 29.04],
      [111.693, 29.06],
    ],
  },
  {
    name: '人民路',
    line: [
      [111.655, 29.03],
      [111.675, 29.031],
      [111.695, 29.032],
      [111.718, 29.033],
    ],
  },
  {
    name: '建设路',
    line: [
      [111.655, 29.042],
      [111.676, 29.043],
      [111.697, 29.044],
      [111.72, 29.045],
    ],
  },
  {
    name: '洞庭大道',
    line: [
      [111.65, 29.052],
      [111.675, 29.053],
      [111.7, 29.055],
      [111.728, 29.056],
    ],
  },
  {
    name: '皂果路',
    line: [
      [111.706, 28.998],
      [111.707, 29.02],
      [111.708, 29.042],
      [111.709, 29.062],
    ],
  },
  {
    name: '柳叶大道',
    line: [
      [111.7, 29.01],
      [111.72, 29.016],
      [111.742, 29.023],
      [111.76, 29.03],
    ],
  },
  {
    name: '沅安路',
    line: [
      [111.655, 29.016],
      [111.676, 29.017],
      [111.697, 29.019],
      [111.716, 29.02],
    ],
  },
  {
    name: '紫菱路',
    line: [
      [111.725, 29.0],
      [111.726, 29.02],
      [111.727, 29.04],
    ],
  },
  {
    name: '沿江大道',
    line: [
      [111.64, 29.006],
      [111.665, 29.004],
      [111.69, 29.003],
      [111.715, 29.006],
      [111.74, 29.01],
    ],
  },
];

const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

/** Districts, grid cells (网格) and key places. */
export function demoGrids(): Array<{
  name: string;
  kind: 'district' | 'grid' | 'place';
  geometry: Polygon;
  properties: Record<string, unknown>;
}> {
  const out: Array<{
    name: string;
    kind: 'district' | 'grid' | 'place';
    geometry: Polygon;
    properties: Record<string, unknown>;
  }> = [
    {
      name: '武陵区',
      kind: 'district',
      geometry: rect(111.64, 29.0, 111.7, 29.065),
      properties: { nameEn: 'Wuling District' },
    },
    {
      name: '柳叶湖旅游度假区',
      kind: 'district',
      geometry: rect(111.7, 29.0, 111.765, 29.065),
      properties: { nameEn: 'Liuye Lake Resort' },
    },
    {
      name: '常德站',
      kind: 'place',
      geometry: rect(111.6885, 29.0555, 111.6945, 29.0595),
      properties: { nameEn: 'Changde Railway Station' },
    },
    {
      name: '滨湖公园',
      kind: 'place',
      geometry: rect(111.695, 29.038, 111.704, 29.044),
      properties: { nameEn: 'Binhu Park' },
    },
    {
      name: '步行街',
      kind: 'place',
      geometry: rect(111.687, 29.029, 111.696, 29.034),
      properties: { nameEn: 'Pedestrian Street' },
    },
    {
      name: '常德诗墙公园',
      kind: 'place',
      geometry: rect(111.67, 29.001, 111.71, 29.006),
      properties: { nameEn: 'Poetry Wall Park' },
    },
  ];
  // a 4 × 4 grid of 网格 over the centre
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      const x0 = 111.655 + i * 0.02;
      const y0 = 29.0 + j * 0.016;
      out.push({
        name: `网格 ${String.fromCharCode(65 + i)}${j + 1}`,
        kind: 'grid',
        geometry: rect(x0, y0, x0 + 0.02, y0 + 0.016),
        properties: { nameEn: `Grid ${String.fromCharCode(65 + i)}${j + 1}` },
      });
    }
  return out;
}

export interface DemoSite {
  name: string;
  department: 'police' | 'traffic' | 'urban';
  lng: number;
  lat: number;
  bearing: number | null;
  fov: number | null;
  rangeM: number | null;
  address: string;
  tags: string[];
  ptz: boolean;
}

const toRad = Math.PI / 180;
const bearingOf = (a: [number, number], b: [number, number]): number => {
  const y = Math.sin((b[0] - a[0]) * toRad) * Math.cos(b[1] * toRad);
  const x =
    Math.cos(a[1] * toRad) * Math.sin(b[1] * toRad) -
    Math.sin(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.cos((b[0] - a[0]) * toRad);
  return (Math.atan2(y, x) / toRad + 360) % 360;
};

/** Deterministic camera sites along the streets: every ~170 m, facing along the street, alternating directions. */
export function demoSites(count: number): DemoSite[] {
  const sites: DemoSite[] = [];
  let k = 0;
  const perStreet = Math.ceil(count / STREETS.length);
  for (const s of STREETS) {
    const segs = s.line.length - 1;
    for (let n = 0; n < perStreet && sites.length < count; n++) {
      const f = (n + 0.5) / perStreet;
      const segF = f * segs;
      const si = Math.min(segs - 1, Math.floor(segF));
      const a = s.line[si]!;
      const b = s.line[si + 1]!;
      const t = segF - si;
      const side = n % 2 === 0 ? 1 : -1;
      const lng = a[0] + (b[0] - a[0]) * t + side * 0.00012;
      const lat = a[1] + (b[1] - a[1]) * t + side * 0.0001;
      const along = bearingOf(a, b);
      const kind = k % 5;
      const department: DemoSite['department'] = kind < 2 ? 'traffic' : kind < 4 ? 'police' : 'urban';
      const intersection = n % 4 === 0;
      const tags =
        department === 'traffic'
          ? [intersection ? '路口' : '路段', '交通']
          : department === 'police'
            ? [n % 3 === 0 ? '治安' : '天网', ...(n % 7 === 0 ? ['学校'] : [])]
            : ['市容', ...(s.name === '沿江大道' ? ['河道'] : [])];
      const dome = department === 'police' && n % 6 === 0;
      sites.push({
        name:
          `${s.name}${intersection ? '路口' : ''} ` +
          `${department === 'traffic' ? 'JT' : department === 'police' ? 'GA' : 'CG'}-${String(n + 1).padStart(3, '0')}`,
        department,
        lng: Math.round(lng * 1e6) / 1e6,
        lat: Math.round(lat * 1e6) / 1e6,
        bearing: dome ? null : Math.round((side > 0 ? along : (along + 180) % 360) * 10) / 10,
        fov: dome ? null : department === 'traffic' ? 50 : 75,
        rangeM: dome ? 60 : department === 'traffic' ? 150 : 90,
        address: `常德市武陵区${s.name}${n * 170 + 80}号附近`,
        tags,
        ptz: dome,
      });
      k++;
    }
  }
  return sites;
}
