// Cercle's live editor: CodeMirror 6 + Markdown, bound to the page's Yjs document.
// Mounted on [data-live-editor] (edit page, mind map); the page view follows live with viewer.js.
import { EditorView, basicSetup } from 'codemirror'
import { Compartment, EditorState } from '@codemirror/state'
import { markdown } from '@codemirror/lang-markdown'
import { yCollab } from 'y-codemirror.next'
import { applyUpdate } from 'yjs'
import { connect } from './live-status.js'
import { livePreview } from './live-preview.js'
import { labelsOf } from './labels.js'
import { localPersistence } from './offline.js'
import { runAction } from './toolbar.js'
import { sectionHints } from './hints.js'
import './editor.css'

const READ_ONLY = [EditorState.readOnly.of(true), EditorView.editable.of(false)]
const THEME = EditorView.theme({
  // fills .live-cm (a flex column, editor.css), whose height the two panes share
  '&': { flex: '1 1 auto', minHeight: '0', backgroundColor: '#fff', borderRadius: '8px' },
  '&.cm-focused': { outline: '3px solid #f0a202' },
  '.cm-scroller': { overflow: 'auto', fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: '.95rem', lineHeight: '1.5' },
  '.cm-content': { padding: '.5rem 0' },
  // names always shown above the others' carets (not only on hover): who writes where
  '.cm-ySelectionInfo': { opacity: '1', transitionDelay: '0s' }
})

// The smallest change turning the text into `next` (common start and end kept, never a
// surrogate pair cut in two), so concurrent edits and others' cursors elsewhere stay put.
function replaceText (ytext, next) {
  const old = ytext.toString()
  if (old === next) return
  let start = 0
  while (start < old.length && start < next.length && old[start] === next[start]) start++
  if (start > 0 && /[\uD800-\uDBFF]/.test(old[start - 1])) start--
  let endOld = old.length
  let endNew = next.length
  while (endOld > start && endNew > start && old[endOld - 1] === next[endNew - 1]) { endOld--; endNew-- }
  if (endOld < old.length && /[\uDC00-\uDFFF]/.test(old[endOld])) { endOld++; endNew++ }
  ytext.doc.transact(() => {
    if (endOld > start) ytext.delete(start, endOld - start)
    if (endNew > start) ytext.insert(start, next.slice(start, endNew))
  })
}

function mountEditor (root) {
  const labels = labelsOf(root)
  const fallback = document.getElementById(root.dataset.fallbackId)
  // Text typed in the plain field before this script ran is kept: it becomes the page's text
  // once the live document is here (the server's and this browser's), as one change. Only
  // from a field people could see: a hidden one whose value differs was restored by the
  // browser (back button, reload) from an older visit, and would undo everything since.
  const typedEarly = fallback && !fallback.hidden && fallback.value !== fallback.defaultValue ? fallback.value : null
  let persistence = null
  const persist = localPersistence(root.dataset.localKey, { onReady: (kept) => { persistence = kept } })
  const connection = connect(root, (writable) => {
    view.dispatch({ effects: editable.reconfigure(writable ? [] : READ_ONLY) })
    root.dataset.writable = String(writable)
  }, () => {
    root.dataset.kept = String(Boolean(persistence))
    window.cercleEditor.persistence = persistence
    if (typedEarly !== null) replaceText(ytext, typedEarly)
  }, persist)
  const ytext = connection.doc.getText('content')
  const editable = new Compartment()
  const label = document.getElementById(root.dataset.labelId)
  const errors = root.querySelector('[data-live-error]')
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
        sectionHints(), // the sections' guiding questions (page kinds), if the page has any
        yCollab(ytext, connection.awareness),
        EditorView.contentAttributes.of({ 'aria-label': label ? label.textContent.trim() : 'Texte', 'aria-multiline': 'true' })
      ]
    })
  })
  if (fallback) {
    fallback.hidden = true
    if (label) label.removeAttribute('for')
    fallback.form?.addEventListener('submit', (event) => {
      if (!navigator.onLine) {
        // the page would be lost for the browser's error page; the text is safe here
        event.preventDefault()
        errors.textContent = root.dataset.offlineSubmit
        return
      }
      if (connection.synced || fallback.value === fallback.defaultValue) {
        // The text is the live document's: every keystroke already went to the server, which
        // turns it into the new version. Sending it again as a whole could undo what someone
        // typed a moment ago (not here yet) or double this person's last keystrokes (still on
        // their way); and before the editor caught up there is no text here to send at all.
        // Left out, the server keeps the text and saves the rest (title, message).
        fallback.disabled = true
        fallback.form.querySelector('input[name=base_revision]')?.remove() // no text, no conflict
      } // else: typed before the editor came and not merged yet: sent with base_revision
    })
  }
  root.querySelector('[data-live-toolbar]')?.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]')
    if (!button) return
    event.preventDefault()
    if (button.dataset.action === 'preview') { // phones: one pane at a time
      const shown = root.classList.toggle('show-preview')
      button.textContent = shown ? button.dataset.labelBack : button.dataset.labelShow
      return
    }
    const { resourcesUrl, pagesUrl } = root.dataset
    const picker = root.querySelector('[data-live-picker]')
    const options = { resourcesUrl, pagesUrl, picker, labels }
    Promise.resolve(runAction(view, button.dataset.action, options)).then(() => view.focus())
  })
  livePreview(root, ytext, root.querySelector('[data-live-preview]'))
  root.hidden = false
  // for the browser tests (and the curious): applyUpdate reads the browser's kept copy
  window.cercleEditor = { view, ytext, doc: connection.doc, connection, applyUpdate, persistence }
  // another part of the page may use the same document (the mind map): one connection
  root.dispatchEvent(new CustomEvent('cercle:editor', { bubbles: true, detail: window.cercleEditor }))
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-live-editor]').forEach(mountEditor)
})
