// The page view's live follower ([data-live-view], templates/pages/view.html): the page's
// Yjs document over /collab and the rendered page refreshed from it, without the editor
// (CodeMirror, offline copy): readers download a tenth of editor.js.
import { connect } from './live-status.js'
import { livePreview } from './live-preview.js'

function mountViewer (root) {
  // The server-rendered page is current: follow the changes made after we caught up.
  const connection = connect(root, () => {}, () => {
    livePreview(root, ytext, document.querySelector(root.dataset.target))
  })
  const ytext = connection.doc.getText('content')
  window.cercleViewer = { ytext, connection } // for the browser tests (and the curious)
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-live-view]').forEach(mountViewer)
})
