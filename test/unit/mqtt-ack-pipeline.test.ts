// QoS 1 acknowledgements: in arrival order, only once settled, reading bounded, nothing of a lost connection acknowledged.
import assert from 'node:assert/strict';
import { AckPipeline } from '../../gateway/events/mqtt-ack-pipeline';

describe('events: MQTT acknowledgement pipeline', () => {
  it('acknowledges in arrival order once each message and all before it are settled', () => {
    const sent: number[] = [];
    const p = new AckPipeline((id) => sent.push(id), 100);
    let reads = 0;
    const s = [1, 2, 3, 4].map((id) => p.add(id, () => reads++));
    assert.equal(reads, 4, 'later messages are read while earlier ones are stored');
    s[2]!();
    s[1]!();
    assert.deepEqual(sent, [], 'nothing before message 1 is settled');
    s[0]!();
    assert.deepEqual(sent, [1, 2, 3]);
    assert.equal(p.pending, 1);
    s[3]!();
    assert.deepEqual(sent, [1, 2, 3, 4]);
  });

  it('stops reading at the bound and reads on once acknowledgements go out', () => {
    const p = new AckPipeline(() => undefined, 2);
    let reads = 0;
    const a = p.add(1, () => reads++);
    p.add(2, () => reads++);
    assert.equal(reads, 1, 'the second message holds the reader (2 unacknowledged)');
    a();
    assert.equal(reads, 2);
  });

  it('after a lost connection, messages of it settle without an acknowledgement (the broker sends them again)', () => {
    const sent: number[] = [];
    const p = new AckPipeline((id) => sent.push(id), 10);
    const old = p.add(7, () => undefined);
    p.reset();
    const fresh = p.add(7, () => undefined);
    old();
    assert.deepEqual(sent, []);
    fresh();
    assert.deepEqual(sent, [7]);
  });
});
