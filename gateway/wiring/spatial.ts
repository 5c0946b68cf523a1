// Wiring of the spatial side: the in-memory camera directory, policy-filtered spatial queries and the grid layer.
import type { Config } from '../../config/load';
import type { Database } from '../db/database';
import { gisRows } from '../db/cameras-repo';
import type { AccessControl } from '../auth/access';
import { CameraDirectory } from '../spatial/camera-directory';
import { SpatialQueries } from '../spatial/spatial-queries';
import type { CameraParts } from './cameras';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';

export interface SpatialParts {
  directory: CameraDirectory;
  spatial: SpatialQueries;
  /** Reloads the grid layer and re-assigns every camera's grid (after grids changed). */
  reloadGrids(): Promise<void>;
}

/** Loads the directory from the database, keeps it current on camera changes, and loads the grids. */
export async function buildSpatial(
  config: Config,
  db: Database,
  repos: Repositories,
  access: AccessControl,
  c: CameraParts,
  closers: Closers,
  log: Log,
): Promise<SpatialParts> {
  const { cameras, admin } = c;
  const directory = new CameraDirectory(() => gisRows(db.knex), {
    defaultRangeM: config.gis.defaultRangeM,
    onError: (what, err) => log('error', `${what}: ${String(err)}`),
  });
  const loadStart = performance.now();
  await directory.start();
  const loadMs = Math.round(performance.now() - loadStart);
  log(
    'info',
    `camera index: ${directory.index.size} cameras in ${loadMs} ms (index built in ${directory.lastSteps.load} steps)`,
  );
  cameras.onChange((ch) => directory.apply(ch));
  const spatial = new SpatialQueries(directory, access, {
    defaultRangeM: config.gis.defaultRangeM,
    maxResults: config.gis.maxResults,
    onError: (what, err) => log('error', `${what}: ${String(err)}`),
  });
  closers.add(() => spatial.close());
  const loadGrids = async (): Promise<void> => {
    for (const g of spatial.loadGrids(await repos.org.grids()))
      log('warn', `grids: grid ${g.id} left out of the layer: ${g.error}`);
  };
  const reloadGrids = async (): Promise<void> => {
    await loadGrids();
    // compared with what the index holds: the database already reads null for a deleted grid
    const known = (id: string): number | null | undefined => {
      const g = directory.lookup(id)?.gridId;
      return g == null ? g : Number(g);
    };
    directory.setGrids(await repos.cameras.assignGrids((lng, lat) => spatial.gridOf(lng, lat), known));
  };
  await loadGrids();
  cameras.setGridLocator((lng, lat) => spatial.gridOf(lng, lat));
  // the grid change's answer waits for the layer; a failed reload is logged, the change itself is stored
  admin.onGridsChange(() => reloadGrids().catch((err: unknown) => log('error', `grids: ${String(err)}`)));
  return { directory, spatial, reloadGrids };
}
