// Bundles the extension into dist/extension.js (CommonJS, Node, `vscode` external).
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = !watch;

const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: production ? false : 'linked',
  minify: production,
  // vscode-languageclient's package.json "exports" has a "node" condition for ./node.
  conditions: ['node'],
  mainFields: ['module', 'main'],
  logLevel: 'info',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
