// A coarse outline of mainland China (with Hainan) deciding where GCJ-02 / BD-09 offsets apply.
import type { CompiledArea, CompiledPolygon } from './geojson';
import { ringBbox } from './geojson';
import { pointInArea } from './point-in-polygon';

/*
 * Written by hand from general geographic knowledge, ~5-30 km accuracy on land borders, coasts
 * pushed a little offshore so coastal islands fall inside. Decisions:
 * - Hong Kong and Macau are OUTSIDE: their maps (and Google/Apple/AMap in practice) are WGS-84.
 *   The outline follows the Shenzhen River / Shenzhen Bay and the Gongbei / Hengqin channels closely.
 * - Taiwan is OUTSIDE: GCJ-02 is a mainland surveying regulation and Taiwan's own and the global
 *   map data there are WGS-84 (Google, Apple). Some mainland apps shift it anyway; callers needing
 *   that can pass `{ force: true }` to the converters. Kinmen and Matsu are not carved out.
 * - Disputed Himalayan areas follow the line of actual control. Offsets there are irrelevant in practice.
 * Vertices are [lng, lat] (WGS-84), ring order: from the Yalu mouth down the coast, then the land
 * borders anticlockwise back to it.
 */
const MAINLAND: number[][] = [
  // Coast: Yalu mouth → Liaodong → Bohai strait → Shandong → Jiangsu → Shanghai → Zhejiang → Fujian → Guangdong.
  [124.2, 39.75], [123.3, 39.4], [122.4, 38.95], [121.6, 38.7], [121.0, 38.8], [120.6, 38.0], [121.5, 37.75],
  [122.3, 37.65], [122.8, 37.4], [122.6, 36.85], [121.6, 36.5], [120.8, 35.9], [119.8, 35.2], [119.6, 34.6],
  [120.6, 33.8], [121.3, 32.9], [122.1, 32.0], [122.3, 31.4], [122.1, 30.85], [123.0, 30.7], [122.8, 29.9],
  [122.2, 29.2], [121.9, 28.5], [121.4, 27.8], [120.8, 27.0], [120.1, 26.2], [119.9, 25.4], [119.2, 24.8],
  [118.3, 24.2], [117.6, 23.5], [116.8, 23.1], [115.7, 22.6], [114.75, 22.45],
  // Around Hong Kong: Mirs Bay, Sha Tau Kok, Shenzhen River, Shenzhen Bay, west of Lantau.
  [114.6, 22.5], [114.42, 22.58], [114.23, 22.556], [114.15, 22.533], [114.08, 22.527], [114.02, 22.512],
  [113.955, 22.515], [113.93, 22.47], [113.88, 22.43], [113.8, 22.4], [113.65, 22.33], [113.6, 22.25],
  // Around Macau: Gongbei border gate, Inner Harbour, Hengqin's channel to Taipa and Coloane.
  [113.56, 22.222], [113.547, 22.215], [113.535, 22.206], [113.528, 22.185], [113.535, 22.16], [113.542, 22.13],
  [113.535, 22.09], [113.45, 22.05],
  // West Guangdong, Leizhou peninsula, Beibu Gulf to the Beilun River mouth.
  [113.1, 21.85], [112.6, 21.55], [111.8, 21.4], [111.0, 21.2], [110.7, 20.85], [110.55, 20.3], [110.5, 20.2],
  [109.9, 20.2], [109.65, 20.9], [109.3, 20.95], [108.6, 21.4], [108.2, 21.45], [107.99, 21.49],
  // Vietnam.
  [107.4, 21.6], [107.05, 21.82], [106.72, 21.97], [106.55, 22.4], [106.8, 22.8], [106.2, 22.95], [105.85, 22.95],
  [105.55, 23.1], [105.33, 23.4], [104.8, 23.15], [104.3, 22.8], [103.97, 22.5], [103.23, 22.58], [102.65, 22.68],
  [102.14, 22.4],
  // Laos.
  [101.75, 22.45], [101.55, 22.2], [101.75, 21.8], [101.78, 21.14], [101.2, 21.25], [101.15, 21.55],
  // Myanmar.
  [100.55, 21.45], [100.15, 21.65], [99.95, 22.05], [99.2, 22.12], [99.55, 22.95], [99.2, 23.15], [98.9, 23.3],
  [98.85, 23.75], [98.65, 24.05], [97.75, 23.95], [97.55, 24.45], [97.6, 24.85], [97.75, 25.3], [98.15, 25.65],
  [98.6, 26.1], [98.75, 27.0], [98.7, 27.5], [98.45, 27.65], [97.9, 28.0], [97.35, 28.2],
  // India (line of actual control, east), Bhutan, Sikkim.
  [96.6, 28.65], [96.15, 29.4], [95.4, 29.05], [94.6, 29.3], [93.9, 28.75], [92.7, 27.95], [91.65, 27.8],
  [90.4, 28.2], [89.6, 28.2], [89.25, 27.85], [88.95, 27.25], [88.75, 27.55], [88.8, 27.95], [88.15, 27.88],
  // Nepal.
  [87.0, 27.85], [86.0, 28.05], [85.2, 28.3], [84.2, 28.7], [83.4, 29.3], [82.2, 30.1], [81.3, 30.4], [80.3, 30.25],
  // India (west, line of actual control), Karakoram, Pakistan, Afghanistan, Tajikistan.
  [79.6, 30.95], [79.0, 31.35], [78.75, 31.9], [78.45, 32.55], [79.45, 32.7], [78.9, 33.55], [78.2, 34.75],
  [77.85, 35.5], [77.0, 35.75], [76.2, 35.85], [75.7, 36.6], [75.4, 36.95], [74.85, 37.1], [74.55, 37.4],
  [74.85, 38.05], [74.75, 38.55], [73.85, 38.95], [73.65, 39.45],
  // Kyrgyzstan.
  [73.85, 39.85], [74.05, 40.1], [75.3, 40.45], [76.4, 40.45], [77.6, 41.0], [78.4, 41.4], [79.5, 41.85], [80.25, 42.15],
  // Kazakhstan.
  [80.15, 42.65], [80.45, 43.15], [80.8, 43.2], [80.35, 44.0], [80.35, 44.9], [81.7, 45.35], [82.6, 45.2],
  [82.35, 45.6], [83.05, 47.2], [85.55, 47.05], [85.65, 47.5], [86.55, 48.55], [87.3, 49.1],
  // Russia (Altai) and Mongolia.
  [87.85, 49.15], [88.1, 48.55], [89.5, 47.95], [90.5, 47.3], [91.0, 46.5], [90.9, 45.3], [93.5, 44.95],
  [95.4, 44.25], [96.4, 42.75], [99.5, 42.55], [100.85, 42.65], [103.7, 41.8], [105.0, 41.6], [106.8, 42.3],
  [109.3, 42.45], [110.7, 42.75], [111.95, 43.7], [113.5, 44.75], [115.0, 45.4], [116.5, 46.3], [117.4, 46.57],
  [118.8, 46.75], [119.9, 46.65], [119.7, 47.25], [118.5, 47.95], [117.4, 47.65], [116.0, 47.75], [115.55, 47.95],
  [116.05, 48.6], [116.7, 49.85],
  // Russia: Argun, Amur, Ussuri, Khanka, Primorye.
  [117.8, 49.55], [118.6, 49.95], [119.3, 50.35], [119.9, 51.4], [120.7, 52.5], [121.9, 53.3], [123.5, 53.55],
  [125.5, 53.1], [126.1, 52.75], [126.5, 51.9], [127.3, 50.7], [127.5, 50.3], [127.58, 50.15], [127.55, 49.8], [128.8, 49.55], [130.0, 48.9],
  [130.7, 48.5], [130.95, 47.7], [132.5, 47.75], [133.9, 48.3], [134.75, 48.35], [134.25, 47.7], [134.1, 47.1],
  [133.85, 46.25], [133.0, 45.1], [132.0, 45.3], [131.85, 44.95], [131.05, 44.85], [131.25, 44.0], [131.15, 43.45],
  [130.85, 42.85], [130.6, 42.45],
  // North Korea: Tumen, Paektu, Yalu.
  [130.25, 42.9], [129.9, 42.98], [129.55, 42.4], [129.0, 42.15], [128.6, 42.0], [128.05, 41.98], [127.3, 41.5],
  [126.6, 41.7], [126.1, 41.05], [125.3, 40.65], [124.9, 40.45], [124.35, 40.05], [124.2, 39.75],
];

