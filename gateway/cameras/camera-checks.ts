// Checks on camera writes: the network of the department, usable addresses, credentials sealed, import rows resolved.
import type { CameraCreate } from '../contract';
import type { CameraWrite } from '../db/cameras-repo';
import type { OrgRepo } from '../db/org-repo';
import type { AccessControl } from '../auth/access';
import type { CredentialBox } from '../auth/secrets';
import type { Principal } from '../auth/policy';
import { ForbiddenError, ValidationError, type FieldIssue } from '../errors';
import { validateSourceUrl } from '../../transcoder/index';
import { liftCredentials, type ImportRow } from './camera-input';
import type { CameraReach, ReachCamera } from './camera-reach';

export class CameraChecks {
  constructor(
    private readonly org: OrgRepo,
    private readonly access: AccessControl,
    private readonly box: CredentialBox,
    private readonly reach: CameraReach,
  ) {}

  /** Throws ValidationError when network `networkId` (if any) is unknown or of another department. */
  async checkNetwork(networkId: number | null | undefined, departmentId: number): Promise<void> {
    if (networkId == null) return;
    const n = await this.org.network(networkId);
    if (!n)
      throw new ValidationError('camera: network not found', [
        { path: 'body.networkId', message: `no network ${networkId}` },
      ]);
    if (n.departmentId !== departmentId)
      throw new ValidationError('camera: network belongs to another department', [
        { path: 'body.networkId', message: 'network of another department' },
      ]);
  }

  /**
   * Issues for the addresses of a camera about to be written: stream URIs the transcoder would
   * refuse at play time (same validator), and any address outside the camera's network or on the
   * gateway's own service ports (CameraReach). `where` prefixes the paths ("body", "line 7").
   */
  async addressIssues(cam: ReachCamera, where: string): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = [];
    const path = (f: string): string => (where === 'body' ? `body.${f}` : `${where}: ${f}`);
    for (const f of ['mainUri', 'subUri'] as const) {
      const v = cam[f];
      if (!v) continue;
      try {
        validateSourceUrl(v);
      } catch (err) {
        issues.push({ path: path(f), message: (err as Error).message });
      }
    }
    if (issues.length) return issues;
    for (const p of await this.reach.problems(cam)) issues.push({ path: path(p.field), message: p.message });
    return issues;
  }

  /** The write of a camera input: credentials lifted out of its URIs and sealed. */
  toWrite(input: Partial<CameraCreate>): CameraWrite {
    const { username, password, departmentId: _d, ...rest } = liftCredentials(input);
    const w: CameraWrite = { ...rest };
    if (username !== undefined || password !== undefined)
      w.credentialsEnc = this.box.sealCredentials({ username: username ?? '', password: password ?? '' });
    return w;
  }

  /** Resolves import rows to writes (department, network, grid by `gridOf`); ValidationError naming every bad row. */
  async resolveImportRows(
    p: Principal,
    rows: ImportRow[],
    gridOf: (lng: number, lat: number) => number | null,
  ): Promise<CameraWrite[]> {
    const departments = await this.org.departments();
    const networks = await this.org.networks();
    const issues: Array<{ path: string; message: string }> = [];
    const writes: CameraWrite[] = [];
    for (const r of rows) {
      const dep =
        r.department === undefined
          ? undefined
          : departments.find((d) => d.code === r.department || String(d.id) === r.department);
      if (r.department !== undefined && !dep) {
        issues.push({ path: `${r.where}: department`, message: `unknown department ${JSON.stringify(r.department)}` });
        continue;
      }
      let departmentId: number;
      try {
        departmentId = this.access.actingDepartment(p, dep?.id);
      } catch (err) {
        issues.push({
          path: `${r.where}: department`,
          message: err instanceof ForbiddenError ? err.message : String(err),
        });
        continue;
      }
      const net =
        r.network === undefined ? undefined : networks.find((n) => n.name === r.network || String(n.id) === r.network);
      if (r.network !== undefined && (!net || net.departmentId !== departmentId)) {
        issues.push({
          path: `${r.where}: network`,
          message: `unknown network ${JSON.stringify(r.network)} for this department`,
        });
        continue;
      }
      const write: CameraWrite = {
        ...this.toWrite(r.camera),
        departmentId,
        networkId: net?.id ?? null,
        gridId: gridOf(r.camera.lng, r.camera.lat),
      };
      const bad = await this.addressIssues({ ...write, departmentId }, r.where);
      if (bad.length) {
        issues.push(...bad);
        continue;
      }
      writes.push(write);
    }
    if (issues.length) throw new ValidationError(`import: ${issues.length} problem(s); nothing was imported`, issues);
    return writes;
  }
}
