/**
 * How the framework is bundled into the modules the `etl` command loads. One definition for
 * both builds: the package's, at pack time (scripts/build-package.ts, into dist/), and the
 * source checkout's, at first use (bin.js, into node_modules/.cache). Plain JavaScript, because
 * bin.js runs it before any TypeScript can be loaded.
 */
import path from 'node:path';

/**
 * Bundles `entryPoints` ({ name: file }) into `outdir` as `<name>.mjs`, with zod in a module of
 * its own, `zod.mjs`. The entry points share one copy of every module (esbuild's code splitting),
 * so the CLI, 'lakeform' and 'lakeform/testing' agree on every class.
 */
export async function bundleFramework({ root, entryPoints, outdir }) {
  const { build } = await import('esbuild');
  // Whitespace and syntax minified (names kept, so stack traces stay readable): less to parse at each start.
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error', minifyWhitespace: true, minifySyntax: true, nodePaths: [path.join(root, 'node_modules')] };
  // zod in one module of its own, shared by the CLI and the job files (framework/cli/job-loader.ts
  // points their 'zod' here): one copy, and one file to load instead of a hundred.
  await build({ ...common, stdin: { contents: "export * from 'zod'; export { default } from 'zod';", resolveDir: root, loader: 'js' }, outfile: path.join(outdir, 'zod.mjs') });
  await build({
    ...common,
    entryPoints,
    // Dependencies are bundled too: resolving and compiling apache-arrow's and yargs' hundreds
    // of small modules cost more than the run itself on the sample. Kept external: parquet-wasm
    // (it loads its .wasm next to itself), esbuild (a native binary), zod (above) and the AWS SDK
    // (only the AWS commands load it).
    external: ['parquet-wasm', 'parquet-wasm/*', 'esbuild', '@aws-sdk/*', 'aws-sdk-client-mock'],
    plugins: [{ name: 'shared-zod', setup: (b) => b.onResolve({ filter: /^zod$/ }, () => ({ path: './zod.mjs', external: true })) }],
    // Modules imported dynamically (yargs, the AWS commands, synthetic samples) go into chunks of
    // their own, parsed only when imported.
    splitting: true,
    outdir,
    entryNames: '[name]',
    // Flat, beside the entries and zod.mjs: chunks import './zod.mjs' too.
    chunkNames: 'chunk-[name]-[hash]',
    outExtension: { '.js': '.mjs' },
  });
}