const HAINAN: number[][] = [
  [108.55, 19.15], [108.6, 18.45], [109.5, 18.05], [110.1, 18.25], [110.6, 18.7], [111.1, 19.6], [110.95, 20.15],
  [110.3, 20.17], [109.6, 20.05], [109.1, 19.8], [108.55, 19.15],
];

function compile(rings: number[][][]): CompiledPolygon {
  const flat = rings.map((r) => Float64Array.from(r.flat()));
  return { rings: flat, bbox: ringBbox(flat[0] as Float64Array) };
}

const polygons = [compile([MAINLAND]), compile([HAINAN])];
/** The outline as a compiled area (for tests and diagnostics). */
export const CHINA_MAINLAND: CompiledArea = {
  polygons,
  bbox: [73.65, 18.05, 134.75, 53.55],
};

/** The outline as GeoJSON (MultiPolygon, WGS-84). */
export const CHINA_MAINLAND_GEOJSON = {
  type: 'MultiPolygon' as const,
  coordinates: [[MAINLAND], [HAINAN]],
};

/** Number of vertices in the outline. */
export const CHINA_OUTLINE_VERTICES = MAINLAND.length + HAINAN.length;

/** True when (lng, lat) lies in mainland China or Hainan (not Hong Kong, Macau or Taiwan) per the coarse outline. */
export function isInMainlandChina(lng: number, lat: number): boolean {
  return pointInArea(lng, lat, CHINA_MAINLAND);
}
