// Certificates for the cascade benchmark and tests, made with openssl: a CA, the upper platform's server certificate (127.0.0.1), a
// lower platform's client certificate (CN town-a), and a client certificate of another CA (refused).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CascadeCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Signed by another CA, CN town-a. */
  rogueCert: string;
  rogueKey: string;
}

function ssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

function issue(dir: string, name: string, cn: string, ca: string, ext: string): void {
  ssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  ]);
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  ssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

export function makeCascadeCerts(): CascadeCerts {
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-cascade-'));
  for (const ca of ['ca', 'rogue-ca'])
    ssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${ca}`,
    ]);
  issue(dir, 'server', '127.0.0.1', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue(dir, 'client', 'town-a', 'ca', 'extendedKeyUsage=clientAuth\n');
  issue(dir, 'rogue', 'town-a', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  const f = (n: string) => path.join(dir, n);
  return {
    dir,
    ca: f('ca.crt'),
    serverCert: f('server.crt'),
    serverKey: f('server.key'),
    clientCert: f('client.crt'),
    clientKey: f('client.key'),
    rogueCert: f('rogue.crt'),
    rogueKey: f('rogue.key'),
  };
}

/** A lower platform the upper one accepts: its name, token, department code and certificate CN. */
export interface CascadePeerConfig {
  name: string;
  token: string;
  department: string;
  commonName: string;
}

/** The upper platform's `cascade` config: its TLS port on 127.0.0.1 (any free port) and the peers it accepts. */
export function cascadeServerConfig(certs: CascadeCerts, peers: CascadePeerConfig[]): Record<string, unknown> {
  return {
    server: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      cert: certs.serverCert,
      key: certs.serverKey,
      ca: certs.ca,
      peers,
    },
  };
}

/** A lower platform's `cascade` config: linking up to port `port` as `name`, acting there as account `actAs`. */
export function cascadeUpstreamConfig(
  certs: CascadeCerts,
  o: { port: number; name: string; token: string; actAs: string },
): Record<string, unknown> {
  return {
    upstream: {
      enabled: true,
      url: `wss://127.0.0.1:${o.port}/cascade/v1/link`,
      name: o.name,
      token: o.token,
      cert: certs.clientCert,
      key: certs.clientKey,
      ca: certs.ca,
      actAs: o.actAs,
      retryMinMs: 100,
      retryMaxMs: 500,
      catalogIntervalS: 1,
    },
  };
}
