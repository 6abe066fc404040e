import type { z } from 'zod';
import type { API_ROUTES, ApiRouteName } from './routes';

/*
 * The types of each route's request and answer, read from its schemas in API_ROUTES, so that a
 * client never picks them by hand. Types only: importing them (`import type`) brings no zod into a
 * bundle.
 */

type Routes = typeof API_ROUTES;

/** What the route answers with (the JSON of a 2xx answer), as its response schema outputs it. */
export type RouteResponse<N extends ApiRouteName> = z.output<Routes[N]['response']>;

/**
 * The JSON body the route takes, as its schema accepts it (fields with a default may be left out;
 * the server trims and fills them in); `undefined` for a route without a body.
 */
export type RouteBody<N extends ApiRouteName> = Routes[N] extends { body: infer S extends z.ZodType } ? z.input<S> : undefined;

/**
 * The query-string entries the route takes; `undefined` for a route without a query. A query
 * travels as text and the schema coerces it, so z.input would say `unknown` for a number: the
 * entries are named and optional as the schema accepts them, and typed as the values it yields.
 */
export type RouteQuery<N extends ApiRouteName> = Routes[N] extends { query: infer S extends z.ZodType }
  ? { [K in keyof z.input<S>]: K extends keyof z.output<S> ? z.output<S>[K] : never }
  : undefined;

/** The `:name` parameters of a path such as `/staff/orders/:id/refund`, as a union of names. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The values of the route's path parameters; `undefined` for a path without any. */
export type RouteParams<N extends ApiRouteName> = [PathParamNames<Routes[N]['path']>] extends [never]
  ? undefined
  : Record<PathParamNames<Routes[N]['path']>, string>;
