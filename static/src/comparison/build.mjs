// Bundles the comparison table's script (socket.io-client only): what `npm run build` runs
// after the editor's and the questionnaires' builds.
import * as esbuild from 'esbuild'

await esbuild.build({
  entryPoints: { comparison: 'static/src/comparison/index.js' },
  bundle: true,
  minify: !process.argv.includes('--dev'),
  format: 'iife',
  target: 'es2020',
  outdir: 'static/dist',
  logLevel: 'info'
})
