// A test-only HTTP server (node:http) for one HlsPackager: playlist with blocking reload, files, a page with the repository's hls.js.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { TranscoderInputError } from '../../transcoder/errors';
import type { HlsPackager } from '../../transcoder/hls/hls-packager';
import { parseHlsQuery } from '../../transcoder/hls/request';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>hls test</title></head>
<body style="margin:0;background:#000"><video muted playsinline style="width:640px;height:360px"></video>
<script src="/hls.min.js"></script></body></html>`;

export interface HlsTestServer {
  /** Base URL, e.g. http://127.0.0.1:12345; the playlist is at /live/index.m3u8. */
  url: string;
  /** Playlist requests answered so far, by status. */
  playlistStatuses: number[];
  close(): Promise<void>;
}

/**
 * Serves `pk` under /live/ the way the gateway's HLS route does: `index.m3u8` with _HLS_msn/_HLS_part
 * passed to playlist() (aborted when the client goes away; bad directives → 400; nothing yet → 404),
 * other names through fileWhenReady() (null → 404). `/` is a page with a muted <video>, `/hls.min.js` the
 * repository's hls.js.
 */
export async function serveHls(pk: HlsPackager): Promise<HlsTestServer> {
  const hlsJs = readFileSync(path.resolve('node_modules/hls.js/dist/hls.min.js'));
  const playlistStatuses: number[] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, {
        'content-type': type,
        'cache-control': 'no-cache',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain', 'GET only');
    if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', PAGE);
    if (url.pathname === '/hls.min.js') return send(200, 'text/javascript', hlsJs);
    if (url.pathname === '/live/index.m3u8') {
      let directives;
      try {
        // Repeated keys become arrays, as in express's req.query.
        const query: Record<string, string | string[]> = {};
        for (const [k, v] of url.searchParams) query[k] = k in query ? [query[k]!, v].flat() : v;
        directives = parseHlsQuery(query);
      } catch (err) {
        playlistStatuses.push(400);
        return send(400, 'text/plain', (err as Error).message);
      }
      pk.playlist({ ...directives, signal: ac.signal }).then(
        (text) => {
          playlistStatuses.push(text === null ? 404 : 200);
          if (text === null) send(404, 'text/plain', 'no playlist yet');
          else send(200, 'application/vnd.apple.mpegurl', text);
        },
        (err: Error) => {
          if (ac.signal.aborted) return;
          const status = err instanceof TranscoderInputError ? 400 : 500;
          playlistStatuses.push(status);
          send(status, 'text/plain', err.message);
        },
      );
      return;
    }
    if (url.pathname.startsWith('/live/')) {
      const data = await pk.fileWhenReady(url.pathname.slice('/live/'.length), { signal: ac.signal }).catch(() => null);
      if (ac.signal.aborted) return;
      return data ? send(200, 'video/mp4', data) : send(404, 'text/plain', 'not found');
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    playlistStatuses,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
