import { X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { chinaTime, encryptResource } from './pay-crypto';
import { payRoute, type PayContext } from './pay-http';

/**
 * `GET /v3/certificates` (§H.10): the platform certificate, AES-256-GCM encrypted with the APIv3 key
 * and associated data `certificate`. wechatpay-node-v3's verifySign downloads it for an unknown
 * `Wechatpay-Serial`. Merchants on the public-key scheme read their key from /__sandbox/merchant.
 */
export function registerCertificateRoutes(scope: FastifyInstance, context: PayContext): void {
  const certificate = new X509Certificate(context.keys.platformCertPem);
  payRoute(scope, context, 'GET', '/v3/certificates', () => ({
    status: 200,
    json: {
      data: [
        {
          serial_no: context.keys.platformSerialNo,
          effective_time: chinaTime(Date.parse(certificate.validFrom)),
          expire_time: chinaTime(Date.parse(certificate.validTo)),
          encrypt_certificate: encryptResource(context.keys.apiV3Key, context.keys.platformCertPem, 'certificate'),
        },
      ],
    },
  }));
}
