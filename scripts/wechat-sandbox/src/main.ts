import { payOptionsFromEnv, startSandbox, type SandboxApp } from './index';
import type { SmsAccountOptions } from './sms';
import type { PushMode } from './state';

/** Demo credentials: harmless, and only ever accepted by this sandbox. */
const DEMO = {
  appid: 'wxdemo0000000001',
  secret: 'sandbox-miniprogram-secret-0001',
  oaAppid: 'wxdemo0000000002',
  oaSecret: 'sandbox-official-account-secret-02',
  oaToken: 'wemember-sandbox-push-token',
};

function appsFromEnv(env: NodeJS.ProcessEnv): SandboxApp[] {
  const miniProgram: SandboxApp = {
    appid: env.WECHAT_APPID || DEMO.appid,
    secret: env.WECHAT_SECRET || DEMO.secret,
    kind: 'miniprogram',
  };
  const officialAccount: SandboxApp = {
    appid: env.WECHAT_OA_APPID || DEMO.oaAppid,
    secret: env.WECHAT_OA_SECRET || DEMO.oaSecret,
    kind: 'official_account',
    pushToken: env.WECHAT_OA_TOKEN || DEMO.oaToken,
  };
  if (env.WECHAT_OA_PUSH_URL) officialAccount.pushUrl = env.WECHAT_OA_PUSH_URL;
  // Checked by registerApp, which names the bad setting.
  if (env.WECHAT_OA_ENCODING_AES_KEY) officialAccount.encodingAESKey = env.WECHAT_OA_ENCODING_AES_KEY;
  if (env.WECHAT_OA_PUSH_MODE) officialAccount.pushMode = env.WECHAT_OA_PUSH_MODE as PushMode;
  if (env.WECHAT_OA_TEMPLATE_DAILY_QUOTA) officialAccount.templateDailyQuota = Number(env.WECHAT_OA_TEMPLATE_DAILY_QUOTA);
  return [miniProgram, officialAccount];
}

function pagesFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env.WECHAT_SANDBOX_PAGES ?? '')
    .split(',')
    .map((page) => page.trim())
    .filter((page) => page !== '');
}

/** The SMS account's settings a developer changes most: the reply callback URL and the credentials the server is given. */
function smsFromEnv(env: NodeJS.ProcessEnv): Partial<SmsAccountOptions> {
  const sms: Partial<SmsAccountOptions> = {};
  if (env.WECHAT_SANDBOX_SMS_REPLY_URL) sms.replyUrl = env.WECHAT_SANDBOX_SMS_REPLY_URL;
  if (env.SMS_SECRET_ID) sms.secretId = env.SMS_SECRET_ID;
  if (env.SMS_SECRET_KEY) sms.secretKey = env.SMS_SECRET_KEY;
  if (env.SMS_SDK_APP_ID) sms.sdkAppId = env.SMS_SDK_APP_ID;
  if (env.SMS_SIGN_NAME) sms.signNames = [env.SMS_SIGN_NAME];
  return sms;
}

async function main(): Promise<void> {
  const env = process.env;
  const apps = appsFromEnv(env);
  const sandbox = await startSandbox({
    host: env.WECHAT_SANDBOX_HOST || '127.0.0.1',
    port: Number(env.WECHAT_SANDBOX_PORT || 3100),
    apps,
    pages: pagesFromEnv(env),
    logger: env.WECHAT_SANDBOX_LOG === '1',
    ...payOptionsFromEnv(env),
    sms: smsFromEnv(env),
  });
  console.log(`WeChat sandbox listening on ${sandbox.url}`);
  for (const app of apps) console.log(`  ${app.kind} ${app.appid}${app.pushUrl ? ` → pushes to ${app.pushUrl}` : ''}`);
  console.log(`  WeChat Pay merchant ${sandbox.payKeys.mchid} (keys: GET ${sandbox.url}/__sandbox/merchant)`);

  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
