// The HTTP status of every error class the code can throw (found by scanning the source), through the one mapping function.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../../config/load';
import { DatabaseProbeError } from '../../gateway/db/db-probe';
import { SecretError } from '../../gateway/auth/secrets';
import { TokenError } from '../../gateway/auth/tokens';
import { EmbedTokenError } from '../../gateway/auth/embed-tokens';
import { CsvError } from '../../gateway/cameras/csv';
import { ClusterWorkerLostError } from '../../gateway/spatial/map-clusters';
import { HelpRequested, UsageError } from '../../gateway/cli/args';
import { EmbeddedPostgresError } from '../../gateway/db/embedded';
import { PostmasterError } from '../../gateway/db/postmaster';
import { NodeNameInUseError, StreamElsewhereError } from '../../gateway/cluster/errors';
import { UpstreamRefusal } from '../../gateway/gb28181/upstream';
import {
  AddressPolicyError,
  AuthenticationError,
  ConflictError,
  DeviceError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  UnavailableError,
  ValidationError,
} from '../../gateway/errors';
import { HttpError, PROTO_KEY, toProblem } from '../../gateway/http/errors';
import {
  OnvifAuthError,
  OnvifError,
  OnvifFaultError,
  OnvifHttpError,
  OnvifResponseError,
  OnvifTargetError,
  OnvifTimeoutError,
  OnvifTooLargeError,
  OnvifUriError,
  OnvifXmlError,
} from '../../gateway/onvif/errors';
import { MbtilesError } from '../../gateway/map/mbtiles-file';
import { WebhookAuthError } from '../../gateway/events/errors';
import { AlarmStateError } from '../../gateway/alarms/errors';
import { PtzControlError } from '../../gateway/ptz/errors';
import { SnapshotError, SnapshotUnavailableError } from '../../gateway/streams/snapshot-service';
import { GisInputError } from '../../gis/errors';
import {
  GbDeviceError,
  GbError,
  GbMediaError,
  ManscdpError,
  PtzCmdError,
  SipParseError,
  SipStatusError,
  SipTimeoutError,
  SipTooLargeError,
} from '../../gateway/gb28181/errors';
import { ChannelRefused } from '../../gateway/gb-platform/channel-camera';
import { CascadeRefused, CascadeRemoteError, CascadeUnavailable } from '../../gateway/cascade/errors';
import {
  Fmp4Error,
  RtspError,
  TranscoderCapacityError,
  TranscoderError,
  TranscoderGrabError,
  TranscoderInputError,
  TranscoderStartError,
  TranscoderStateError,
} from '../../transcoder/errors';
import { nameStringMatches, scanErrorClasses, errorClassesIn } from '../helpers/error-classes';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The server's code: what can end in an HTTP answer (web/ runs in the browser, scripts/ in the CLI's tools). */
const PRODUCT = ['config', 'gis', 'transcoder', 'gateway'];

interface Row {
  make: () => unknown;
  status: number;
  /** Headers the answer must carry, with a pattern for the value. */
  headers?: Record<string, RegExp>;
  /** What the problem's detail must say. */
  detail?: RegExp;
  /** Field paths the problem must list. */
  paths?: string[];
}

