// The "tableau comparatif" follows the sheets live: it listens, read-only, to each sheet's
// room on the live channel (/collab) and, when one changes, fetches the table again from the
// server (debounced), which builds it from the sheets' live text. No Yjs document here: only
// "something changed" is read from the messages, so the bundle stays small.
import { io } from 'socket.io-client'

const SYNC = 0
const UPDATE = 2 // y-protocols: a sync message carrying an update
const PHONE = window.matchMedia('(max-width: 50rem)')

function debounce (fn, ms) {
  let timer = null
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms) }
}

function pageIds (box) {
  const holder = box.querySelector('[data-page-ids]')
  return (holder ? holder.dataset.pageIds : '').split(',').filter(Boolean).map(Number)
}

function pager (root, box) {
  const nav = root.querySelector('[data-compare-nav]')
  const position = root.querySelector('[data-compare-position]')
  let current = 0
  const show = () => {
    const heads = [...box.querySelectorAll('thead [data-col]')]
    nav.hidden = heads.length < 2 || !PHONE.matches
    if (!heads.length) return
    current = Math.max(0, Math.min(current, heads.length - 1))
    for (const cell of box.querySelectorAll('[data-col]')) {
      cell.classList.toggle('is-current', Number(cell.dataset.col) === current)
    }
    position.textContent = root.dataset.labelPosition.replace('{n}', current + 1)
      .replace('{total}', heads.length).replace('{title}', heads[current].textContent.trim())
  }
  const step = (by) => { current += by; show() }
  nav.addEventListener('click', (event) => {
    const button = event.target.closest('[data-step]')
    if (button) step(Number(button.dataset.step))
  })
  let startX = null
  box.addEventListener('touchstart', (event) => { startX = event.touches[0].clientX }, { passive: true })
  box.addEventListener('touchend', (event) => {
    if (startX === null || !PHONE.matches) return
    const dx = event.changedTouches[0].clientX - startX
    if (Math.abs(dx) > 60) step(dx < 0 ? 1 : -1)
    startX = null
  })
  PHONE.addEventListener('change', show)
  root.classList.add('paged')
  show()
  return show
}

function follow (root, box, afterRefresh) {
  const status = root.querySelector('[data-compare-status]')
  const joined = new Set()
  const socket = io('/collab', { transports: ['websocket'], withCredentials: true })
  const join = () => {
    for (const id of pageIds(box)) {
      if (joined.has(id)) continue
      joined.add(id)
      socket.emit('join', { page_id: id }, () => {})
    }
  }
  let ticket = 0
  const refresh = debounce(async () => {
    const mine = ++ticket
    let html = null
    try {
      const response = await fetch(root.dataset.fragmentUrl, { credentials: 'same-origin' })
      html = response.ok ? await response.text() : null
    } catch (error) {
      return // offline: the next change (or the reconnection) fetches it again
    }
    if (html === null || mine !== ticket) return
    box.innerHTML = html // built and sanitized by the server
    root.dataset.refreshed = String(Number(root.dataset.refreshed || 0) + 1)
    join() // a sheet created meanwhile is followed too
    afterRefresh()
  }, 300)
  socket.on('connect', () => {
    joined.clear()
    join()
    refresh() // what changed while we were away (or before we joined)
    status.dataset.state = 'online'
    status.textContent = ''
  })
  socket.on('disconnect', () => { status.dataset.state = 'reconnecting' })
  socket.on('yjs', (_pageId, data) => {
    const bytes = new Uint8Array(data)
    if (bytes[0] === SYNC && bytes[1] === UPDATE) refresh()
  })
  window.cercleComparison = { socket, refresh }
}

document.addEventListener('DOMContentLoaded', () => {
  const root = document.querySelector('[data-comparison]')
  if (!root) return
  const box = root.querySelector('[data-comparison-table]')
  const show = pager(root, box)
  follow(root, box, show)
  const print = document.querySelector('[data-print]')
  if (print) {
    print.hidden = false
    print.addEventListener('click', () => window.print())
  }
})
