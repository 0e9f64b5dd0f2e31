// The ideas as a list of buttons (the map's keyboard way in) and the actions on the chosen
// one. Actions edit the outline text through the Yjs document (the page's `content`, the
// room the editor is in), as the smallest insert/delete, so every editor sees them.
import { addChild, cleanLabel, remove, rename } from './outline.js'

function applyToText (ytext, edit) {
  if (!edit) return
  ytext.doc.transact(() => {
    if (edit.to > edit.from) ytext.delete(edit.from, edit.to - edit.from)
    if (edit.insert) ytext.insert(edit.from, edit.insert)
  })
}

export class IdeasPanel {
  // root: the [data-mindmap] element; map: LiveMap; labels(key) → words
  constructor (root, map, labels) {
    this.root = root
    this.map = map
    this.labels = labels
    this.list = root.querySelector('[data-mindmap-list]')
    this.actions = root.querySelector('[data-mindmap-actions]')
    this.chosen = root.querySelector('[data-mindmap-chosen]')
    this.field = root.querySelector('[data-mindmap-text]')
    this.foldButton = root.querySelector('[data-act=fold]')
    this.mode = 'add'
    this.ytext = null
    this.writable = false
    this.list.addEventListener('click', (event) => {
      const button = event.target.closest('[data-key]')
      if (button) this.select(button.dataset.key)
    })
    this.list.addEventListener('keydown', (event) => this._shortcut(event))
    this.actions.addEventListener('click', (event) => {
      const button = event.target.closest('[data-act]')
      if (button) this.act(button.dataset.act)
    })
    this.actions.addEventListener('submit', (event) => { event.preventDefault(); this.act(this.mode) })
  }

  _shortcut (event) {
    const button = event.target.closest('[data-key]')
    if (!button) return
    const act = { F2: 'rename', Delete: 'remove', Insert: 'add', '+': 'add' }[event.key]
    if (!act) return
    event.preventDefault()
    this.select(button.dataset.key)
    if (act === 'remove') this.act('remove')
    else this.prepare(act)
  }

  setWritable (writable) {
    this.writable = writable
    this.root.dataset.writable = String(writable)
    for (const el of this.actions.querySelectorAll('[data-edit]')) el.hidden = !writable
  }

  node (key) {
    const walk = (node) => node.key === key ? node : node.children.map(walk).find(Boolean)
    return this.tree && key !== null ? walk(this.tree) : null
  }

  render (tree) {
    this.tree = tree
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('[data-mindmap-list] [data-key]')
    const focusKey = focused ? focused.dataset.key : null
    this.list.replaceChildren(this._item(tree))
    if (this.selectedKey !== undefined && !this.node(this.selectedKey)) this._unselect()
    else if (this.selectedKey !== undefined) this._mark(this.selectedKey)
    if (focusKey !== null) {
      const again = this.list.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)
      if (again) again.focus()
    }
  }

  _item (node) {
    const li = document.createElement('li')
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'mindmap-item'
    button.dataset.key = node.key
    button.textContent = node.label || '…'
    button.setAttribute('aria-pressed', 'false')
    li.append(button)
    if (node.children.length) {
      const ul = document.createElement('ul')
      ul.append(...node.children.map((child) => this._item(child)))
      li.append(ul)
    }
    return li
  }

  _mark (key) {
    for (const b of this.list.querySelectorAll('[data-key]')) b.setAttribute('aria-pressed', String(b.dataset.key === key))
    const node = this.node(key)
    this.chosen.textContent = node.label || '…'
    const centreOfTitle = node.line < 0
    for (const el of this.actions.querySelectorAll('[data-in-text]')) el.disabled = centreOfTitle
    this.foldButton.hidden = !node.children.length
    this.foldButton.textContent = this.labels(this.map.isFolded(key) ? 'unfold' : 'fold')
  }

  _unselect () {
    this.selectedKey = undefined
    this.actions.hidden = true
    this.map.select(null)
  }

  select (key) {
    if (!this.node(key)) return
    this.selectedKey = key
    this.actions.hidden = false
    this._mark(key)
    this.map.select(key)
    this.prepare('add', false)
  }

  // the field is for the new idea's words (add) or the idea's new name (rename)
  prepare (mode, focus = true) {
    this.mode = mode
    const node = this.node(this.selectedKey)
    this.field.value = mode === 'rename' && node ? node.label : ''
    this.field.placeholder = this.labels(mode === 'rename' ? 'rename_placeholder' : 'add_placeholder')
    if (focus) { this.field.focus(); this.field.select() }
  }

  async act (what) {
    const node = this.node(this.selectedKey)
    if (!node) return
    if (what === 'fold') {
      await this.map.toggle(node.key)
      this._mark(node.key)
      return
    }
    if (!this.writable || !this.ytext) return
    const text = this.ytext.toString()
    const words = cleanLabel(this.field.value)
    if (what === 'add') {
      applyToText(this.ytext, addChild(text, node, words || this.labels('new_idea')))
      this.field.value = ''
    } else if (what === 'rename') {
      if (!words) { this.prepare('rename'); return }
      applyToText(this.ytext, rename(text, node, words))
      this.selectedKey = node.key.replace(/\/[^/]*#\d+$/, `/${words}#1`)
      this.mode = 'add'
      this.field.value = ''
    } else if (what === 'remove') {
      const parentKey = node.parent ? node.parent.key : undefined
      applyToText(this.ytext, remove(text, node))
      this.selectedKey = parentKey
    }
  }
}
