/**
 * `npm run rfm:rebuild [-- brandId]` (builds the server, then `tsx scripts/rfm-rebuild.ts`): recomputes every member's
 * R/F/M inputs (member_rfm) from the orders and refunds themselves, with the server's environment
 * (DATABASE_URL and the rest, as `npm start` or the deployment sets them). Run it once after the
 * Rfm migration, and whenever the incremental rows are in doubt; it is safe beside a running till
 * (each batch of members is rebuilt under their locks). The next nightly run scores the rows.
 */
import 'reflect-metadata';
import { chinaDate } from '@wemember/shared';

// The compiled server (`npm run rfm:rebuild` builds it first), as scripts/start.ts uses it: its
// entities need the decorator metadata tsc emits and tsx does not.
const { loadConfig } = require('../server/dist/config/app-config') as typeof import('../server/src/config/app-config');
const { UnitOfWork } = require('../server/dist/database/unit-of-work') as typeof import('../server/src/database/unit-of-work');
const { rebuildRfm } = require('../server/dist/loyalty/rfm-rebuild') as typeof import('../server/src/loyalty/rfm-rebuild');

async function main(): Promise<void> {
  const brandId = process.argv[2];
  // The database alone (migrations applied as at a start), not the whole server: no Redis, no WeChat.
  const uow = await UnitOfWork.open(loadConfig(process.env).database);
  try {
    const today = chinaDate(new Date());
    const started = Date.now();
    const rows = await rebuildRfm(uow, today, brandId);
    console.log(`member_rfm rebuilt for ${today}: ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await uow.dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
