/**
 * The tills of one scenario: `concurrency` clerks recording purchases over HTTP as fast as the
 * server answers. Runs in its own thread (started by serverRun in orders.bench.ts) so that
 * building requests and parsing answers does not share the server's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { drive } from './load';

export interface TillLoad {
  url: string;
  clerkToken: string;
  /** Live member codes; each purchase picks one at random. Replaced by messages before they expire. */
  memberCodes: string[];
  amountFen: number;
  /** Prefix of this run's receipt numbers, so every purchase is a new one. */
  receiptPrefix: string;
  concurrency: number;
  seconds: number;
}

const load = workerData as TillLoad;
let memberCodes = load.memberCodes;
parentPort!.on('message', (fresh: string[]) => {
  memberCodes = fresh;
});

let receipts = 0;
async function purchase(): Promise<string | null> {
  const response = await fetch(`${load.url}/api/staff/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${load.clerkToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      memberCode: memberCodes[Math.floor(Math.random() * memberCodes.length)],
      amountFen: load.amountFen,
      externalNo: `${load.receiptPrefix}${++receipts}`,
    }),
  });
  const body = (await response.json()) as { code?: string; message?: string };
  return response.status === 201 ? null : `${response.status} ${body.code}: ${body.message}`;
}

void drive(load.concurrency, load.seconds, purchase).then((run) => {
  parentPort!.postMessage(run);
  parentPort!.close();
});
