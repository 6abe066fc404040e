import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { API_ROUTES, type ApiRoute, type ApiRouteName } from '@wemember/shared';
import { routeNameOf } from '../../server/src/access/route.decorator';
import { TestStack } from '../support/stack';

interface ServedRoute {
  handler: string;
  method: string;
  path: string;
  name: ApiRouteName | undefined;
}

/**
 * One route contract: every handler Nest serves is bound to its API_ROUTES entry (same method, same
 * path), every entry is served by exactly one handler, and the OpenAPI document lists them all.
 */
describe('route contract: the Nest routes are exactly API_ROUTES', () => {
  let stack: TestStack;
  let served: ServedRoute[];

  beforeAll(async () => {
    stack = await TestStack.start();
    served = [];
    const scanner = new MetadataScanner();
    for (const module of stack.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const instance = wrapper.instance as Record<string, unknown> | undefined;
        if (!instance) continue;
        const prototype = Object.getPrototypeOf(instance) as Record<string, (...args: unknown[]) => unknown>;
        const prefix = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype as object) ?? '');
        for (const method of scanner.getAllMethodNames(prototype)) {
          const handler = prototype[method];
          const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
          if (path === undefined) continue;
          const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
          const full = ('/' + [prefix, path].map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')).replace(/\/$/, '') || '/';
          served.push({ handler: `${wrapper.name}.${method}`, method: verb, path: full, name: routeNameOf(handler) });
        }
      }
    }
  });
  afterAll(() => stack?.close());

  it('every handler is bound to an API_ROUTES entry with the same method and path', () => {
    expect(served.length).toBeGreaterThan(10);
    const unbound = served.filter((r) => !r.name).map((r) => `${r.handler} ${r.method} ${r.path}`);
    expect(unbound).toEqual([]);
    const drift = served
      .filter((r) => r.name && (API_ROUTES[r.name].method !== r.method || API_ROUTES[r.name].path !== r.path))
      .map((r) => `${r.handler}: serves ${r.method} ${r.path}, API_ROUTES.${r.name} says ${API_ROUTES[r.name!].method} ${API_ROUTES[r.name!].path}`);
    expect(drift).toEqual([]);
  });

  it('every API_ROUTES entry is served by exactly one handler, and answers over HTTP', async () => {
    const count = new Map<string, number>();
    for (const r of served) if (r.name) count.set(r.name, (count.get(r.name) ?? 0) + 1);
    const notServedOnce = (Object.keys(API_ROUTES) as ApiRouteName[]).filter((name) => count.get(name) !== 1).map((name) => `${name}: ${count.get(name) ?? 0}`);
    expect(notServedOnce).toEqual([]);
    for (const [name, route] of Object.entries(API_ROUTES) as [ApiRouteName, ApiRoute][]) {
      const path = route.path.replace(/:(\w+)/g, 'x');
      const result = await stack.api(route.method, path, route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} });
      expect({ name, code: result.body?.code }).not.toEqual({ name, code: 'ROUTE_NOT_FOUND' });
    }
  });

  it('the OpenAPI document lists every route with its method', async () => {
    const doc = await stack.api('GET', '/docs/openapi.json');
    expect(doc.status).toBe(200);
    for (const route of Object.values(API_ROUTES) as ApiRoute[]) {
      const path = '/api' + route.path.replace(/:(\w+)/g, '{$1}');
      expect({ path, method: route.method, listed: !!doc.body.paths[path]?.[route.method.toLowerCase()] }).toEqual({ path, method: route.method, listed: true });
    }
  });

  it('an unknown path is a 404 in the API error shape', async () => {
    const result = await stack.api('GET', '/no/such/route');
    expect(result.status).toBe(404);
    expect(result.body.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('a wrong method on a path the API serves', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(() => stack?.close());

  it('is a 405 that says which methods the path has', async () => {
    const result = await stack.api('DELETE', '/member/card');
    expect(result.status).toBe(405);
    expect(result.body).toMatchObject({ statusCode: 405, code: 'METHOD_NOT_ALLOWED' });
    expect(result.headers.get('allow')).toBe('GET');
    const settings = await stack.api('POST', '/staff/settings/loyalty', { body: {} });
    expect(settings.status).toBe(405);
    expect(settings.headers.get('allow')).toBe('GET, PUT');
  });
});
