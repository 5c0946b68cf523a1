// The ordered list of migrations, handed to knex as an in-memory migration source.
import type { Knex } from 'knex';
import * as m001 from './001-schema';
import * as m002 from './002-recordings';
import * as m003 from './003-events';
import * as m004 from './004-share-grants';
import * as m005 from './005-exports';
import * as m006 from './006-alarms';
import * as m007 from './007-recording-event-index';
import * as m008 from './008-wall';
import * as m009 from './009-ptz';
import * as m010 from './010-wall-tours';
import * as m011 from './011-alarms-open-index';
import * as m012 from './012-wall-alarm-display';
import * as m013 from './013-embed';
import * as m014 from './014-cluster';
import * as m015 from './015-gb28181-cameras';
import * as m016 from './016-cascade';
import * as m017 from './017-realtime-attachments';
import * as m018 from './018-pull-pins';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const MIGRATIONS: Array<[string, Migration]> = [
  ['001-schema', m001],
  ['002-recordings', m002],
  ['003-events', m003],
  ['004-share-grants', m004],
  ['005-exports', m005],
  ['006-alarms', m006],
  ['007-recording-event-index', m007],
  ['008-wall', m008],
  ['009-ptz', m009],
  ['010-wall-tours', m010],
  ['011-alarms-open-index', m011],
  ['012-wall-alarm-display', m012],
  ['013-embed', m013],
  ['014-cluster', m014],
  ['015-gb28181-cameras', m015],
  ['016-cascade', m016],
  ['017-realtime-attachments', m017],
  ['018-pull-pins', m018],
];

/** Names of every migration this gateway knows, in order (what a database must have applied to be current). */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map(([name]) => name);

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`db: unknown migration ${name}`);
    return found[1];
  },
};
