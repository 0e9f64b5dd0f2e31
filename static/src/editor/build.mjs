// Bundles the live editor (dist/editor.js) and the page view's live follower (dist/viewer.js,
// no CodeMirror): node static/src/editor/build.mjs (what `npm run build` runs).
// One patch, checked: y-codemirror.next draws remote carets with a style *attribute*, which our
// CSP (style-src 'self') refuses; the patched version sets the same colours through CSSOM.
import * as esbuild from 'esbuild'
import { readFile } from 'node:fs/promises'

const CARET_STYLE = "pair.create('style', `background-color: ${this.color}; border-color: ${this.color}`)"

const cspSafeCarets = {
  name: 'csp-safe-carets',
  setup (build) {
    build.onLoad({ filter: /y-codemirror\.next[\\/]src[\\/]y-remote-selections\.js$/ }, async (args) => {
      let source = await readFile(args.path, 'utf8')
      if (!source.includes(CARET_STYLE)) throw new Error('y-codemirror.next changed: review the CSP patch')
      source = source.replace(`, ${CARET_STYLE}]`, ']')
        .replace("  toDOM () {\n    return /** @type {HTMLElement} */ (dom.element(",
          '  toDOM () {\n    return this.paint(dom.element(')
        .replace('  eq (widget) {', '  paint (el) {\n    el.style.backgroundColor = this.color\n    el.style.borderColor = this.color\n    return el\n  }\n\n  eq (widget) {')
      if (!source.includes('this.paint(')) throw new Error('y-codemirror.next changed: review the CSP patch')
      return { contents: source, loader: 'js' }
    })
  }
}

await esbuild.build({
  entryPoints: { editor: 'static/src/editor/index.js', viewer: 'static/src/editor/viewer.js' },
  bundle: true,
  minify: !process.argv.includes('--dev'),
  format: 'iife',
  target: 'es2020',
  outdir: 'static/dist',
  plugins: [cspSafeCarets],
  logLevel: 'info'
})
