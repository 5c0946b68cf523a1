// The demo city's base map for `cloudeye demo`: the GeoJSON the console ships (web/static/map/demo-city.geojson), drawn locally.
import { baseLayersSchema } from '../../config/base-layers-schema';
import type { Config } from '../../config/load';

/** The demo city's base layer as it would be written in map.baseLayers. */
export const DEMO_BASE_LAYER = {
  type: 'vector',
  id: 'demo-city',
  name: '演示城市（常德）',
  nameEn: 'Demo city (Changde)',
  url: '/map/demo-city.geojson',
  attribution: '演示数据 Demo data',
  minZoom: 10,
  maxZoom: 20,
} as const;

/** The config with the demo city's map as its base layer, unless base layers were configured (then unchanged). */
export function withDemoMap(config: Config): Config {
  if (config.map.baseLayers.length > 0) return config;
  return { ...config, map: { ...config.map, baseLayers: baseLayersSchema.parse([DEMO_BASE_LAYER]) } };
}
