import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_ROUTES } from '@wemember/shared';

/** Where the OpenAPI JSON is served (the apiDocs route, below the /api prefix). */
export const OPENAPI_JSON_PATH = `/api${API_ROUTES.apiDocs.path}`;

/** Swagger UI's own files, served from the installed swagger-ui-dist: no CDN, so it works offline. */
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wemember 接口文档</title>
<link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/init.js"></script>
</body>
</html>
`;

/* The initialiser is a file of its own, not an inline script, so the CSP needs no exception. */
const INIT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_JSON_PATH)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: false,
  persistAuthorization: false,
});
`;

/**
 * A browsable API reference at /api/docs: Swagger UI over the OpenAPI document, which stays at its
 * own stable path for tools. Served straight by Fastify (a page and its files, not API routes), and
 * only where the document itself is (API_DOCS).
 */
export function registerDocsUi(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const dist = join(require.resolve('swagger-ui-dist/package.json'), '..');
  const files = new Map<string, Buffer>();
  const load = (name: keyof typeof ASSETS): Buffer => {
    let file = files.get(name);
    if (!file) files.set(name, (file = readFileSync(join(dist, name))));
    return file;
  };

  fastify.get('/api/docs', (_request, reply) => {
    void reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(PAGE);
  });
  fastify.get('/api/docs/assets/init.js', (_request, reply) => {
    void reply.type('application/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(INIT);
  });
  fastify.get<{ Params: { file: string } }>('/api/docs/assets/:file', (request, reply) => {
    const name = request.params.file;
    if (!Object.prototype.hasOwnProperty.call(ASSETS, name)) {
      void reply.code(404).send({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: '接口不存在' });
      return;
    }
    const asset = name as keyof typeof ASSETS;
    void reply.type(ASSETS[asset]).header('Cache-Control', 'public, max-age=86400').send(load(asset));
  });
}
