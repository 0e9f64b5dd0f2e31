// The live mind map of a page (kind "mind_map"): mounted on [data-mindmap]. It reads the
// page's Yjs document through the live editor on the same page (static/src/editor: one
// connection, one room; the editor says so with a "cercle:editor" event), so this bundle is
// markmap-view and the map's own code only. Until the document is here, the server's SVG
// (wiki/mindmap.py) is shown: it is also what people without JavaScript see.
import { parseOutline } from './outline.js'
import { LiveMap, keyed } from './map.js'
import { IdeasPanel } from './panel.js'
import { exportPng, exportSvg } from './export.js'

const FRENCH = {
  fold: 'Replier',
  unfold: 'Déplier',
  new_idea: 'Nouvelle idée',
  add_placeholder: 'Les mots de la nouvelle idée',
  rename_placeholder: 'Le nouveau nom',
  export_failed: 'L’export n’a pas pu se faire.'
}

function labelsOf (root) {
  let given = {}
  try { given = JSON.parse(root.dataset.labels || '{}') || {} } catch (error) { given = {} }
  return (key) => (typeof given[key] === 'string' && given[key]) || FRENCH[key] || key
}

function debounce (fn, ms) {
  let timer = null
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms) }
}

// phones: one pane at a time (map, ideas, text), chosen by tabs
function tabs (root) {
  const list = root.querySelector('[data-mindmap-tabs]')
  if (!list || root.classList.contains('has-tabs')) return
  const show = (tab) => {
    for (const other of list.querySelectorAll('[role=tab]')) {
      const on = other === tab
      other.setAttribute('aria-selected', String(on))
      other.tabIndex = on ? 0 : -1
      document.getElementById(other.getAttribute('aria-controls')).classList.toggle('is-current', on)
    }
    root.dispatchEvent(new CustomEvent('mindmap:tab')) // a map shown again is fitted again
  }
  list.addEventListener('click', (event) => {
    const tab = event.target.closest('[role=tab]')
    if (tab) show(tab)
  })
  list.addEventListener('keydown', (event) => {
    const all = [...list.querySelectorAll('[role=tab]')]
    const at = all.indexOf(document.activeElement)
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key]
    if (at < 0 || !step) return
    const next = all[(at + step + all.length) % all.length]
    next.focus()
    show(next)
  })
  root.classList.add('has-tabs')
  show(list.querySelector('[role=tab]'))
}

function toolbar (root, map, labels) {
  const svg = root.querySelector('[data-mindmap-svg]')
  const title = root.dataset.title || ''
  const name = root.dataset.fileName || 'carte'
  const error = root.querySelector('[data-mindmap-error]')
  const stage = root.querySelector('[data-mindmap-map]') // the map and its tools, not the text
  const pressed = (button, on) => button.setAttribute('aria-pressed', String(on))
  const acts = {
    unfold_all: () => map.foldAll(false),
    fold_all: () => map.foldAll(true),
    fit: () => map.refit(),
    zoom_in: () => map.zoom(1.25),
    zoom_out: () => map.zoom(0.8),
    large: (button) => {
      const on = root.classList.toggle('mindmap-large')
      pressed(button, on)
      return map.setLarge(on)
    },
    fullscreen: () => document.fullscreenElement ? document.exitFullscreen() : stage.requestFullscreen(),
    svg: () => exportSvg(svg, title, name),
    png: () => exportPng(svg, title, name)
  }
  root.querySelector('[data-mindmap-tools]').addEventListener('click', async (event) => {
    const button = event.target.closest('[data-tool]')
    if (!button) return
    error.textContent = ''
    try {
      await acts[button.dataset.tool](button)
    } catch (problem) {
      error.textContent = labels('export_failed')
    }
  })
  const full = root.querySelector('[data-tool=fullscreen]')
  document.addEventListener('fullscreenchange', () => {
    const on = document.fullscreenElement === stage
    pressed(full, on)
    stage.classList.toggle('is-fullscreen', on)
    map.refit()
  })
  if (!stage.requestFullscreen) full.hidden = true
}

function follow (root, editor, map, panel) {
  const { ytext, connection } = editor
  const editorRoot = document.querySelector('[data-live-editor]')
  const title = root.dataset.title || ''
  const redraw = async () => {
    if (!connection.synced) return // the server's picture until the page's text is here
    const tree = keyed(parseOutline(ytext.toString(), title))
    root.classList.add('is-live')
    panel.render(tree)
    await map.show(tree)
    root.dataset.renders = String(Number(root.dataset.renders || 0) + 1) // for the tests
  }
  const soon = debounce(redraw, 60)
  ytext.observe(soon)
  panel.ytext = ytext
  const state = () => {
    panel.setWritable(Boolean(connection.synced && connection.writable))
    soon()
  }
  new MutationObserver(state).observe(editorRoot, { attributes: true, attributeFilter: ['data-writable', 'data-kept'] })
  state()
}

function mount (root, editor) {
  if (root.dataset.mounted) return
  root.dataset.mounted = 'true'
  const labels = labelsOf(root)
  let panel = null
  const map = new LiveMap(root.querySelector('[data-mindmap-svg]'), { onSelect: (key) => panel.select(key) })
  panel = new IdeasPanel(root, map, labels)
  root.querySelector('[data-mindmap-tools]').hidden = false
  toolbar(root, map, labels)
  root.addEventListener('mindmap:tab', () => map.refit())
  follow(root, editor, map, panel)
  window.cercleMindmap = { map, panel } // for the browser tests
}

document.addEventListener('cercle:editor', (event) => {
  document.querySelectorAll('[data-mindmap]').forEach((root) => mount(root, event.detail))
})
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-mindmap]').forEach((root) => tabs(root))
  if (window.cercleEditor) document.querySelectorAll('[data-mindmap]').forEach((root) => mount(root, window.cercleEditor))
})
