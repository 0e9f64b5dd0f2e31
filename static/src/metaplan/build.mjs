// Bundles the Métaplan board's script (yjs, socket.io-client, SortableJS): what `npm run
// build` runs after the comparison table's build.
import * as esbuild from 'esbuild'

await esbuild.build({
  entryPoints: { metaplan: 'static/src/metaplan/index.js' },
  bundle: true,
  minify: !process.argv.includes('--dev'),
  format: 'iife',
  target: 'es2020',
  outdir: 'static/dist',
  logLevel: 'info'
})
