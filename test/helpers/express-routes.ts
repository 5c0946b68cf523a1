// Lists every route an express app really serves, by walking its router stacks (Express 5 layers).

interface Layer {
  rawPath?: string;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

export function expressRoutes(app: { router: { stack: Layer[] } }): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  const walk = (stack: Layer[], prefix: string): void => {
    for (const l of stack) {
      if (l.route) {
        for (const p of Array.isArray(l.route.path) ? l.route.path : [l.route.path])
          for (const m of Object.keys(l.route.methods)) if (m !== '_all') out.push({ method: m, path: prefix + p });
      } else if (l.handle?.stack) walk(l.handle.stack, prefix + (l.rawPath && l.rawPath !== '/' ? l.rawPath : ''));
    }
  };
  walk(app.router.stack, '');
  return out;
}
