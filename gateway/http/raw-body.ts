// A request body read as bytes without express (the routes ApiRouter.dispatch answers), and its media type.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';

/** Reads the whole body as bytes, refusing more than `limit` (413) as body-parser does; undefined when there is none. */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve(undefined);
  if (declared !== undefined && Number(declared) > limit)
    return Promise.reject(new HttpError(413, 'request body is too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const onData = (c: Buffer): void => {
      n += c.length;
      if (n > limit) {
        req.off('data', onData);
        reject(new HttpError(413, 'request body is too large'));
      } else chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, n)));
    req.once('error', reject);
  });
}

/** The media type of a Content-Type header, lower case, without parameters ("" when none). */
export const mediaTypeOf = (h: string): string => {
  const semi = h.indexOf(';');
  return (semi < 0 ? h : h.slice(0, semi)).trim().toLowerCase();
};
