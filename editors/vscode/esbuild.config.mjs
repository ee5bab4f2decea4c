// esbuild options for the extension bundle, shared by esbuild.mjs and the tests.
export const bundleOptions = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  // Provided by VS Code at run time.
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  // VS Code 1.91 runs extensions on Node 20 (Electron 29).
  target: 'node20',
  // vscode-languageclient/node is only exported under the "node" condition.
  conditions: ['node'],
  mainFields: ['module', 'main'],
  logLevel: 'info',
};
