import { Member } from '../../server/src/members/member.entity';
import { MarketingGuard } from '../../server/src/sms/marketing-guard';
import { SMS_SENDER, type SmsOutcome, type SmsSender } from '../../server/src/sms/sms-sender';
import { MiniProgramClient } from '../../server/src/wechat/mini-program.client';
import { OfficialAccountClient } from '../../server/src/wechat/official-account.client';
import { aPhone, TestStack } from '../support/stack';

/** The sandbox's demo templates (scripts/wechat-sandbox SMS_DEMO): a notice with 2 params, a marketing text with 3. */
const NOTICE = '1000001';
const MARKETING = '2000001';

interface Delivered {
  to: string;
  sign: string;
  template: string;
  params: string[];
  content: string;
  at: string;
}

export function describeSmsChannel(database: 'mysql' | 'sqlite'): void {
  describe(`SMS channel: the Tencent Cloud adapter, opt-out replies and the marketing guard (issue 13, ${database})`, () => {
    let stack: TestStack;
    let sms: SmsSender;
    let guard: MarketingGuard;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      sms = stack.app.get<SmsSender>(SMS_SENDER);
      guard = stack.app.get(MarketingGuard);
      // The SMS console's 回复回调 URL: where the provider posts what shoppers answer.
      await stack.wechat('/sms/account', { replyUrl: `${stack.url}/api/sms/replies?token=${stack.config.sms?.replyToken}` });
    });
    afterAll(() => stack?.close());

    async function delivered(phone: string): Promise<Delivered[]> {
      return (await stack.wechat<{ messages: Delivered[] }>(`/sms?phone=${phone}`)).messages;
    }

    /** A joined member, as the guard reads them from the database. */
    async function joinedMember(consent: boolean): Promise<{ phone: string; member: () => Promise<Member> }> {
      const phone = aPhone();
      const joined = await stack.join(phone);
      if (consent) {
        const set = await stack.api('PUT', '/member/profile', { token: joined.token, body: { marketingConsent: true } });
        expect(set.status).toBe(200);
      }
      const member = async () => (await stack.db.getRepository(Member).findOneByOrFail({ brandId: stack.chain.brand.id, memberNo: joined.member.memberNo })) as Member;
      return { phone, member };
    }

    it('sends through the provider’s SDK and the text reaches the number with the brand’s signature', async () => {
      const phone = aPhone();

      const outcomes = await sms.send({ phones: [phone], templateId: MARKETING, params: ['张先生', '满100减20券', '12月31日'], sessionContext: 'campaign-1:run-1' });

      expect(outcomes).toEqual([{ phone, status: 'sent', serialNo: expect.stringMatching(/^2640:/), fee: 1 }]);
      expect(await delivered(phone)).toEqual([
        expect.objectContaining({
          to: `+86${phone}`,
          sign: '微会员',
          template: MARKETING,
          params: ['张先生', '满100减20券', '12月31日'],
          content: '【微会员】张先生，送您满100减20券，12月31日前到店可用。拒收请回复R',
        }),
      ]);
    });

    it('a member who allowed offers may be sent marketing; one who did not may not', async () => {
      const willing = await joinedMember(true);
      const unwilling = await joinedMember(false);

      expect(await guard.canSendMarketing(await willing.member())).toBe(true);
      expect(await guard.canSendMarketing(await unwilling.member())).toBe(false);
    });

    it('replying TD opts the member out: the callback is acknowledged, marketing stops on every channel, the provider refuses it too', async () => {
      const { phone, member } = await joinedMember(true);
      expect(await guard.canSendMarketing(await member())).toBe(true);

      const reply = await stack.wechat<{ optedOut: boolean; callback: { status: number; answer: string } }>('/sms/reply', { phone, text: 'TD' });

      expect(reply.callback.status).toBe(200);
      expect(JSON.parse(reply.callback.answer)).toEqual({ result: 0, errmsg: 'OK' });
      expect(await guard.canSendMarketing(await member())).toBe(false);
      // Still consenting in the member centre: the reply alone is what stops the offers.
      expect((await member()).marketingConsent).toBe(true);
      // The provider's own blacklist refuses a marketing text; the adapter reports it as final, never to retry.
      const [refused] = await sms.send({ phones: [phone], templateId: MARKETING, params: ['张先生', '满100减20券', '12月31日'] });
      expect(refused).toMatchObject({ phone, status: 'final', code: 'FailedOperation.PhoneNumberInBlacklist' });
      // The provider calling again with the same reply changes nothing.
      const again = await stack.wechat<{ callback: { status: number } }>('/sms/reply', { phone, text: '退订' });
      expect(again.callback.status).toBe(200);
      const rows = await stack.db.query('SELECT COUNT(*) AS n FROM sms_opt_outs WHERE phone_hash = ?', [(await member()).phoneHash]);
      expect(Number(rows[0].n)).toBe(1);
    });

    it('an ordinary reply opts nobody out', async () => {
      const { phone, member } = await joinedMember(true);

      const reply = await stack.wechat<{ callback: { status: number } }>('/sms/reply', { phone, text: 'TD是什么意思' });

      expect(reply.callback.status).toBe(200);
      expect(await guard.canSendMarketing(await member())).toBe(true);
    });

    it('the reply callback without the URL’s token is refused (401) and records nothing; a bad body is 400 naming the field', async () => {
      const { phone, member } = await joinedMember(true);
      const body = { mobile: phone, nationcode: '86', text: 'TD', sign: '微会员', time: Math.floor(Date.now() / 1000) };

      const forged = await stack.api('POST', '/sms/replies?token=guessed-token-0000', { body });
      const missing = await stack.api('POST', '/sms/replies', { body });
      const bad = await stack.api('POST', `/sms/replies?token=${stack.config.sms?.replyToken}`, { body: { ...body, time: 'yesterday' } });
      const farFuture = await stack.api('POST', `/sms/replies?token=${stack.config.sms?.replyToken}`, { body: { ...body, time: 1_000_000_000_000 } });

      expect([forged.status, forged.body.code]).toEqual([401, 'SMS_CALLBACK_TOKEN_INVALID']);
      expect(missing.status).toBe(401);
      expect(bad.status).toBe(400);
      expect(bad.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'time' })]));
      expect([farFuture.status, farFuture.body.issues?.[0]?.field]).toEqual([400, 'time']);
      expect(await guard.canSendMarketing(await member())).toBe(true);
    });

    describe('the provider’s errors become outcomes the caller can act on', () => {
      afterEach(() => stack.wechat('/sms/account', { signNames: ['微会员'] }));

      it('a provider timeout is retryable, and the next attempt goes out', async () => {
        const phone = aPhone();
        await stack.wechat('/faults', { sms: 'InternalError.Timeout', times: 1 });

        const first = await sms.send({ phones: [phone], templateId: NOTICE, params: ['1234', '5'] });
        const second = await sms.send({ phones: [phone], templateId: NOTICE, params: ['1234', '5'] });

        expect(first).toEqual([expect.objectContaining({ phone, status: 'retry', code: 'InternalError.Timeout' })]);
        expect(second).toEqual([expect.objectContaining({ phone, status: 'sent' })]);
        expect(await delivered(phone)).toHaveLength(1);
      });

      it('the same text to the same number within 30 s is rate-limited until 30 s later; another number still goes', async () => {
        const phone = aPhone();
        const other = aPhone();
        await sms.send({ phones: [phone], templateId: NOTICE, params: ['4321', '5'] });

        const outcomes = await sms.send({ phones: [phone, other], templateId: NOTICE, params: ['4321', '5'] });

        const limited = outcomes[0] as Extract<SmsOutcome, { status: 'rate_limited' }>;
        expect(limited).toMatchObject({ phone, status: 'rate_limited', code: 'LimitExceeded.PhoneNumberThirtySecondLimit' });
        expect(limited.retryAt.getTime() - stack.clock.now()).toBeGreaterThan(25_000);
        expect(outcomes[1]).toMatchObject({ phone: other, status: 'sent' });
        // Past retryAt the provider takes it (the SDK still signs with the machine's time).
        stack.clock.travelTo(limited.retryAt);
        expect(await sms.send({ phones: [phone], templateId: NOTICE, params: ['4321', '5'] })).toEqual([expect.objectContaining({ phone, status: 'sent' })]);
      });

      it('a malformed number is final for that number only', async () => {
        const good = aPhone();

        const outcomes = await sms.send({ phones: ['12345', good], templateId: NOTICE, params: ['1111', '5'] });

        expect(outcomes.map((o) => [o.phone, o.status])).toEqual([
          ['12345', 'final'],
          [good, 'sent'],
        ]);
      });

      it('an unapproved signature or template halts the channel (nothing will go until staff fix it); wrong params are final', async () => {
        const phone = aPhone();
        await stack.wechat('/sms/account', { signNames: ['别的签名'] });
        const unsigned = await sms.send({ phones: [phone], templateId: NOTICE, params: ['1', '5'] });
        await stack.wechat('/sms/account', { signNames: ['微会员'] });
        const unknownTemplate = await sms.send({ phones: [phone], templateId: '9999999', params: [] });
        const wrongParams = await sms.send({ phones: [phone], templateId: NOTICE, params: ['1'] });

        expect(unsigned).toEqual([expect.objectContaining({ status: 'halt', code: 'FailedOperation.SignatureIncorrectOrUnapproved' })]);
        expect(unknownTemplate).toEqual([expect.objectContaining({ status: 'halt', code: 'FailedOperation.TemplateIncorrectOrUnapproved' })]);
        expect(wrongParams).toEqual([expect.objectContaining({ status: 'final', code: 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate' })]);
        expect(await delivered(phone)).toEqual([]);
      });

      it('the sandbox refusing our credentials is a halt, as a rotated key would be in production', async () => {
        await stack.wechat('/faults', { sms: 'AuthFailure.SignatureFailure', times: 1 });

        const outcomes = await sms.send({ phones: [aPhone()], templateId: NOTICE, params: ['1', '5'] });

        expect(outcomes).toEqual([expect.objectContaining({ status: 'halt', code: 'AuthFailure.SignatureFailure' })]);
      });
    });

    it('the sandbox bulk-creates 100k followers with subscribe credits quickly, and the server’s WeChat clients see them', async () => {
      const started = Date.now();
      const made = await stack.wechat<{
        followers: { count: number; last: { openid: string; unionid: string } };
        subscribeCredits: { count: number; first: { openid: string } };
      }>('/bulk', { appid: stack.oaAppid, followers: { count: 100_000, unionidPrefix: 'ue2escale' }, subscribeCredits: { appid: stack.appid, templateId: 'tpl-e2e-scale', perUser: 1 } });
      const elapsedMs = Date.now() - started;
      process.stdout.write(`sandbox bulk: 100,000 followers + subscribe credits in ${elapsedMs} ms\n`);

      expect(made.followers.count).toBe(100_000);
      expect(made.subscribeCredits.count).toBe(100_000);
      const info = await stack.app.get(OfficialAccountClient).userInfo(made.followers.last.openid);
      expect(info).toEqual({ subscribed: true, unionid: 'ue2escale99999' });
      const miniProgram = stack.app.get(MiniProgramClient);
      await expect(
        miniProgram.sendSubscribeMessage({ touser: made.subscribeCredits.first.openid, templateId: 'tpl-e2e-scale', data: { thing1: { value: '好久不见' } } }),
      ).resolves.toBeUndefined();
      const sent = await stack.wechat<{ messages: unknown[] }>(`/messages?kind=subscribe&touser=${made.subscribeCredits.first.openid}`);
      expect(sent.messages).toHaveLength(1);
    });
  });
}
