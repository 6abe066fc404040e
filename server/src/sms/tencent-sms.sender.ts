import { Inject, Injectable, Logger } from '@nestjs/common';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig, type SmsConfig } from '../config/app-config';
import { outcomeOf, type SmsOutcome, type SmsRequest, type SmsSender } from './sms-sender';

type TencentSmsClient = InstanceType<typeof sms.v20210111.Client>;

/** SendSms takes at most 200 numbers a call. */
const MAX_NUMBERS_PER_CALL = 200;

/** The provider's error as the SDK throws it (TencentCloudSDKHttpException): `code` for API errors, none for the network. */
interface SdkError {
  code?: string;
  message?: string;
  httpCode?: number;
}

/**
 * Tencent Cloud SMS through its own SDK (tencentcloud-sdk-nodejs-sms, API 2021-01-11), pointed at
 * SMS_ENDPOINT: the real host in production, the sandbox elsewhere. Every provider answer — a
 * request refused whole, or one status per number — becomes one SmsOutcome per number.
 */
@Injectable()
export class TencentSmsSender implements SmsSender {
  private readonly logger = new Logger('TencentSmsSender');
  private readonly client: TencentSmsClient;
  private readonly sdkAppId: string;
  readonly signName: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    const settings = config.sms as SmsConfig;
    this.signName = settings.signName;
    this.sdkAppId = settings.sdkAppId;
    this.client = new sms.v20210111.Client({
      credential: { secretId: settings.secretId, secretKey: settings.secretKey },
      region: settings.region,
      profile: { httpProfile: { endpoint: settings.endpoint, protocol: settings.protocol, reqTimeout: settings.timeoutSeconds } },
    });
  }

  async send(request: SmsRequest): Promise<SmsOutcome[]> {
    const outcomes: SmsOutcome[] = [];
    for (let start = 0; start < request.phones.length; start += MAX_NUMBERS_PER_CALL) {
      outcomes.push(...(await this.sendBatch({ ...request, phones: request.phones.slice(start, start + MAX_NUMBERS_PER_CALL) })));
    }
    return outcomes;
  }

  private async sendBatch(request: SmsRequest): Promise<SmsOutcome[]> {
    const numbers = request.phones.map((phone) => `+86${phone}`);
    try {
      const answer = await this.client.SendSms({
        PhoneNumberSet: numbers,
        SmsSdkAppId: this.sdkAppId,
        SignName: this.signName,
        TemplateId: request.templateId,
        TemplateParamSet: request.params,
        ...(request.sessionContext !== undefined && { SessionContext: request.sessionContext }),
      });
      const statuses = answer.SendStatusSet ?? [];
      return request.phones.map((phone, i) => {
        // The provider answers in request order; match by number in case it does not.
        const status = statuses.find((s) => s.PhoneNumber === numbers[i]) ?? statuses[i];
        if (!status) return { phone, status: 'retry', code: 'MissingSendStatus', message: '短信服务商未返回该号码的发送结果' };
        const outcome = outcomeOf(phone, status.Code ?? '', status.Message ?? '', this.clock.now());
        return outcome.status === 'sent' ? { ...outcome, serialNo: status.SerialNo ?? '', fee: status.Fee ?? 0 } : outcome;
      });
    } catch (error) {
      const { code, message, httpCode } = error as SdkError;
      // No code: the network or an HTTP error before the provider answered — nothing was sent, try later.
      const providerCode = code || 'NetworkError';
      if (!code) this.logger.warn(`SendSms failed before an answer${httpCode ? ` (HTTP ${httpCode})` : ''}: ${message ?? String(error)}`);
      const now = this.clock.now();
      return request.phones.map((phone) => outcomeOf(phone, providerCode, message ?? '', now));
    }
  }
}
