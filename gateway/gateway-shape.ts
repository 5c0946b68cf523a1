// What a started gateway is: its services, parts and lifecycle (startGateway in main.ts builds it).
import type http from 'node:http';
import type { Config } from '../config/load';
import type { Database } from './db/database';
import type { CredentialBox } from './auth/secrets';
import type { TokenService } from './auth/tokens';
import type { AccessControl } from './auth/access';
import type { AuthService } from './auth/auth-service';
import type { CameraService } from './cameras/camera-service';
import type { AdminService } from './admin/admin-service';
import type { CameraDirectory } from './spatial/camera-directory';
import type { SpatialQueries } from './spatial/spatial-queries';
import type { DeviceService } from './devices/device-service';
import type { HealthService } from './health/health-service';
import type { Realtime } from './realtime/realtime';
import type { StreamService } from './streams/stream-service';
import type { RecordingService } from './recordings/recording-service';
import type { LiveViewers } from './streams/live-viewers';
import type { Supervisor } from '../transcoder/index';
import type { ApiRouter } from './http/api-router';
import type { createApp } from './http/app';
import type { Log } from './wiring/lifecycle';
import type { Repositories } from './wiring/storage';
import type { GbParts } from './wiring/gb28181';
import type { CascadeUpper } from './wiring/cascade';
import type { CascadeLower } from './wiring/cascade-lower';
import type { PlaybackParts } from './wiring/playback';
import type { EventParts } from './wiring/events';
import type { AlarmParts } from './wiring/alarms';
import type { WallParts } from './wiring/wall';
import type { OpsParts } from './wiring/ops';
import type { ClusterParts } from './wiring/cluster';
import type { TourService } from './wall/tour-service';

export interface GatewayOptions {
  /** Database schema to use (tests isolate themselves); default public. */
  schema?: string;
  /** Log sink; default: stderr as config.log says (JSON lines or text). */
  log?: Log;
}

export interface Gateway {
  url: string;
  port: number;
  config: Config;
  db: Database;
  services: {
    cameras: CameraService;
    admin: AdminService;
    auth: AuthService;
    access: AccessControl;
    tokens: TokenService;
    box: CredentialBox;
    directory: CameraDirectory;
    spatial: SpatialQueries;
    devices: DeviceService;
    health: HealthService;
    realtime: Realtime;
    streams: StreamService;
    /** WebSocket viewers of live streams. */
    live: LiveViewers;
    supervisor: Supervisor;
    recordings: RecordingService;
    playback: PlaybackParts;
    events: EventParts;
    alarms: AlarmParts;
    wall: WallParts;
    tours: TourService;
    /** Metrics registry, readiness and liveness. */
    ops: OpsParts;
    /** The GB/T 28181 platform (SIP server and channel sync), null unless gb28181.enabled. */
    gb: GbParts | null;
    /** Cascade between platforms: the upper side (peers' port) and the lower side (link up), each null unless enabled. */
    cascade: { upper: CascadeUpper | null; lower: CascadeLower | null };
  };
  repos: Repositories;
  /** This node in the cluster (registration, leases, change feed); null unless `cluster.enabled`. */
  cluster: ClusterParts | null;
  api: ApiRouter;
  /** The express application (route listing in tests). */
  app: ReturnType<typeof createApp>;
  server: http.Server;
  /** Re-reads in-memory state (shares, spatial index) after data was written behind the gateway's back (seeds). */
  reload(): Promise<void>;
  /** From now on /readyz answers 503 (the node is stopping; a load balancer sends new requests elsewhere). */
  drain(): void;
  /** Drains, then closes every part in reverse order. */
  close(): Promise<void>;
}
