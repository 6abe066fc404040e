import { API_ROUTES, apiErrorSchema, STAFF_ROLE_NAMES, type ApiRoute } from '@wemember/shared';
import { z } from 'zod';

const SECURITY: Record<ApiRoute['auth'], Record<string, string[]>[]> = {
  public: [],
  wechat: [{ memberToken: [] }],
  member: [{ memberToken: [] }],
  staff: [{ staffToken: [] }],
  till: [{ staffToken: [] }, { posApiKey: [] }],
};

/** The reference groups routes by who calls them. */
const TAGS = [
  { name: '会员端', description: '小程序里的会员：登录入会、会员卡、积分、资料与消费记录', auth: ['wechat', 'member'] },
  { name: '收银', description: '店员收银台或门店 POS（X-Api-Key）：记录消费、退款与试算', auth: ['till'] },
  { name: '员工与管理', description: '员工登录、查会员、门店、规则与对账', auth: ['staff'] },
  { name: '公开', description: '无需登录', auth: ['public'] },
] as const satisfies { name: string; description: string; auth: ApiRoute['auth'][] }[];

const tagOf = (route: ApiRoute): string => TAGS.find((t) => (t.auth as readonly string[]).includes(route.auth))!.name;

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' });

/** The OpenAPI 3.1 document, generated from the same zod schemas the server validates with. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, route] of Object.entries(API_ROUTES) as [string, ApiRoute][]) {
    const path = '/api' + route.path.replace(/:(\w+)/g, '{$1}');
    const params: Record<string, unknown>[] = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (route.query) {
      const query = jsonSchema(route.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        params.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
      }
    }
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: name,
      tags: [tagOf(route)],
      summary: route.summary,
      ...('roles' in route && { description: `可调用的员工角色：${route.roles.map((r) => STAFF_ROLE_NAMES[r]).join('、')}${route.auth === 'till' ? '；或门店 POS 接口密钥' : ''}` }),
      ...(params.length && { parameters: params }),
      security: SECURITY[route.auth],
      ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }),
      responses: {
        [route.method === 'POST' && route.creates ? '201' : '200']: {
          description: 'OK',
          content: route.produces ? { [route.produces]: { schema: { type: 'string', format: 'binary' } } } : { 'application/json': { schema: jsonSchema(route.response) } },
        },
        '4XX': { description: '请求有误：code 与 message 说明原因，issues 指明字段', content: { 'application/json': { schema: jsonSchema(apiErrorSchema) } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'wemember API', version: '0.1.0', description: '微信会员系统：小程序会员端、门店员工端与管理端接口' },
    tags: TAGS.map(({ name, description }) => ({ name, description })),
    components: {
      securitySchemes: {
        memberToken: { type: 'http', scheme: 'bearer', description: 'POST /api/auth/login 或 /api/auth/phone 返回的令牌' },
        staffToken: { type: 'http', scheme: 'bearer', description: 'POST /api/staff/auth/login 返回的令牌' },
        posApiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: '门店 POS 接口密钥（POST /api/staff/stores/{storeId}/api-keys 创建）' },
      },
    },
    paths,
  };
}
