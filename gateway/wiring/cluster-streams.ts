// Wiring of pulls in a cluster: the supervisor behind leases, the backend streams and recorders use, stream routing.
import { streamUrl } from '../cameras/stream-url';
import { streamKey, type Supervisor } from '../../transcoder/index';
import { PullLeases, type LeasedPulls, type Placement } from '../cluster/pull-leases';
import { StreamElsewhereError } from '../cluster/errors';
import { UnavailableError } from '../errors';
import type { LeaseKey } from '../cluster/cluster-node';
import type { StreamBackend } from '../streams/stream-backend';
import type { RecordingSource } from '../recordings/recorder';
import type { StreamRouting } from '../http/node-proxy';
import { ClientVouch } from '../http/client-vouch';
import { rendezvousOwner } from '../cluster/rendezvous';
import type { TokenService } from '../auth/tokens';
import type { CameraService } from '../cameras/camera-service';
import type { ClusterParts } from './cluster';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';

/** How often the live nodes' addresses are re-read besides each change of the set (ms). */
const ADDRESSES_MS = 2000;

export interface ClusterStreams {
  leases: PullLeases;
  /** The supervisor as streams and recorders use it: an acquire runs here only under this node's lease. */
  backend: StreamBackend & RecordingSource;
  /** Viewers' requests with a token of another live node's session go there. */
  routing: StreamRouting;
  /** Whether this node runs (camera, profile)'s pull from `url`: its lease, placed when free (see place). */
  owns(cameraId: string, profile: 'main' | 'sub', url: string): Promise<boolean>;
  /**
   * Where (camera, profile)'s pull from `url` runs, placed when free: on the least loaded node, or on the one node
   * that can pull it (a GB/T 28181 device's registration, a lower platform's link).
   */
  place(cameraId: string, profile: 'main' | 'sub', url: string): Promise<Placement>;
}

/** The pin of a pull URL only one node can serve: its device or its lower platform. */
const pinSource = (url: string): string | null => {
  const m = /^(gb28181|cascade):\/\/([^/]+)\//.exec(url);
  return m ? `${m[1]}:${m[2]}` : null;
};

/** The pulls of `supervisor` bound to this node's leases; a gained lease starts its pull from the camera's record. */
export function buildClusterStreams(
  parts: ClusterParts,
  supervisor: Supervisor,
  cameras: CameraService,
  repos: Repositories,
  auth: { tokens: TokenService; forwardKey: Buffer },
  closers: Closers,
  log: Log,
): ClusterStreams {
  const keyOf = (k: LeaseKey): string => streamKey(k.cameraId, k.profile as 'main' | 'sub');
  const pulls: LeasedPulls = {
    start: async (k, held) => {
      const cam = await repos.cameras.get(k.cameraId);
      const profile = k.profile === 'sub' ? 'sub' : 'main';
      const url = cam && streamUrl(cam, profile, true);
      if (!cam || !url || (await cameras.reachRefusal(cam))) return false;
      if (!held()) return true;
      const info = (profile === 'sub' ? cam.streams.sub : cam.streams.main) ?? cam.streams.main;
      const creds = cameras.credentials(cam);
      // the pull's own output (no derived transcode): viewers and recorders that come ask for what they need
      await supervisor.acquire({
        cameraId: cam.id,
        profile,
        url,
        codec: info?.codec ?? 'h264',
        passthroughH265: true,
        audioCodec: info?.audio ?? null,
        ...(creds ? { username: creds.username, password: creds.password } : {}),
      });
      // lost while it started (its stop found nothing to stop yet): never a pull without its lease
      if (!held()) await supervisor.stop(keyOf(k), 'lease lost while starting');
      return true;
    },
    stop: (k, reason) => supervisor.stop(keyOf(k), reason),
    running: (k) => supervisor.hub(keyOf(k)) !== undefined,
    onStopped: (fn) => {
      const on = (e: { derived: boolean; state: string; cameraId: string; profile: string }): void => {
        if (!e.derived && e.state === 'stopped') fn({ cameraId: e.cameraId, profile: e.profile });
      };
      supervisor.on('state', on);
      return () => void supervisor.off('state', on);
    },
  };
  const leases = new PullLeases(parts.node, pulls, log);
  const place: ClusterStreams['place'] = async (cameraId, profile, url) => {
    const key = { cameraId, profile };
    if (leases.node.holds(key)) return { here: true };
    const source = pinSource(url);
    return leases.where(key, (source && (await parts.pins.of(source))) || undefined);
  };
  leases.start();
  closers.add(async () => leases.close());
  const backend: ClusterStreams['backend'] = {
    acquire: async (spec) => {
      const w = await place(spec.cameraId, spec.profile, spec.url);
      if (!w.here) throw new StreamElsewhereError(`${spec.cameraId}.${spec.profile}`, w.node, w.address);
      const lease = { cameraId: spec.cameraId, profile: spec.profile };
      const got = await supervisor.acquire(spec);
      // the lease lost while the pull started: stopped here, the caller asks again (and is sent to the new holder)
      if (!leases.node.holds(lease)) {
        await supervisor.stop(got.pullKey, 'lease lost while starting');
        throw new UnavailableError(`cluster: stream ${got.pullKey} moved to another node while starting`, 1);
      }
      return got;
    },
    touch: (key) => supervisor.touch(key),
    hub: (key) => supervisor.hub(key),
    hls: (key) => supervisor.hls(key),
    stop: (key, reason) => supervisor.stop(key, reason),
  };
  const owns: ClusterStreams['owns'] = async (cameraId, profile, url) => (await place(cameraId, profile, url)).here;
  return { leases, backend, routing: nodeRouting(parts, auth.tokens, auth.forwardKey, closers, log), owns, place };
}

/** Stream tokens name the node holding their session: a request reaching another node is forwarded to it. */
function nodeRouting(
  parts: ClusterParts,
  tokens: TokenService,
  forwardKey: Buffer,
  closers: Closers,
  log: Log,
): StreamRouting {
  const self = parts.node.name;
  let addresses = new Map<string, string>();
  const refresh = (): void =>
    void parts.node.liveNodes().then(
      (nodes) => (addresses = new Map(nodes.map((n) => [n.name, n.address]))),
      (err: unknown) => log('warn', `cluster: reading the live nodes: ${String(err)}`),
    );
  refresh();
  const off = parts.node.onMembers(refresh);
  const timer = setInterval(refresh, ADDRESSES_MS);
  timer.unref();
  closers.add(async () => {
    off();
    clearInterval(timer);
  });
  return {
    self,
    vouch: new ClientVouch(forwardKey),
    // the node that health-checks a camera also controls its PTZ (one holder of control cluster-wide)
    controlNode: (cameraId) => {
      const owner = rendezvousOwner(cameraId, parts.node.members());
      return owner && owner !== self ? (addresses.get(owner) ?? null) : null;
    },
    targetOf: (token) => {
      let node: string | undefined;
      try {
        node = tokens.verifyStream(token).node;
      } catch {
        return null; // refused here, with the reason
      }
      // a session of a node gone is unknown everywhere: refused here (401), the player opens the stream again
      return node && node !== self ? (addresses.get(node) ?? null) : null;
    },
  };
}
