// Free TCP ports for tests that must name a port up front (an embedded PostgreSQL, a range of simulated cameras).
import net from 'node:net';

// Below Linux's ephemeral range (32768–60999): a port verified free here cannot be taken a moment
// later by some process's outgoing connection, as a port picked inside that range can.
const LOW = 20000;
const HIGH = 32000;

const free = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** The first of `count` consecutive ports that are all free on 127.0.0.1 now, chosen at random below the ephemeral range. */
export async function freePortRange(count = 1): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = LOW + Math.floor(Math.random() * (HIGH - LOW - count));
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports between ${LOW} and ${HIGH}`);
}
