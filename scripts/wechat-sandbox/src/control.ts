import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bulkCreate } from './bulk';
import { ControlError } from './errors';
import { clearFaults, injectFault, listFaults } from './faults';
import { mintLoginCode } from './login';
import { acceptSubscription, failTemplateSends } from './messages';
import type { OfficialAccountPusher } from './oa-push';
import { block, configureOfficialAccount, follow, officialAccountView, unfollow } from './official-account';
import { registerPayControlRoutes } from './pay-control';
import type { PayContext } from './pay-http';
import { mintPhoneCode } from './phone';
import { configureSmsAccount, normalisePhone, replySms, smsAccountView } from './sms';
import type { AppState, SandboxApp, SandboxState } from './state';
import { expireTokens } from './tokens';
import { acceptRawBodies, queryOf, rawBody } from './wechat-http';
import { scanWxacode } from './wxacode';

type Body = Record<string, unknown>;

/** Control bodies are JSON whatever the Content-Type (a browser may send text/plain); empty is `{}`. */
function bodyOf(request: FastifyRequest): Body {
  const text = rawBody(request);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ControlError(400, 'body must be JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ControlError(400, 'body must be a JSON object');
  return parsed as Body;
}

function namedApp(state: SandboxState, appid: unknown): AppState {
  const appState = typeof appid === 'string' ? state.app(appid) : undefined;
  if (!appState) throw new ControlError(404, `unknown appid ${String(appid)}`);
  return appState;
}

function optionalOpenid(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ControlError(400, 'openid must be a string');
  return value;
}

function optionalUnionid(value: unknown): string | null | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value === '' ? undefined : value;
  throw new ControlError(400, 'unionid must be a string or null');
}

function allowCrossOrigin(scope: FastifyInstance): void {
  scope.addHook('onRequest', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*');
  });
  scope.options('/*', async (request, reply) => {
    const requested = request.headers['access-control-request-headers'];
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS')
      .header('access-control-allow-headers', requested ?? 'Content-Type')
      .header('access-control-max-age', '600')
      .send();
  });
}

function answerErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError | ControlError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ControlError) return reply.code(error.statusCode).send({ error: error.message });
    const status = 'statusCode' in error && error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'sandbox control call failed');
    return reply.code(status).send({ error: error.message });
  });
}

