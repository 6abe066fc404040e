import { applyDecorators, createParamDecorator, ExecutionContext, Header, HttpCode, RequestMapping, RequestMethod, SetMetadata } from '@nestjs/common';
import { API_ROUTES, toFieldIssues, type ApiRoute, type ApiRouteName } from '@wemember/shared';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { DomainError } from '../common/domain-error';

const ROUTE_NAME = 'wemember:route';

/**
 * Binds a controller method to its entry in API_ROUTES: the method and path, the status of a POST,
 * the content type, and — through the AccessGuard, which reads the entry — who may call it. A
 * handler without @Route is refused by the guard and fails the route-contract test.
 */
export function Route(name: ApiRouteName): MethodDecorator {
  const route: ApiRoute = API_ROUTES[name];
  const decorators: MethodDecorator[] = [SetMetadata(ROUTE_NAME, name), RequestMapping({ path: route.path, method: RequestMethod[route.method] })];
  if (route.method === 'POST' && !route.creates) decorators.push(HttpCode(200));
  if (route.produces) decorators.push(Header('Content-Type', route.produces));
  return applyDecorators(...decorators);
}

/** The API_ROUTES name a handler serves, if it was bound with @Route. */
export function routeNameOf(handler: object): ApiRouteName | undefined {
  return Reflect.getMetadata(ROUTE_NAME, handler) as ApiRouteName | undefined;
}

function validate(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) throw new Error(`route has no ${part} schema`);
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error);
  // `message` is for people (the app shows it); `issues` names the fields.
  throw new DomainError('VALIDATION_FAILED', [...new Set(issues.map((i) => i.message))].join('；'), issues);
}

function routeOf(context: ExecutionContext): ApiRoute {
  const name = routeNameOf(context.getHandler());
  if (!name) throw new Error(`${context.getClass().name}.${context.getHandler().name} has no @Route`);
  return API_ROUTES[name];
}

/** The request body, validated by the route's shared schema; a failure names every field and reason. */
export const ValidBody = createParamDecorator((_: unknown, context: ExecutionContext) =>
  validate(routeOf(context).body, context.switchToHttp().getRequest<FastifyRequest>().body, 'body'),
);

/** The query string, validated by the route's shared schema. */
export const ValidQuery = createParamDecorator((_: unknown, context: ExecutionContext) =>
  validate(routeOf(context).query, context.switchToHttp().getRequest<FastifyRequest>().query, 'query'),
);
