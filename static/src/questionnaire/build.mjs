// Bundles the questionnaire scripts (answering, builder, live results): what `npm run build` runs
// after the editor's build. One IIFE per page, no inline script (CSP script-src 'self').
import * as esbuild from 'esbuild'

await esbuild.build({
  entryPoints: {
    'questionnaire-answer': 'static/src/questionnaire/answer.js',
    'questionnaire-builder': 'static/src/questionnaire/builder.js',
    'questionnaire-results': 'static/src/questionnaire/results.js'
  },
  bundle: true,
  minify: !process.argv.includes('--dev'),
  format: 'iife',
  target: 'es2020',
  outdir: 'static/dist',
  logLevel: 'info'
})
