// Counts the TCP connections this machine holds to a local port (the RTSP sessions a simulated camera serves).
import { readFileSync } from 'node:fs';

/**
 * ESTABLISHED connections whose remote end is 127.0.0.1/::1 port `port`, from /proc/net/tcp and tcp6:
 * the client side of each connection, so each session counts once even though both ends are local.
 */
export function establishedTo(port: number): number {
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const remote = f[2];
      // st 01 = TCP_ESTABLISHED; addresses are HEX_IP:HEX_PORT
      if (f[3] === '01' && remote && parseInt(remote.split(':')[1] ?? '', 16) === port) n++;
    }
  }
  return n;
}
