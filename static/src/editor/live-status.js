// One page's live connection with its status line and the people shown beside it
// ([data-live-status], [data-live-presence], [data-live-error] inside root): what the
// editor (index.js) and the page view (viewer.js) both show, without CodeMirror.
import { LiveConnection } from './connection.js'
import { labelsOf } from './labels.js'

function showPresence (root, awareness, labels) {
  const box = root.querySelector('[data-live-presence]')
  if (!box) return
  const render = () => {
    const people = [...awareness.getStates().values()].filter((s) => s && s.user).map((s) => s.user)
    const count = people.length
    box.replaceChildren()
    // the page view announces nobody (its readers are not counted): there, who is writing
    const viewing = !root.dataset.userName
    if (viewing && !count) return
    const label = document.createElement('span')
    label.textContent = labels.count(viewing ? 'writing' : 'here', count)
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

export function connect (root, onWritable, onSynced, persist) {
  const labels = labelsOf(root)
  const status = root.querySelector('[data-live-status]')
  const errors = root.querySelector('[data-live-error]')
  const setStatus = (state) => {
    root.dataset.live = state // [data-live-note] (edits kept while away) shows on it
    if (state === 'online' && errors) errors.textContent = '' // what went wrong while away
    if (!status) return
    status.textContent = labels.text(state)
    status.dataset.state = state
  }
  setStatus('connecting')
  const connection = new LiveConnection(Number(root.dataset.pageId), {
    onStatus: setStatus,
    onWritable,
    onSynced,
    persist,
    onError: (error) => { if (errors) errors.textContent = error.message || labels.text('connection_error') }
  })
  const { userName, userColor } = root.dataset
  if (userName) {
    connection.awareness.setLocalStateField('user', { name: userName, color: userColor, colorLight: userColor + '33' })
  }
  showPresence(root, connection.awareness, labels)
  return connection
}
