// The router's own tables of JSON GET and raw-body POST routes, matched on node's request ahead of express.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A GET route in the dispatch table, in registration order; `run` null = served by express only. */
export interface DispatchRoute {
  segments: Array<{ literal: string } | { param: string }>;
  /** The route's pattern below the API's mount ("/api/v1/cameras/:id"): the label of its HTTP metrics. */
  pattern: string;
  run:
    | ((
        req: IncomingMessage,
        res: ServerResponse,
        params: Record<string, string>,
        query: Record<string, unknown>,
      ) => Promise<void>)
    | null;
}

/** Route parameters when `parts` match `segments`; null when not; 'malformed' for bad percent-encoding. */
export function matchSegments(
  segments: DispatchRoute['segments'],
  parts: string[],
): Record<string, string> | null | 'malformed' {
  let params: Record<string, string> | null = null;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!,
      part = parts[i]!;
    if ('literal' in seg) {
      if (seg.literal !== part) return null;
    } else {
      if (part === '') return null;
      try {
        (params ??= {})[seg.param] = decodeURIComponent(part);
      } catch {
        return 'malformed';
      }
    }
  }
  return params ?? {};
}

/** Appends a route to `table` under its path's segment count, after those registered before it. */
export function addDispatchRoute(
  table: Map<number, DispatchRoute[]>,
  path: string,
  pattern: string,
  run: DispatchRoute['run'],
): void {
  const segments = path.split('/').map((seg) => {
    const m = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
    return m ? { param: m[1]! } : { literal: seg };
  });
  const list = table.get(segments.length) ?? [];
  list.push({ segments, pattern, run });
  table.set(segments.length, list);
}
