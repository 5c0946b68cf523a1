// alarm_to_operator_p99_ms: a signed webhook alarm POST → the alarm, with its chosen cameras, received by an operator's socket.io client.
import { io } from 'socket.io-client';
import { signWebhook, WEBHOOK_HEADERS } from '../gateway/events/webhook-signature';

export interface AlarmWorld {
  base: string;
  /** An operator of the rule's department. */
  operatorToken: string;
  webhook: { id: number; secret: string };
  /** Where the alarms happen (cameras registered around it). */
  at: { lng: number; lat: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function p(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((q / 100) * s.length) - 1)]!;
}

/** `count` alarms, one every `gapMs` (an alarm centre's burst, not a flood), each timed from its POST. */
export async function benchAlarmLatency(
  w: AlarmWorld,
  o: { count: number; gapMs: number },
  log: (l: string) => void,
): Promise<void> {
  const socket = io(w.base, {
    path: '/socket.io',
    auth: { token: w.operatorToken },
    transports: ['websocket'],
    reconnection: false,
  });
  await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
  const sent = new Map<string, number>();
  const took: number[] = [];
  let cameras = 0;
  let waiting: (() => void) | null = null;
  socket.on('alarm:notify', (m: { reason: string; event: { data: { zone?: string } }; cameras: unknown[] }) => {
    const t0 = sent.get(m.event.data.zone ?? '');
    if (m.reason !== 'raised' || t0 === undefined) return;
    took.push(performance.now() - t0);
    cameras += m.cameras.length;
    if (took.length === o.count) waiting?.();
  });
  const run = `${process.pid}-${Date.now()}`;
  try {
    for (let k = 0; k < o.count; k++) {
      const zone = `z${run}-${k}`;
      const body = JSON.stringify({
        id: `alarm-${zone}`,
        kind: 'alarm',
        location: { position: w.at },
        alarm: { alarmType: 'button', zone, severity: 4 },
      });
      const ts = Math.floor(Date.now() / 1000);
      sent.set(zone, performance.now());
      const r = await fetch(`${w.base}/api/v1/events/webhook/${w.webhook.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WEBHOOK_HEADERS.timestamp]: String(ts),
          [WEBHOOK_HEADERS.signature]: signWebhook(w.webhook.secret, ts, body),
        },
        body,
      });
      if (!r.ok) throw new Error(`bench events: alarm POST answered ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
      await sleep(o.gapMs);
    }
    if (took.length < o.count) await Promise.race([new Promise<void>((r) => (waiting = r)), sleep(10_000)]);
    if (took.length < o.count)
      throw new Error(`bench events: ${took.length} of ${o.count} alarms reached the operator`);
    log(
      `# alarms: ${o.count}, ${(cameras / o.count).toFixed(1)} cameras each; p50 ${p(took, 50).toFixed(1)} ms, ` +
        `p95 ${p(took, 95).toFixed(1)} ms, max ${Math.max(...took).toFixed(1)} ms`,
    );
    if (cameras === 0) throw new Error('bench events: the alarms came without cameras');
    log(`bench alarm_to_operator_p99_ms ${p(took, 99).toFixed(1)} ms`);
  } finally {
    socket.close();
  }
}
