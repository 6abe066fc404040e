// Lets plain Node run the server's TypeScript the way ts-jest compiles it (transpile-only with
// test/tsconfig.json, so decorator metadata is emitted: tsx/esbuild does not emit it and Nest's
// injection needs it), with @wemember/shared read from source. Like test/bench/register.js, plus a
// cache of the transpiled files keyed by their content, so a server the fault tests kill and start
// again boots in a second or two instead of transpiling everything each time.
//
//   node -r ./test/support/ts-register.js server/src/main.ts
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const testDir = path.join(root, 'test');
const cacheDir = process.env.TS_REGISTER_CACHE ?? path.join(os.tmpdir(), 'wemember-ts-register');
fs.mkdirSync(cacheDir, { recursive: true });
process.setSourceMapsEnabled(true);

let ts;
let compilerOptions;
let optionsKey;
function compiler() {
  if (!ts) {
    ts = require('typescript');
    const { config } = ts.readConfigFile(path.join(testDir, 'tsconfig.json'), ts.sys.readFile);
    compilerOptions = { ...ts.parseJsonConfigFileContent(config, ts.sys, testDir).options, sourceMap: false, inlineSourceMap: true };
  }
  return { ts, compilerOptions };
}
optionsKey = fs.readFileSync(path.join(testDir, 'tsconfig.json'), 'utf8') + require('typescript/package.json').version;

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update(optionsKey).update(filename).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, 'utf8');
  } catch {
    const c = compiler();
    output = c.ts.transpileModule(source, { compilerOptions: c.compilerOptions, fileName: filename }).outputText;
    const temp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temp, output);
    fs.renameSync(temp, cached);
  }
  module._compile(output, filename);
};

const resolveFilename = Module._resolveFilename;
const sharedSource = path.join(root, 'shared', 'src', 'index.ts');
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === '@wemember/shared' ? sharedSource : request, ...rest);
};
