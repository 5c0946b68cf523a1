// The demo city's base map as GeoJSON (roads, districts, water, parks, landmarks; zh-CN/en names), written to web/static for the console.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { STREETS, demoGrids } from './demo-city';

/** Where the console loads it from (web/static is copied to web/dist, served at /). */
export const DEMO_MAP_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'web',
  'static',
  'map',
  'demo-city.geojson',
);

export type MapKind = 'road' | 'district' | 'water' | 'park' | 'landmark';

/** English names of the demo streets (pinyin, as Changde's street signs write them). */
const STREET_EN: Record<string, string> = {
  武陵大道: 'Wuling Avenue',
  朗州路: 'Langzhou Road',
  人民路: 'Renmin Road',
  建设路: 'Jianshe Road',
  洞庭大道: 'Dongting Avenue',
  皂果路: 'Zaoguo Road',
  柳叶大道: 'Liuye Avenue',
  沅安路: "Yuan'an Road",
  紫菱路: 'Ziling Road',
  沿江大道: 'Yanjiang Avenue',
};

/** Side streets between the main ones, so blocks look like blocks (WGS-84 polylines). */
const MINOR: Array<{ name: string; nameEn: string; line: Position[] }> = [
  {
    name: '育英街',
    nameEn: 'Yuying Street',
    line: [
      [111.66, 29.0235],
      [111.7, 29.025],
    ],
  },
  {
    name: '常德路',
    nameEn: 'Changde Road',
    line: [
      [111.662, 29.037],
      [111.7, 29.0385],
    ],
  },
  {
    name: '桥南路',
    nameEn: 'Qiaonan Road',
    line: [
      [111.662, 29.048],
      [111.7, 29.0495],
    ],
  },
  {
    name: '青年路',
    nameEn: 'Qingnian Road',
    line: [
      [111.6825, 29.004],
      [111.6835, 29.053],
    ],
  },
  {
    name: '城西路',
    nameEn: 'Chengxi Road',
    line: [
      [111.6615, 29.005],
      [111.6625, 29.052],
    ],
  },
  {
    name: '滨湖路',
    nameEn: 'Binhu Road',
    line: [
      [111.6995, 29.008],
      [111.7005, 29.053],
    ],
  },
  {
    name: '金丹路',
    nameEn: 'Jindan Road',
    line: [
      [111.7165, 29.01],
      [111.7175, 29.054],
    ],
  },
  {
    name: '白马湖路',
    nameEn: 'Baimahu Road',
    line: [
      [111.709, 29.027],
      [111.735, 29.029],
    ],
  },
];

const LANDMARKS: Array<{ name: string; nameEn: string; at: Position }> = [
  { name: '常德站', nameEn: 'Changde Railway Station', at: [111.6915, 29.0575] },
  { name: '常德市人民政府', nameEn: 'Changde City Hall', at: [111.704, 29.036] },
  { name: '常德大剧院', nameEn: 'Changde Grand Theatre', at: [111.6985, 29.0415] },
  { name: '老西门', nameEn: 'Old West Gate', at: [111.679, 29.0255] },
  { name: '常德市第一人民医院', nameEn: "First People's Hospital", at: [111.6855, 29.0395] },
  { name: '常德诗墙', nameEn: 'Poetry Wall', at: [111.696, 29.0045] },
  { name: '步行街', nameEn: 'Pedestrian Street', at: [111.6915, 29.0318] },
  { name: '常德市第一中学', nameEn: 'Changde No. 1 Middle School', at: [111.664, 29.044] },
];

const rect = (x0: number, y0: number, x1: number, y1: number): Position[][] => [
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ],
];

/** A closed ring around a centre, slightly irregular (lakes are not ellipses), deterministic. */
function blob(cx: number, cy: number, rx: number, ry: number, points = 24): Position[][] {
  const ring: Position[] = [];
  for (let i = 0; i < points; i++) {
    const a = (i / points) * 2 * Math.PI;
    const k = 1 + 0.12 * Math.sin(3 * a) + 0.06 * Math.cos(5 * a);
    ring.push([
      Math.round((cx + rx * k * Math.cos(a)) * 1e6) / 1e6,
      Math.round((cy + ry * k * Math.sin(a)) * 1e6) / 1e6,
    ]);
  }
  ring.push(ring[0]!);
  return [ring];
}

/** The Yuan River (沅江) south of the riverside avenue: the avenue's line pushed south, closed as a band. */
function river(): Position[][] {
  const bank = STREETS.find((s) => s.name === '沿江大道')!.line;
  const north = bank.map(([x, y]) => [x!, y! - 0.0022]);
  const south = [...bank].reverse().map(([x, y]) => [x!, y! - 0.0085]);
  return [[...north, ...south, north[0]!]];
}

function feature(kind: MapKind, geometry: Geometry, props: Record<string, string>): Feature {
  return { type: 'Feature', geometry, properties: { kind, ...props } };
}

/** The demo city's base map, in drawing order (areas first, then water, parks, roads, landmarks). */
export function demoCityMap(): FeatureCollection {
  const features: Feature[] = [];
  for (const g of demoGrids().filter((g) => g.kind === 'district')) {
    features.push(feature('district', g.geometry, { name: g.name, nameEn: String(g.properties.nameEn ?? g.name) }));
  }
  features.push(feature('water', { type: 'Polygon', coordinates: river() }, { name: '沅江', nameEn: 'Yuan River' }));
  features.push(
    feature(
      'water',
      { type: 'Polygon', coordinates: blob(111.75, 29.054, 0.01, 0.0065) },
      { name: '柳叶湖', nameEn: 'Liuye Lake' },
    ),
  );
  features.push(
    feature(
      'water',
      { type: 'Polygon', coordinates: blob(111.714, 29.038, 0.0028, 0.0018) },
      { name: '白马湖', nameEn: 'Baima Lake' },
    ),
  );
  for (const g of demoGrids().filter((g) => g.kind === 'place' && /公园/.test(g.name))) {
    features.push(feature('park', g.geometry, { name: g.name, nameEn: String(g.properties.nameEn ?? g.name) }));
  }
  features.push(
    feature(
      'park',
      { type: 'Polygon', coordinates: rect(111.679, 29.047, 111.686, 29.0515) },
      { name: '丁玲公园', nameEn: 'Ding Ling Park' },
    ),
  );
  for (const m of MINOR)
    features.push(
      feature('road', { type: 'LineString', coordinates: m.line }, { class: 'minor', name: m.name, nameEn: m.nameEn }),
    );
  for (const s of STREETS) {
    const cls = s.name.endsWith('大道') ? 'primary' : 'secondary';
    features.push(
      feature(
        'road',
        { type: 'LineString', coordinates: s.line },
        { class: cls, name: s.name, nameEn: STREET_EN[s.name] ?? s.name },
      ),
    );
  }
  for (const l of LANDMARKS)
    features.push(feature('landmark', { type: 'Point', coordinates: l.at }, { name: l.name, nameEn: l.nameEn }));
  return { type: 'FeatureCollection', features };
}

/** The file's text: one feature per line, so a change to the city reads as a small diff. */
export function demoCityMapText(): string {
  // indented, with each [lng, lat] pair on a line of its own: short lines a reader (and a diff) can follow
  const text = JSON.stringify(demoCityMap(), null, 1).replace(
    /\[\n\s*(-?[\d.e-]+),\n\s*(-?[\d.e-]+)\n\s*\]/g,
    '[$1, $2]',
  );
  return `${text}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(DEMO_MAP_FILE, demoCityMapText());
  process.stdout.write(`demo-city-map: wrote ${DEMO_MAP_FILE}\n`);
}
