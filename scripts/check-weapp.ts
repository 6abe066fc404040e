/**
 * Offline check of the mini-program build in miniapp/dist/weapp (run `taro build --type weapp`
 * first): WeChat's own compiler, miniprogram-ci, must compile it without an error, and the main
 * package and every subpackage must stay under WeChat's 2 MB cap.
 *
 *   npx tsx scripts/check-weapp.ts
 *
 * Nothing is uploaded. miniprogram-ci insists on a signing key even for a local compile, so a
 * throwaway one is generated into a temporary folder and deleted afterwards; the project
 * attributes it would fetch from servicewechat.com are replaced by its built-in defaults.
 */
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as ci from 'miniprogram-ci'

const REPO = resolve(__dirname, '..')
const DIST = join(REPO, 'miniapp', 'dist', 'weapp')
/** WeChat refuses a main package or a subpackage larger than 2 MB. */
const PACKAGE_LIMIT_KB = 2048

interface AppJson {
  subPackages?: { root: string }[]
  subpackages?: { root: string }[]
}

function fail(message: string): never {
  console.error(`weapp check: FAILED, ${message}`)
  process.exit(1)
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

/** Total size in bytes of the files under `dir`, skipping the folders listed in `skip`. */
function folderBytes(dir: string, skip: Set<string> = new Set()): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (skip.has(path)) continue
    total += entry.isDirectory() ? folderBytes(path, skip) : statSync(path).size
  }
  return total
}

const kb = (bytes: number) => Math.ceil(bytes / 1024)

async function compile(appid: string, scratch: string): Promise<void> {
  const privateKeyPath = join(scratch, 'throwaway.key')
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })
  writeFileSync(privateKeyPath, privateKey, { mode: 0o600 })

  const project = new ci.Project({
    appid,
    type: 'miniProgram',
    projectPath: DIST,
    privateKeyPath,
    ignores: ['node_modules/**/*'],
    // Not in the typings: CIProject.attr() uses this instead of asking servicewechat.com.
    attr: async () => ci.DefaultProjectAttr,
  } as ConstructorParameters<typeof ci.Project>[0])

  const { version } = readJson<{ version: string }>(join(REPO, 'miniapp', 'package.json'))
  // `minify` makes the compiler parse every WXML, WXSS and JS file, as an upload would: without it
  // a broken template is packed as it is.
  await ci.getCompiledResult({ project, version, setting: { es6: false, minify: true } }, join(scratch, 'compiled.zip'))
}

async function main() {
  if (!existsSync(join(DIST, 'app.json'))) {
    fail(`no build in ${DIST}; run \`npx taro build --type weapp\` in miniapp/ first`)
  }
  const { appid } = readJson<{ appid: string }>(join(REPO, 'project.config.json'))

  // miniprogram-ci also leaves an empty cache folder in the working directory: keep it in the
  // scratch folder with the key, and delete both.
  const scratch = mkdtempSync(join(tmpdir(), 'wemember-weapp-check-'))
  const cwd = process.cwd()
  process.chdir(scratch)
  const compileError = await compile(appid, scratch).then(
    () => null,
    (error: unknown) => error,
  )
  process.chdir(cwd)
  rmSync(scratch, { recursive: true, force: true })
  if (compileError) {
    const code = (compileError as { code?: number }).code
    const reason = compileError instanceof Error ? compileError.message : String(compileError)
    fail(`miniprogram-ci could not compile ${DIST}${code ? ` (error ${code})` : ''}:\n${reason}`)
  }

  const app = readJson<AppJson>(join(DIST, 'app.json'))
  const roots = (app.subPackages ?? app.subpackages ?? []).map((sub) => sub.root.replace(/\/+$/, ''))
  const packages = [
    { name: 'main package', kb: kb(folderBytes(DIST, new Set(roots.map((root) => join(DIST, root))))) },
    ...roots.map((root) => ({ name: root, kb: kb(folderBytes(join(DIST, root))) })),
  ]
  for (const pkg of packages) console.log(`${pkg.name}: ${pkg.kb} KB`)

  const tooBig = packages.filter((pkg) => pkg.kb > PACKAGE_LIMIT_KB)
  if (tooBig.length) {
    fail(tooBig.map((pkg) => `${pkg.name} is ${pkg.kb} KB, over WeChat's ${PACKAGE_LIMIT_KB} KB limit`).join('; '))
  }
  console.log(`weapp check: ok, ${packages.map((pkg) => `${pkg.name} ${pkg.kb} KB`).join(', ')}`)
}

// miniprogram-ci leaves timers and worker processes behind that would keep node alive for minutes.
main().then(
  () => process.exit(0),
  (error) => fail(error instanceof Error ? error.stack ?? error.message : String(error)),
)
