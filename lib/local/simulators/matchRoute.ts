import type { SimRoute } from './SimulatorServer.ts';

/** Finds the route for `method` + `path`; `pathMatched` with `allowed` methods when only the method differs. */
export function matchRoute(
  routes: SimRoute[],
  method: string,
  path: string,
): { route?: SimRoute; params: Record<string, string>; pathMatched: boolean; allowed: string[] } {
  const segments = splitPath(path);
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchTemplate(splitPath(route.route), segments);
    if (!params) continue;
    if (route.method === method) return { route, params, pathMatched: true, allowed };
    allowed.push(route.method);
  }
  return { params: {}, pathMatched: allowed.length > 0, allowed };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function matchTemplate(template: string[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const segment = segments[i]!;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}
