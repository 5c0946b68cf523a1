// Wiring of events: the write queue, ingest, search, sources and points, partitions, MQTT and ONVIF subscribers.
import type { Config } from '../../config/load';
import { sourcePrincipal } from '../auth/policy';
import type { Database } from '../db/database';
import { EventsRepo } from '../db/events-repo';
import { EventSourcesRepo } from '../db/event-sources-repo';
import { EventWriter } from '../events/event-writer';
import { EventIngest } from '../events/event-ingest';
import { EventSearch } from '../events/event-search';
import { SourceService } from '../events/source-service';
import { MqttSources } from '../events/mqtt-sources';
import { OnvifSources } from '../events/onvif-sources';
import { PartitionKeeper } from '../events/partition-keeper';
import type { AuthParts } from './auth';
import type { SpatialParts } from './spatial';
import type { Repositories } from './storage';
import type { Closers, Log } from './lifecycle';

export interface EventParts {
  repo: EventsRepo;
  writer: EventWriter;
  ingest: EventIngest;
  search: EventSearch;
  sources: SourceService;
  mqtt: MqttSources;
  onvif: OnvifSources;
  keeper: PartitionKeeper;
}

/** Builds and starts the event side; the subscribers start last and close first (before the queue drains). */
export async function buildEvents(
  config: Config,
  db: Database,
  repos: Repositories,
  auth: AuthParts,
  spatial: SpatialParts,
  closers: Closers,
  log: Log,
): Promise<EventParts> {
  const c = config.events;
  const repo = new EventsRepo(db.knex);
  const keeper = new PartitionKeeper(
    repo,
    {
      retentionDays: c.retentionDays,
      aheadDays: c.partitionsAheadDays,
      keysRetentionDays: c.keysRetentionDays,
      intervalS: c.maintenanceIntervalS,
    },
    log,
  );
  await keeper.start();
  closers.add(() => keeper.close());
  const writer = new EventWriter(
    repo,
    {
      maxQueue: c.queue.maxEvents,
      batchSize: c.queue.batchSize,
      retryAfterS: c.queue.retryAfterS,
      writers: c.queue.writers,
    },
    log,
  );
  closers.add(() => writer.close());
  const { access } = auth;
  const { directory } = spatial;
  let sources: SourceService | undefined;
  const ingest = new EventIngest(
    {
      writer,
      camera: (id) => directory.lookup(id),
      pointsByCode: (code) => sources?.pointsByCode(code) ?? [],
      can: (p, action, cam) => access.can(p, action, cam),
    },
    { retentionDays: c.retentionDays, maxFutureS: c.maxFutureS },
  );
  sources = new SourceService(new EventSourcesRepo(db.knex), auth.box, access, ingest, {
    webhookWindowS: c.webhook.windowS,
  });
  await sources.start();
  const search = new EventSearch({
    page: (f, limit, after) => repo.page(f, limit, after),
    camera: (id) => directory.lookup(id),
    predicate: (p) => access.predicate(p),
    departments: (p) => access.departments(p),
  });
  const mqtt = new MqttSources(sources, ingest, log, { reconnectMs: c.mqtt.reconnectMs });
  await mqtt.start();
  closers.add(() => mqtt.close());
  const onvif = new OnvifSources(
    sources,
    ingest,
    async () =>
      (await repos.cameras.all())
        .filter((cam) => cam.source === 'onvif' && cam.xaddr)
        .map((cam) => ({
          id: cam.id,
          departmentId: cam.departmentId,
          xaddr: cam.xaddr!,
          credentials: auth.box.openCredentials(cam.credentialsEnc),
          events: Boolean(cam.capabilities.events),
        })),
    (rec, cameraId) => {
      const cam = directory.lookup(cameraId);
      return cam !== undefined && access.can(sourcePrincipal(rec), 'post-event', cam);
    },
    c.onvif,
    log,
  );
  await onvif.start();
  closers.add(() => onvif.close());
  return { repo, writer, ingest, search, sources, mqtt, onvif, keeper };
}
