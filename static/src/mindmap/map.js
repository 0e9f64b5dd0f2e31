// The live drawing: the outline's tree handed to markmap-view (no markmap-lib: the tree is
// built here from the outline, see outline.js), with folds and the chosen idea kept across
// re-renders, and branch colours matching the server's SVG (wiki/mindmap.py).
import { Markmap } from 'markmap-view'
import { zoomTransform } from 'd3'

export const PALETTE = ['#2f6f9f', '#2e7d46', '#8a4baf', '#b44d12', '#0f766e', '#9d174d', '#8a6d00']
const CENTRE = '#1d2733'

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

// Each node gets a key that survives edits elsewhere: its labels from the centre, with a
// count among same-named siblings.
export function keyed (root) {
  const walk = (node, parentKey, colour) => {
    const seen = new Map()
    node.children.forEach((child, index) => {
      const n = (seen.get(child.label) || 0) + 1
      seen.set(child.label, n)
      child.key = `${parentKey}/${child.label}#${n}`
      child.parent = node
      walk(child, child.key, node === root ? PALETTE[index % PALETTE.length] : colour)
    })
    node.colour = colour
  }
  root.key = ''
  walk(root, '', CENTRE)
  return root
}

export function* nodesOf (node) {
  yield node
  for (const child of node.children) yield * nodesOf(child)
}

// markmap's node: `content` is put in as HTML, so the label is escaped here
function toMarkmap (node, folded) {
  return {
    content: escapeHtml(node.label || '…'),
    children: node.children.map((child) => toMarkmap(child, folded)),
    payload: { key: node.key, colour: node.colour, fold: folded.has(node.key) ? 1 : 0 }
  }
}

// On a phone the whole map fitted in the width would be unreadable: not smaller than this,
// the centre in view, the rest reached by panning.
const READABLE = 0.7

export class LiveMap {
  constructor (svg, { onSelect } = {}) {
    this.svg = svg
    this.folded = new Set()
    this.selected = null
    this.onSelect = onSelect || (() => {})
    this.markmap = new Markmap(svg, {
      embedGlobalCSS: false, // in static/css/mindmap.css: the CSP refuses a <style> element
      duration: 250,
      maxWidth: 260,
      paddingX: 10,
      spacingHorizontal: 60,
      spacingVertical: 8,
      color: (node) => (node.payload && node.payload.colour) || CENTRE
    })
    svg.addEventListener('click', (event) => {
      const g = event.target.closest('g.markmap-node')
      if (!g || event.target.closest('circle')) return // the circle folds (markmap's own)
      this.onSelect(g.__data__.payload.key)
    })
    this.fitted = false
  }

  // folds made by clicking markmap's circles live in its own copy of the tree
  _readFolds () {
    const data = this.markmap.state.data
    if (!data) return
    const folded = new Set()
    const walk = (node) => {
      if (node.payload && node.payload.fold) folded.add(node.payload.key)
      ;(node.children || []).forEach(walk)
    }
    walk(data)
    this.folded = folded
  }

  async show (root) {
    this._readFolds()
    this.root = root
    await this.markmap.setData(toMarkmap(root, this.folded))
    if (!this.fitted && this._drawable()) { this.fitted = true; await this._fit() }
    this._highlight()
  }

  _internal (key) {
    let found = null
    const walk = (node) => {
      if (found) return
      if (node.payload && node.payload.key === key) found = node
      else (node.children || []).forEach(walk)
    }
    if (this.markmap.state.data) walk(this.markmap.state.data)
    return found
  }

  _highlight () {
    const node = this.selected === null ? null : this._internal(this.selected)
    this.markmap.setHighlight(node)
    this.svg.querySelectorAll('g.markmap-node').forEach((g) => {
      g.classList.toggle('is-selected', Boolean(node) && g.__data__ === node)
    })
    return node
  }

  select (key) {
    this.selected = key
    const node = this._highlight()
    if (node && this._drawable()) this.markmap.ensureVisible(node, { left: 40, right: 40, top: 40, bottom: 40 })
  }

  isFolded (key) {
    this._readFolds()
    return this.folded.has(key)
  }

  async toggle (key) {
    const node = this._internal(key)
    if (node) await this.markmap.toggleNode(node)
  }

  async foldAll (fold) {
    this._readFolds()
    this.folded = new Set()
    if (fold) for (const node of nodesOf(this.root)) if (node !== this.root && node.children.length) this.folded.add(node.key)
    await this.markmap.setData(toMarkmap(this.root, this.folded))
    if (this._drawable()) await this._fit()
    this._highlight()
  }

  // markmap divides by the drawing's size: nothing to fit while it is hidden or empty
  _drawable () {
    const { width, height } = this.svg.getBoundingClientRect()
    return Boolean(this.markmap.state.data && width && height)
  }

  async refit () {
    if (!this._drawable()) return
    await this.markmap.renderData()
    await this._fit()
  }

  async _fit () {
    await this.markmap.fit()
    const { k } = zoomTransform(this.svg)
    if (k >= READABLE || this.svg.getBoundingClientRect().width > 640) return
    await this.markmap.rescale(READABLE / k)
    const centre = this.markmap.state.data
    await this.markmap.ensureVisible(centre, { left: 10, right: 10, top: 10, bottom: 10 })
  }

  // large type for the projector: wider labels too, so they wrap less
  async setLarge (on) {
    this.markmap.setOptions({ maxWidth: on ? 380 : 260 })
    await this.refit()
  }

  zoom (by) { return this._drawable() ? this.markmap.rescale(by) : null }
}
