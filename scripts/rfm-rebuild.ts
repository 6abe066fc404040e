/**
 * `npm run rfm:rebuild` (or `npx tsx scripts/rfm-rebuild.ts [brandId]`): recomputes every member's
 * R/F/M inputs (member_rfm) from the orders and refunds themselves, with the server's environment
 * (DATABASE_URL and the rest, as `npm start` or the deployment sets them). Run it once after the
 * Rfm migration, and whenever the incremental rows are in doubt; it is safe beside a running till
 * (each batch of members is rebuilt under their locks). The next nightly run scores the rows.
 */
import 'reflect-metadata';
import { chinaDate } from '@wemember/shared';
import { createApp } from '../server/src/app.factory';
import { loadConfig } from '../server/src/config/app-config';
import { UnitOfWork } from '../server/src/database/unit-of-work';
import { rebuildRfm } from '../server/src/loyalty/rfm-rebuild';

async function main(): Promise<void> {
  const brandId = process.argv[2];
  const app = await createApp(loadConfig({ ...process.env, SCHEDULE_JOBS: 'false' }));
  await app.init();
  try {
    const today = chinaDate(new Date());
    const started = Date.now();
    const rows = await rebuildRfm(app.get(UnitOfWork), today, brandId);
    console.log(`member_rfm rebuilt for ${today}: ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
