// Lets plain Node run the benchmarks' TypeScript (and the server's) the way ts-jest compiles the
// tests: transpile-only with test/tsconfig.json, so decorator metadata is emitted (tsx/esbuild does
// not emit it, and Nest's injection needs it), and @wemember/shared read from source. Plain Node
// rather than Jest because Jest's sandbox (a vm context, Error.stackTraceLimit = 100) makes the
// mysql2 client, and so the ceiling, 1.3–2× as expensive per order (see README.md).
//
//   node -r ./test/bench/register.js test/bench/orders.bench.ts
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..', '..');
const testDir = path.join(root, 'test');
const { config } = ts.readConfigFile(path.join(testDir, 'tsconfig.json'), ts.sys.readFile);
const compilerOptions = { ...ts.parseJsonConfigFileContent(config, ts.sys, testDir).options, sourceMap: false, inlineSourceMap: true };
process.setSourceMapsEnabled(true);

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};

const resolveFilename = Module._resolveFilename;
const sharedSource = path.join(root, 'shared', 'src', 'index.ts');
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === '@wemember/shared' ? sharedSource : request, ...rest);
};
