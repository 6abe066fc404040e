import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { selfSignedCertificate } from '../../scripts/wechat-sandbox/src/x509';

/**
 * WeChat Pay settings a production server accepts: a merchant key and certificate of its own (not
 * the sandbox's), a public-key id, WeChat Pay's real host. The fault tests run the server with
 * NODE_ENV=production and record no recharge, so nothing is ever sent there; the settings only have
 * to pass the production checks, and their key material is among what the logs must never show.
 */
export function productionPayEnv(notifyHost: string): { env: Record<string, string>; secrets: Record<string, string[]> } {
  const mchid = String(randomInt(1_600_000_000, 1_700_000_000));
  const serialHex = randomBytes(20).toString('hex').toUpperCase();
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  const certPem = selfSignedCertificate({
    serialHex,
    subject: [
      ['C', 'CN'],
      ['O', '微信商户系统'],
      ['OU', '故障测试商户'],
      ['CN', mchid],
    ],
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 365 * 86_400_000),
    publicKey: merchant.publicKey,
    privateKey: merchant.privateKey,
  });
  const privateKeyPem = merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const apiV3Key = randomBytes(16).toString('hex');
  return {
    env: {
      WECHAT_PAY_BASE: 'https://api.mch.weixin.qq.com',
      WECHAT_PAY_MCHID: mchid,
      WECHAT_PAY_SERIAL_NO: serialHex,
      WECHAT_PAY_PRIVATE_KEY: privateKeyPem,
      WECHAT_PAY_CERT: certPem,
      WECHAT_PAY_API_V3_KEY: apiV3Key,
      WECHAT_PAY_PUBLIC_KEY_ID: `PUB_KEY_ID_01${mchid}${String(randomInt(10 ** 9)).padStart(18, '0')}`,
      WECHAT_PAY_PUBLIC_KEY: platform.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      WECHAT_PAY_NOTIFY_URL: `https://${notifyHost}/api/wechat/pay/notify`,
    },
    // A line from the middle of the private key's PEM: any leak of the key shows it.
    secrets: { 'WeChat Pay APIv3 key': [apiV3Key], 'WeChat Pay private key': [privateKeyPem.split('\n')[5]] },
  };
}
