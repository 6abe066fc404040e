/**
 * `npm test`: lint, typecheck, unit tests, medium tests (repositories and use cases on MariaDB and
 * SQLite, below HTTP), e2e tests (MariaDB + Redis + the WeChat sandbox), the fault tests (the
 * server, a Redis and a MariaDB of their own, killed -9 and started again), the weapp build with its
 * offline compile check and its pages driven against the e2e stack (test/weapp), the H5 build and
 * the browser tests. Every step runs
 * even after a failure, so one run shows everything that is broken. Ends with the plain line
 * `N passed, N failed` that CI reads: each Jest test counts once, each other step counts once.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const reports = mkdtempSync(join(tmpdir(), 'wemember-test-'));

interface StepResult {
  name: string;
  passed: number;
  failed: number;
  seconds: number;
}

const results: StepResult[] = [];

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('close', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

async function step(name: string, command: string, args: string[], env?: Record<string, string>): Promise<boolean> {
  console.log(`\n━━ ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const code = await run(command, args, env);
  const ok = code === 0;
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, seconds: (Date.now() - started) / 1000 });
  return ok;
}

/** Runs a Jest config and counts its tests; a suite that fails to load counts as a failure too. */
async function jestStep(name: string, config: string): Promise<void> {
  console.log(`\n━━ ${name}: jest --config ${config}`);
  const started = Date.now();
  const out = join(reports, `${name.replace(/\W+/g, '-')}.json`);
  const code = await run('npx', ['jest', '--config', config, '--json', `--outputFile=${out}`]);
  let passed = 0;
  let failed = 0;
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed = report.numPassedTests;
    failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
    if (report.numTotalTests === 0) failed += 1;
  }
  if (code !== 0 && failed === 0) failed = 1;
  results.push({ name, passed, failed, seconds: (Date.now() - started) / 1000 });
}

async function main(): Promise<void> {
  await step('lint', 'npx', ['eslint', '.']);
  const sharedBuilt = await step('build shared', 'npm', ['run', 'build', '--silent', '-w', '@wemember/shared']);
  for (const project of ['server', 'scripts/wechat-sandbox', 'test', 'miniapp']) {
    await step(`typecheck ${project}`, 'npx', ['tsc', '-p', project, '--noEmit']);
  }
  await jestStep('unit', 'jest.unit.config.js');
  await jestStep('medium', 'test/jest.medium.config.js');
  await jestStep('e2e', 'test/jest.e2e.config.js');
  await jestStep('faults', 'test/faults/jest.faults.config.js');
  if (sharedBuilt) {
    if (await step('build weapp', 'npm', ['run', 'build:weapp', '--silent', '-w', '@wemember/miniapp'])) {
      await step('weapp offline compile check', 'npx', ['tsx', 'scripts/check-weapp.ts']);
      await jestStep('weapp pages', 'test/weapp/jest.weapp.config.js');
    }
    if (await step('build h5', 'npm', ['run', 'build:h5', '--silent', '-w', '@wemember/miniapp'])) {
      await jestStep('browser', 'test/jest.browser.config.js');
    }
  }

  console.log('\n━━ summary');
  for (const r of results) {
    console.log(`${r.failed ? '✗' : '✓'} ${r.name.padEnd(30)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1)}s`);
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

void main();
