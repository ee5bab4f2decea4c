// Bundles the extension into dist/extension.js. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { bundleOptions } from './esbuild.config.mjs';

const watch = process.argv.includes('--watch');
const options = { ...bundleOptions, minify: !watch, sourcemap: watch ? 'linked' : false };

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