// Written out by hand, one row per class: a new error class fails the scan below until it has its row here.
const BY_CLASS: Record<string, Row> = {
  // the gateway's domain errors
  ValidationError: {
    make: () => new ValidationError('camera: bad', [{ path: 'body.lng', message: 'out of range' }]),
    status: 400,
    paths: ['body.lng'],
  },
  AuthenticationError: {
    make: () => new AuthenticationError('auth: no'),
    status: 401,
    headers: { 'WWW-Authenticate': /^Bearer realm=/ },
  },
  WebhookAuthError: {
    make: () => new WebhookAuthError('events: signature does not match the body'),
    status: 401,
  },
  TokenError: {
    make: () => new TokenError('auth: token expired', 'expired'),
    status: 401,
    headers: { 'WWW-Authenticate': /^Bearer/ },
    detail: /expired/,
  },
  EmbedTokenError: {
    make: () => new EmbedTokenError('embed: the token has expired', 'expired'),
    status: 401,
    headers: { 'WWW-Authenticate': /^Bearer/ },
    detail: /expired/,
  },
  ForbiddenError: { make: () => new ForbiddenError('auth: may not'), status: 403 },
  AddressPolicyError: {
    make: () => new AddressPolicyError('camera 4: mainUri 127.0.0.1:5432 is the database port', 'mainUri'),
    status: 403,
    detail: /5432/,
  },
  NotFoundError: { make: () => new NotFoundError('camera 9 not found'), status: 404, detail: /camera 9/ },
  ConflictError: { make: () => new ConflictError('discovery: busy'), status: 409 },
  PtzControlError: {
    make: () => new PtzControlError('7', { name: 'op', priority: 200 }, '2026-01-01T00:00:00.000Z'),
    status: 409,
  },
  AlarmStateError: {
    make: () => new AlarmStateError('7', 'handle', 'new', 'may not handle an alarm that is new'),
    status: 409,
    detail: /alarm 7: may not handle an alarm that is new/,
  },
  RateLimitError: {
    make: () => new RateLimitError('auth: slow down', 2.2),
    status: 429,
    headers: { 'Retry-After': /^3$/ },
  },
  UnavailableError: { make: () => new UnavailableError('busy', 7), status: 503, headers: { 'Retry-After': /^7$/ } },
  CsvError: { make: () => new CsvError('csv: line 4: unterminated quoted field', 4), status: 400, paths: ['line 4'] },
  HttpError: { make: () => new HttpError(415, 'content type must be text/csv'), status: 415 },
  ClusterWorkerLostError: {
    make: () => new ClusterWorkerLostError('map clusters: worker gone'),
    status: 503,
    headers: { 'Retry-After': /^1$/ },
  },
  DeviceError: {
    make: () =>
      new DeviceError('ptz of camera 3: device http://10.1.1.1/onvif answered badly: DOCTYPE', 'http://10.1.1.1/onvif'),
    status: 502,
    detail: /DOCTYPE/,
  },
  SnapshotError: {
    make: () => new SnapshotError('snapshot: camera answered HTTP 500'),
    status: 502,
    detail: /HTTP 500/,
  },
  SnapshotUnavailableError: {
    make: () => new SnapshotUnavailableError('snapshot: camera 7 gave no picture', 4.2),
    status: 503,
    headers: { 'Retry-After': /^5$/ },
    detail: /camera 7 gave no picture/,
  },
  // the libraries' errors
  GisInputError: {
    make: () => new GisInputError('radiusM', 'must be finite', Infinity),
    status: 400,
    paths: ['radiusM'],
  },
  TranscoderInputError: { make: () => new TranscoderInputError('transcoder: url must be rtsp'), status: 400 },
  TranscoderCapacityError: {
    make: () => new TranscoderCapacityError('transcoder: worker limit 2 reached', 12),
    status: 503,
    headers: { 'Retry-After': /^12$/ },
  },
  TranscoderStartError: {
    make: () => new TranscoderStartError('transcoder: ffmpeg exited', '7.main'),
    status: 503,
    headers: { 'Retry-After': /^5$/ },
    detail: /7\.main did not deliver video/,
  },
  TranscoderStateError: {
    make: () => new TranscoderStateError('transcoder: supervisor is closed'),
    status: 503,
    headers: { 'Retry-After': /^5$/ },
  },
  TranscoderGrabError: {
    make: () => new TranscoderGrabError('transcoder: frame grab of 7.main failed', '7.main', false),
    status: 503,
    headers: { 'Retry-After': /^5$/ },
    detail: /7\.main/,
  },
  Fmp4Error: {
    make: () => new Fmp4Error('transcoder: fmp4: box "moof" of 4294967295 bytes is above the limit'),
    status: 502,
    detail: /moof/,
  },
  RtspError: {
    make: () => new RtspError('transcoder: rtsp: DESCRIBE answered 404 Not Found'),
    status: 502,
    detail: /404 Not Found/,
  },
  // a base class nothing throws by itself
  TranscoderError: { make: () => new TranscoderError('transcoder: x'), status: 500 },
  OnvifUriError: { make: () => new OnvifUriError('file:///etc/passwd', 'scheme'), status: 400 },
  OnvifTargetError: { make: () => new OnvifTargetError('10.0.0.0/4', 'too large'), status: 400 },
  OnvifTimeoutError: {
    make: () => new OnvifTimeoutError('http://10.1.1.1/onvif', 3000),
    status: 503,
    headers: { 'Retry-After': /^10$/ },
  },
  OnvifAuthError: { make: () => new OnvifAuthError('http://10.1.1.1/onvif', 'HTTP 401'), status: 502 },
  OnvifFaultError: { make: () => new OnvifFaultError('Receiver', 'ActionNotSupported', 'no'), status: 502 },
  OnvifHttpError: {
    make: () => new OnvifHttpError('http://10.1.1.1/onvif', 500, 'Internal Server Error'),
    status: 502,
  },
  OnvifXmlError: { make: () => new OnvifXmlError('DOCTYPE', '<!DOCTYPE x>'), status: 502 },
  OnvifResponseError: { make: () => new OnvifResponseError('GetProfiles', 'no profile'), status: 502 },
  OnvifTooLargeError: { make: () => new OnvifTooLargeError('http://10.1.1.1/onvif', 1024), status: 502 },
  OnvifError: { make: () => new OnvifError('onvif: xaddr must be http(s)'), status: 502 },
  // GB/T 28181 (gateway/gb28181 and the channel sync)
  PtzCmdError: { make: () => new PtzCmdError('pan speed out of 0–255', 300), status: 400 },
  GbDeviceError: {
    make: () => new GbDeviceError('34020000001320000001', 'not registered'),
    status: 503,
    headers: { 'Retry-After': /^10$/ },
  },
  SipTimeoutError: {
    make: () => new SipTimeoutError('MESSAGE sip:34020000001320000001@3402000000', 32000),
    status: 503,
    headers: { 'Retry-After': /^10$/ },
  },
  SipStatusError: { make: () => new SipStatusError('INVITE of 34020000001310000001', 486, 'Busy Here'), status: 502 },
  SipParseError: { make: () => new SipParseError('no start line', 'garbage'), status: 502 },
  SipTooLargeError: { make: () => new SipTooLargeError('message', 70000, 65535), status: 502 },
  ManscdpError: { make: () => new ManscdpError('DOCTYPE', '<!DOCTYPE x>'), status: 502 },
  GbMediaError: { make: () => new GbMediaError('PES length past the packet', 9999), status: 502 },
  GbError: { make: () => new GbError('gb28181: device answered badly'), status: 502 },
  // a superior platform's INVITE refused (answered in SIP; a GbError if it ever reached HTTP)
  UpstreamRefusal: { make: () => new UpstreamRefusal(404, 'gb28181 upstream: channel 1 is not shared'), status: 502 },
  // a pull leased to another node (the HTTP layer forwards once; met again: try later)
  StreamElsewhereError: {
    make: () => new StreamElsewhereError('7.main', 'gw-2', 'http://10.0.0.2:8080'),
    status: 503,
    headers: { 'Retry-After': /^1$/ },
  },
  ChannelRefused: { make: () => new ChannelRefused('gb28181: channel 1: name has forbidden characters'), status: 502 },
  // cascade between platforms (gateway/cascade)
  CascadeRefused: { make: () => new CascadeRefused('cascade: camera 7: name has forbidden characters'), status: 502 },
  CascadeUnavailable: {
    make: () => new CascadeUnavailable('cascade: peer town-a is not linked'),
    status: 503,
    headers: { 'Retry-After': /^10$/ },
  },
  CascadeRemoteError: { make: () => new CascadeRemoteError('cascade: town-a: camera 7 not found', 404), status: 404 },
  // the command line and start-up only: they never reach HTTP, and would be internal errors there
  ConfigError: { make: () => new ConfigError('config: server.port must be a number'), status: 500 },
  UsageError: { make: () => new UsageError('cloudeye: unknown flag'), status: 500 },
  HelpRequested: { make: () => new HelpRequested('usage: cloudeye demo [--port N]'), status: 500 },
  PostmasterError: { make: () => new PostmasterError('embedded PostgreSQL did not start within 60 s'), status: 500 },
  EmbeddedPostgresError: { make: () => new EmbeddedPostgresError('embedded: no'), status: 500 },
  // refuses a node's start (cloudeye serve), never an HTTP request
  NodeNameInUseError: { make: () => new NodeNameInUseError('node-a', 'http://10.0.0.5:8080', 400), status: 500 },
  SecretError: { make: () => new SecretError('secrets: sealed value failed authentication'), status: 500 },
  MbtilesError: { make: () => new MbtilesError('map.baseLayers.0.path: /srv/x.mbtiles is not SQLite'), status: 500 },
  // caught by the readiness check, which answers its own 503 report: never thrown to HTTP
  DatabaseProbeError: { make: () => new DatabaseProbeError('database: no answer within 2000 ms'), status: 500 },
  // JavaScript's own: programming errors, opaque
  Error: { make: () => new Error('map clusters are closed'), status: 500 },
  // thrown only inside body-parser's JSON.parse, which reports it as entity.parse.failed (below)
  SyntaxError: { make: () => new SyntaxError(PROTO_KEY), status: 500 },
};

