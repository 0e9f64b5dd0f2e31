// Bundles the page tree's reorganiser and the mémoire builder (SortableJS and their code):
// what `npm run build` runs after the other bundles.
import * as esbuild from 'esbuild'

await esbuild.build({
  entryPoints: { tree: 'static/src/tree/index.js', 'memoire-builder': 'static/src/memoire/builder.js' },
  bundle: true,
  minify: !process.argv.includes('--dev'),
  format: 'iife',
  target: 'es2020',
  outdir: 'static/dist',
  logLevel: 'info'
})
