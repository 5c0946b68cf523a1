// Snapshot and frame-grab errors map to 502 / 503 + Retry-After with their reason, never to an opaque 500.
import assert from 'node:assert/strict';
import { toProblem } from '../../gateway/http/errors';
import { SnapshotError, SnapshotUnavailableError } from '../../gateway/streams/snapshot-service';
import { TranscoderGrabError } from '../../transcoder/index';

const CASES: Array<[string, Error, number, string | undefined]> = [
  ['SnapshotError (bad answer, refused URI)', new SnapshotError('snapshot: camera 7 did not send a JPEG'), 502, undefined],
  ['SnapshotUnavailableError (camera down, timeout)', new SnapshotUnavailableError('snapshot: camera 7 gave no picture', 4.2), 503, '5'],
  ['TranscoderGrabError escaping the snapshot service', new TranscoderGrabError('transcoder: frame grab of 7.main failed', '7.main', false), 503, '5'],
];

describe('http errors: snapshots', () => {
  for (const [name, err, status, retryAfter] of CASES) {
    it(`${name} → ${status}`, () => {
      const { problem, headers } = toProblem(err);
      assert.equal(problem.status, status);
      assert.equal(problem.detail, err.message);
      assert.equal(headers['Retry-After'], retryAfter);
    });
  }
});
