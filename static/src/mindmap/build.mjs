// Bundles the live mind map (markmap-view and the map's code; the Yjs document comes from
// the editor's bundle on the same page): what `npm run build` runs after the editor's.
import * as esbuild from 'esbuild'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

// One patch, checked: markmap-view appends a <style> element to the map (even empty, our CSP
// refuses it and says so in the console); its CSS is in static/css/mindmap.css instead, and
// the element is never made (an empty d3 selection takes its text).
const STYLE_NODE = 'this.styleNode = this.svg.append("style")'
const noStyleElement = {
  name: 'markmap-no-style-element',
  setup (build) {
    build.onLoad({ filter: /markmap-view[\\/]dist[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      if (!source.includes(STYLE_NODE)) throw new Error('markmap-view changed: review the CSP patch')
      return { contents: source.replace(STYLE_NODE, 'this.styleNode = this.svg.select("style.cercle-none")'), loader: 'js' }
    })
  }
}

// "d3" is the few functions markmap-view uses (d3-slim.js), not the whole library
const slimD3 = {
  name: 'slim-d3',
  setup (build) {
    build.onResolve({ filter: /^d3$/ }, () => ({ path: fileURLToPath(new URL('./d3-slim.js', import.meta.url)) }))
  }
}

const result = await esbuild.build({
  entryPoints: { mindmap: 'static/src/mindmap/index.js' },
  bundle: true,
  minify: !process.argv.includes('--dev'),
  format: 'iife',
  target: 'es2020',
  outdir: 'static/dist',
  metafile: true,
  plugins: [noStyleElement, slimD3],
  logLevel: 'info'
})
if (process.argv.includes('--analyze')) console.log(await esbuild.analyzeMetafile(result.metafile))