/** The `/__sandbox/*` routes that play the user (not WeChat): JSON in and out, CORS open. */
export function controlApi(state: SandboxState, pusher: OfficialAccountPusher, pay: PayContext) {
  return async function registerControlRoutes(scope: FastifyInstance): Promise<void> {
    acceptRawBodies(scope);
    allowCrossOrigin(scope);
    answerErrors(scope);

    scope.get('/health', async () => ({ ok: true }));

    scope.post('/apps', async (request) => {
      const app = state.registerApp(bodyOf(request) as unknown as SandboxApp);
      return { appid: app.appid, kind: app.kind, pushUrl: app.pushUrl ?? null };
    });

    scope.post('/login-code', async (request) => {
      const body = bodyOf(request);
      const appState = state.resolveApp(body.appid, 'miniprogram');
      return mintLoginCode(state, appState, { openid: optionalOpenid(body.openid), unionid: optionalUnionid(body.unionid) });
    });

    scope.post('/phone-code', async (request) => {
      const body = bodyOf(request);
      return mintPhoneCode(state, state.resolveApp(body.appid, 'miniprogram'), body.phone);
    });

    scope.post('/scan', async (request) => {
      const body = bodyOf(request);
      return scanWxacode(state, body.scene, body.appid);
    });

    scope.post('/tokens/expire', async (request) => {
      const { appid } = bodyOf(request);
      const apps = appid === undefined || appid === null ? state.allApps() : [namedApp(state, appid)];
      return { expired: expireTokens(state, apps) };
    });

    scope.post('/subscribe-accept', async (request) => {
      const body = bodyOf(request);
      const appState = state.resolveApp(body.appid, 'miniprogram');
      return acceptSubscription(appState, body.openid, body.templateId, body.times ?? 1);
    });

    scope.post('/follow', async (request) => {
      const body = bodyOf(request);
      return follow(state, pusher, state.resolveApp(body.appid, 'official_account'), body);
    });

    scope.post('/unfollow', async (request) => {
      const body = bodyOf(request);
      return unfollow(state, pusher, state.resolveApp(body.appid, 'official_account'), body);
    });

    scope.get('/official-account', async (request) => officialAccountView(state.resolveApp(queryOf(request).appid, 'official_account')));

    scope.post('/official-account', async (request) => {
      const body = bodyOf(request);
      return configureOfficialAccount(state, state.resolveApp(body.appid, 'official_account'), body);
    });

    scope.post('/verify-url', async (request) => {
      const appState = state.resolveApp(bodyOf(request).appid, 'official_account');
      const result = await pusher.verifyUrl(appState.app);
      if (!result) throw new ControlError(409, `official account ${appState.app.appid} has no serverUrl (push URL) to verify`);
      return result;
    });

    scope.post('/template-finish', async (request) => {
      const body = bodyOf(request);
      return failTemplateSends(state.resolveApp(body.appid, 'official_account'), body.times ?? 1);
    });

    scope.post('/block', async (request) => {
      const body = bodyOf(request);
      return block(state.resolveApp(body.appid, 'official_account'), body.openid);
    });

    scope.get('/requests', async (request) => {
      const { path, appid } = queryOf(request);
      const requests = state.requests.filter(
        (recorded) => (!path || recorded.path.startsWith(path)) && (!appid || recorded.appid === appid),
      );
      return { requests };
    });

    scope.get('/messages', async (request) => {
      const { kind, touser, appid } = queryOf(request);
      const messages = state.messages.filter(
        (message) =>
          (!kind || message.kind === kind) && (!touser || message.touser === touser) && (!appid || message.appid === appid),
      );
      return { messages };
    });

    // Counts instead of the list, for scale tests: every delivery (the list keeps the last 10,000), per recipient.
    scope.get('/messages/summary', async (request) => {
      const { kind, appid, touser } = queryOf(request);
      let count = 0;
      let recipients = 0;
      const repeated: Array<{ touser: string; count: number }> = [];
      for (const [key, n] of state.deliveries) {
        const [keyAppid, keyKind, keyTouser] = key.split('\t');
        if ((kind && keyKind !== kind) || (appid && keyAppid !== appid) || (touser && keyTouser !== touser)) continue;
        count += n;
        recipients += 1;
        if (n > 1) repeated.push({ touser: keyTouser, count: n });
      }
      return { count, recipients, repeatedRecipients: repeated.length, repeated: repeated.slice(0, 20) };
    });

    scope.get('/wxacodes', async (request) => {
      const { scene, appid } = queryOf(request);
      const wxacodes = state.wxacodes.filter((code) => (!scene || code.scene === scene) && (!appid || code.appid === appid));
      return { wxacodes };
    });

    scope.post('/faults', async (request) => injectFault(state, bodyOf(request)));

    scope.get('/faults', async () => ({ faults: listFaults(state) }));

    scope.delete('/faults', async (request) => ({ cleared: clearFaults(state, queryOf(request)) }));

    registerPayControlRoutes(scope, pay, bodyOf);

    scope.get('/sms', async (request) => {
      const { phone, template } = queryOf(request);
      const to = phone ? normalisePhone(phone) : null;
      if (phone && !to) throw new ControlError(400, 'phone must be a mainland mobile number');
      const messages = state.sms.deliveries.filter((sms) => (!to || sms.to === to) && (!template || sms.template === template));
      return { messages };
    });

    scope.get('/sms/account', async () => smsAccountView(state.sms));

    scope.post('/sms/account', async (request) => configureSmsAccount(state.sms, bodyOf(request)));

    const replies = new AbortController();
    scope.addHook('onClose', async () => replies.abort());
    scope.post('/sms/reply', async (request) => replySms(state.sms, bodyOf(request), state.now(), replies.signal));

    scope.post('/bulk', async (request) => bulkCreate(state, bodyOf(request)));

    scope.post('/reset', async () => {
      state.reset();
      return { ok: true };
    });
  };
}
