// Cercle's live editor: CodeMirror 6 + Markdown, bound to the page's Yjs document.
// Mounted on [data-live-editor] (edit page) or [data-live-view] (page view: follows live).
import { EditorView, basicSetup } from 'codemirror'
import { Compartment, EditorState } from '@codemirror/state'
import { markdown } from '@codemirror/lang-markdown'
import { yCollab } from 'y-codemirror.next'
import { LiveConnection } from './connection.js'
import { runAction } from './toolbar.js'
import './editor.css'

const STATUS = { connecting: 'connexion…', online: 'en ligne', reconnecting: 'reconnexion…', offline: 'hors ligne' }
const READ_ONLY = [EditorState.readOnly.of(true), EditorView.editable.of(false)]
const THEME = EditorView.theme({
  '&': { minHeight: '22rem', maxHeight: '70vh', backgroundColor: '#fff', borderRadius: '8px' },
  '&.cm-focused': { outline: '3px solid #f0a202' },
  '.cm-scroller': { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: '.95rem', lineHeight: '1.5' },
  '.cm-content': { padding: '.5rem 0' },
  // names always shown above the others' carets (not only on hover): who writes where
  '.cm-ySelectionInfo': { opacity: '1', transitionDelay: '0s' }
})

function debounce (fn, ms) {
  let timer = null
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms) }
}

function livePreview (root, ytext, target) {
  const { previewUrl, csrf } = root.dataset
  if (!previewUrl || !target) return
  let latest = 0
  const refresh = debounce(async () => {
    const ticket = ++latest
    const response = await fetch(previewUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf || '' },
      body: JSON.stringify({ markdown: ytext.toString() })
    })
    const body = response.ok ? await response.json() : null
    if (body && ticket === latest) target.innerHTML = body.html // sanitized by the server; newest only
  }, 350)
  ytext.observe(refresh)
}

function showPresence (root, awareness) {
  const box = root.querySelector('[data-live-presence]')
  if (!box) return
  const render = () => {
    const people = [...awareness.getStates().values()].filter((s) => s && s.user).map((s) => s.user)
    const count = people.length
    box.replaceChildren()
    const label = document.createElement('span')
    label.textContent = count <= 1 ? `${count} personne sur cette page` : `${count} personnes sur cette page`
    box.append(label)
    for (const person of people) {
      const chip = document.createElement('span')
      chip.className = 'live-person'
      const dot = document.createElement('span')
      dot.className = 'dot'
      dot.style.backgroundColor = person.color // CSSOM: allowed by our CSP
      chip.append(dot, document.createTextNode(person.name))
      box.append(chip)
    }
  }
  awareness.on('change', render)
  render()
}

function connect (root, onWritable, onSynced) {
  const status = root.querySelector('[data-live-status]')
  const errors = root.querySelector('[data-live-error]')
  const setStatus = (state) => {
    if (!status) return
    status.textContent = STATUS[state]
    status.dataset.state = state
  }
  setStatus('connecting')
  const connection = new LiveConnection(Number(root.dataset.pageId), {
    onStatus: setStatus,
    onWritable,
    onSynced,
    onError: (error) => { if (errors) errors.textContent = error.message || 'Erreur de connexion.' }
  })
  const { userName, userColor } = root.dataset
  if (userName) {
    connection.awareness.setLocalStateField('user', { name: userName, color: userColor, colorLight: userColor + '33' })
  }
  showPresence(root, connection.awareness)
  return connection
}

function mountEditor (root) {
  const fallback = document.getElementById(root.dataset.fallbackId)
  // Text typed in the plain field before this script ran is kept: it replaces the page's text
  // once the live document is here (as one change, so others see it like any edit).
  const typedEarly = fallback && fallback.value !== fallback.defaultValue ? fallback.value : null
  const connection = connect(root, (writable) => {
    view.dispatch({ effects: editable.reconfigure(writable ? [] : READ_ONLY) })
    root.dataset.writable = String(writable)
  }, () => {
    if (typedEarly === null || ytext.toString() === typedEarly) return
    connection.doc.transact(() => {
      ytext.delete(0, ytext.length)
      ytext.insert(0, typedEarly)
    })
  })
  const ytext = connection.doc.getText('content')
  const editable = new Compartment()
  const label = document.getElementById(root.dataset.labelId)
  // CodeMirror's styles go into a shadow root as constructed style sheets: our CSP
  // (style-src 'self') blocks the <style> element it would add to the document.
  const host = root.querySelector('[data-live-cm]')
  const shadow = host.attachShadow({ mode: 'open' })
  const view = new EditorView({
    root: shadow,
    parent: shadow,
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        basicSetup, markdown(), EditorView.lineWrapping, editable.of(READ_ONLY), THEME,
        yCollab(ytext, connection.awareness),
        EditorView.contentAttributes.of({ 'aria-label': label ? label.textContent.trim() : 'Texte', 'aria-multiline': 'true' })
      ]
    })
  })
  if (fallback) {
    fallback.hidden = true
    if (label) label.removeAttribute('for')
    fallback.form?.addEventListener('submit', () => { fallback.value = ytext.toString() })
    fallback.form?.querySelector('input[name=base_revision]')?.remove() // the live doc merges
  }
  root.querySelector('[data-live-toolbar]')?.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]')
    if (!button) return
    event.preventDefault()
    if (button.dataset.action === 'preview') {
      const shown = root.classList.toggle('show-preview')
      button.setAttribute('aria-pressed', String(shown))
      return
    }
    runAction(view, button.dataset.action, { resourcesUrl: root.dataset.resourcesUrl })
    view.focus()
  })
  livePreview(root, ytext, root.querySelector('[data-live-preview]'))
  root.hidden = false
  window.cercleEditor = { view, ytext, doc: connection.doc, connection }
}

function mountViewer (root) {
  // The server-rendered page is current: follow the changes made after we caught up.
  const connection = connect(root, () => {}, () => {
    livePreview(root, ytext, document.querySelector(root.dataset.target))
  })
  const ytext = connection.doc.getText('content')
  window.cercleViewer = { ytext, connection }
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-live-editor]').forEach(mountEditor)
  document.querySelectorAll('[data-live-view]').forEach(mountViewer)
})