// Thrown by libraries the gateway calls, told apart by class or by the fields they document.
const FOREIGN: Record<string, Row> = {
  'URIError of express decoding a path': { make: () => new URIError('URI malformed'), status: 400 },
  ZodError: { make: () => z.object({ a: z.number() }).safeParse({ a: 'x' }).error, status: 400, paths: ['a'] },
  'body-parser entity.parse.failed': {
    make: () => Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed' }),
    status: 400,
    detail: /malformed JSON/,
  },
  'body-parser "__proto__" key': {
    make: () => Object.assign(new SyntaxError(PROTO_KEY), { type: 'entity.parse.failed' }),
    status: 400,
    detail: /__proto__/,
  },
  'body-parser entity.too.large': {
    make: () => Object.assign(new Error('too large'), { type: 'entity.too.large' }),
    status: 413,
  },
  'body-parser encoding.unsupported': {
    make: () => Object.assign(new Error('unsupported content encoding "br"'), { type: 'encoding.unsupported' }),
    status: 415,
  },
  'zlib Z_DATA_ERROR': {
    make: () => Object.assign(new Error('incorrect header check'), { errno: -3, code: 'Z_DATA_ERROR' }),
    status: 400,
  },
  'pg unique_violation 23505': {
    make: () => Object.assign(new Error('dup'), { code: '23505', constraint: 'users_username_unique' }),
    status: 409,
    detail: /users_username_unique/,
  },
  'pg foreign_key_violation 23503': { make: () => Object.assign(new Error('fk'), { code: '23503' }), status: 409 },
  'pg check_violation 23514': { make: () => Object.assign(new Error('check'), { code: '23514' }), status: 400 },
  'pg invalid_text_representation 22P02': {
    make: () => Object.assign(new Error('bad'), { code: '22P02' }),
    status: 400,
  },
  'pg character_not_in_repertoire 22021': {
    make: () => Object.assign(new Error('nul'), { code: '22021' }),
    status: 400,
  },
  'a thrown non-error': { make: () => 'boom', status: 500 },
  // a second case of a class: a device that did not answer at all may later
  'DeviceError of a device that did not answer': {
    make: () =>
      new DeviceError('registration: device http://10.1.1.1/onvif did not answer', 'http://10.1.1.1/onvif', false),
    status: 503,
    headers: { 'Retry-After': /^10$/ },
  },
  // a second case of a class: the device's connection refused (no HTTP status) is a device that does not answer
  'OnvifHttpError without an HTTP status': {
    make: () => new OnvifHttpError('http://10.1.1.1/onvif', undefined, 'ECONNREFUSED'),
    status: 503,
    headers: { 'Retry-After': /^10$/ },
  },
};

