// Config schema of map.baseLayers: the console's base maps (xyz, wmts, tianditu, gaode, mbtiles, vector), validated with zod.
import { z } from 'zod';

/** A URL the browser can load: http(s) or an absolute path on this gateway. */
const browserUrl = z.string().regex(/^(https?:\/\/|\/)/, 'must be an http(s) URL or an absolute path');
const zoom = z.number().int().min(0).max(22);
const crs = z.enum(['wgs84', 'gcj02']);

/** Keys every base layer has. */
const common = {
  /** Short name, unique: [a-z0-9-], used in tile URLs. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 characters of a-z, 0-9 and "-", starting with a letter or digit'),
  /** Label in the layer switcher (zh-CN). */
  name: z.string().min(1).max(60),
  /** Label in English; empty = name. */
  nameEn: z.string().max(60).default(''),
  attribution: z.string().max(300).default(''),
  minZoom: zoom.default(0),
  maxZoom: zoom.default(18),
};

const xyz = z.strictObject({
  type: z.literal('xyz'),
  ...common,
  url: browserUrl.refine((u) => ['{z}', '{x}', '{y}'].every((p) => u.includes(p)), 'must contain {z}, {x} and {y}'),
  subdomains: z.string().default(''),
  crs: crs.default('wgs84'),
});

const wmts = z.strictObject({
  type: z.literal('wmts'),
  ...common,
  url: browserUrl.refine((u) => !u.includes('?'), 'must be the service endpoint without a query string'),
  layer: z.string().min(1),
  style: z.string().min(1).default('default'),
  tileMatrixSet: z.string().min(1),
  tileMatrixPrefix: z.string().default(''),
  format: z
    .string()
    .regex(/^image\/(png|jpeg|webp)$/, 'must be image/png, image/jpeg or image/webp')
    .default('image/png'),
  subdomains: z.string().default(''),
  crs: crs.default('wgs84'),
});

const tianditu = z.strictObject({
  type: z.literal('tianditu'),
  ...common,
  key: z.string().regex(/^[0-9A-Za-z]{16,64}$/, 'must be the Tianditu browser key (16-64 letters and digits)'),
  style: z.enum(['vec', 'img', 'ter']).default('vec'),
  labels: z.boolean().default(true),
});

const gaode = z.strictObject({
  type: z.literal('gaode'),
  ...common,
  style: z.enum(['vector', 'satellite']).default('vector'),
  labels: z.boolean().default(true),
});

const mbtiles = z.strictObject({
  type: z.literal('mbtiles'),
  id: common.id,
  name: common.name,
  nameEn: common.nameEn,
  /** Empty = the file's metadata attribution. */
  attribution: z.string().max(300).default(''),
  path: z.string().min(1),
  crs: crs.default('wgs84'),
});

const vector = z.strictObject({
  type: z.literal('vector'),
  ...common,
  url: browserUrl,
});

export const baseLayerSchema = z.discriminatedUnion('type', [xyz, wmts, tianditu, gaode, mbtiles, vector], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'must be one of xyz, wmts, tianditu, gaode, mbtiles, vector' : undefined,
});

export const baseLayersSchema = z.array(baseLayerSchema).superRefine((layers, ctx) => {
  const seen = new Set<string>();
  layers.forEach((l, i) => {
    if (seen.has(l.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `is used by an earlier base layer` });
    seen.add(l.id);
    if ('minZoom' in l && l.minZoom > l.maxZoom)
      ctx.addIssue({ code: 'custom', path: [i, 'minZoom'], message: `must not exceed maxZoom (${l.maxZoom})` });
  });
});

export type BaseLayerConfig = z.infer<typeof baseLayerSchema>;