function check(name: string, row: Row): void {
  const err = row.make();
  if (name in BY_CLASS) assert.equal((err as Error).constructor.name, name, 'the row builds an instance of its class');
  const { problem, headers } = toProblem(err);
  assert.equal(problem.status, row.status, `${name}: ${JSON.stringify(problem)}`);
  assert.equal(problem.type, `https://cloudeye.dev/problems/${row.status}`);
  assert.notEqual(problem.title, 'Error', 'every status has its title');
  for (const [h, want] of Object.entries(row.headers ?? {}))
    assert.match(headers[h] ?? '', want, `${name}: header ${h}`);
  if (row.status === 503 || row.status === 429)
    assert.ok(headers['Retry-After'], `${name}: a ${row.status} says when to retry`);
  if (row.detail) assert.match(problem.detail ?? '', row.detail);
  if (row.paths)
    assert.deepEqual(
      problem.errors?.map((e) => e.path),
      row.paths,
    );
  // internal errors stay opaque: no message, no stack
  if (row.status === 500) assert.equal(problem.detail, 'internal error');
}

describe('error mapping: every error class to its HTTP status, in http/errors.ts', () => {
  const found = scanErrorClasses(ROOT, PRODUCT);

  it('the scan finds the error classes of every module', () => {
    const names = found.map((c) => c.name);
    for (const n of [
      'GisInputError',
      'TranscoderStartError',
      'OnvifUriError',
      'SnapshotError',
      'ValidationError',
      'Error',
    ])
      assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
  });

  it('every error class the code declares or throws has its row in the table', () => {
    const missing = found.filter((c) => !(c.name in BY_CLASS)).map((c) => `${c.name} (${c.where})`);
    assert.deepEqual(missing, [], 'add each to BY_CLASS with the status http/errors.ts gives it');
    const stale = Object.keys(BY_CLASS).filter((n) => !found.some((c) => c.name === n));
    assert.deepEqual(stale, [], 'rows for classes the code no longer has');
  });

  for (const [name, row] of Object.entries(BY_CLASS)) it(`${name} → ${row.status}`, () => check(name, row));
  for (const [name, row] of Object.entries(FOREIGN)) it(`${name} → ${row.status}`, () => check(name, row));

  it('no code recognises an error by its name string', () => {
    assert.deepEqual(nameStringMatches(ROOT, PRODUCT), []);
  });

  it('the scanner follows subclasses of subclasses and built-ins constructed directly', () => {
    const got = errorClassesIn([
      {
        file: 'a.ts',
        text: [
          'export class A extends Error {}',
          'class B extends A {}',
          'class C extends Map {}',
          '// class D extends Error {}',
          'throw new RangeError("x"); new Date();',
        ].join('\n'),
      },
      { file: 'b.ts', text: 'export class E extends B {}' },
    ]).map((c) => c.name);
    assert.deepEqual(got, ['A', 'B', 'E', 'RangeError']);
  });
});
