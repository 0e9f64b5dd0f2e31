// The Métaplan board: the page's Yjs document (written by the server only) drawn as cards,
// and the person's actions sent as `board` intents on /collab, which the server checks.
// Cards hidden while "writing" never come through the document: the author's own arrive as
// `board_private` events (and from `mine` after a reload).
import Sortable from 'sortablejs'
import { LiveConnection } from '../editor/connection.js'
import { el } from './dom.js'
import { inlineEditor } from './inline.js'
import { boardLabels } from './labels.js'
import { fullscreenButton } from './fullscreen.js'

const root = document.querySelector('[data-metaplan]')
if (root) start(root)

function start (root) {
  const pageId = Number(root.dataset.pageId)
  let writable = root.dataset.writable === 'true'
  let manager = root.dataset.manager === 'true'
  const colours = JSON.parse(root.dataset.colours)
  const patterns = JSON.parse(root.dataset.patterns)
  const phases = JSON.parse(root.dataset.phases)
  const labels = boardLabels(root)
  const q = (selector) => root.querySelector(selector)
  const message = q('[data-message]')
  const mine = new Map()
  let left = null
  let sortables = []

  const live = new LiveConnection(pageId, {
    onStatus: (status) => { q('[data-status]').textContent = status === 'online' ? '' : labels.text('reconnecting') },
    onError: (error) => { if (message && error.message) message.textContent = error.message },
    // the space was archived (issue 11): the board turns read-only at once
    onWritable: (can) => {
      if (can || !live || !live.archived) return
      writable = false
      manager = false
      root.dataset.writable = 'false'
      root.dataset.manager = 'false'
      const settings = q('.metaplan-settings') // the facilitator's controls: refused now
      if (settings) settings.hidden = true
      draw()
    },
    onSynced: () => { if (writable) send('mine').then((ack) => { for (const c of ack.cards || []) mine.set(c.key, c); left = ack.left; draw() }) }
  })
  const cards = live.doc.getMap('cards')
  const clusters = live.doc.getMap('clusters')
  const board = live.doc.getMap('board')
  live.doc.on('update', () => draw())
  live.socket.on('board_private', (id, change) => {
    if (id !== pageId) return
    if (change.card) mine.set(change.card.key, change.card)
    if (change.deleted) mine.delete(change.deleted)
    draw()
  })

  function send (op, data = {}) {
    return new Promise((resolve) => {
      live.socket.emit('board', { page_id: pageId, op, ...data }, (ack) => {
        if (ack && ack.ok === false && message) message.textContent = ack.error.message
        if (ack && ack.left !== undefined && ack.left >= 0) left = ack.left
        resolve(ack || {})
      })
    })
  }

  const setting = (name, fallback) => (board.has(name) ? board.get(name) : fallback)

  function cardNode (key, card, phase) {
    const colour = colours[card.colour] ? card.colour : 'jaune'
    const node = el('li', { class: `card card--${colour} pattern--${patterns[colour]}`, 'data-card': key },
      el('p', { class: 'card-text', text: card.text }),
      el('p', { class: 'card-meta' },
        el('span', { class: 'card-colour', text: colours[colour] }),
        card.author ? el('span', { class: 'card-author', text: ` · ${card.author}` }) : null,
        card.votes ? el('span', { class: 'card-votes', text: ` · ${labels.count('votes', card.votes)}` }) : null))
    if (!writable) return node
    if (phase === 'grouping') node.append(moveMenu(key, card))
    if (phase === 'voting') {
      node.append(el('span', { class: 'card-actions' },
        el('button', { type: 'button', class: 'button', text: labels.text('add_vote'), 'aria-label': labels.text('add_vote_of', { text: card.text }), 'data-focus': `vote:${key}`, onclick: () => send('vote', { card: key }).then(draw) }),
        el('button', { type: 'button', class: 'button', text: labels.text('remove_vote'), 'aria-label': labels.text('remove_vote_of', { text: card.text }), 'data-focus': `unvote:${key}`, onclick: () => send('unvote', { card: key }).then(draw) })))
    }
    return node
  }

  // one of my hidden cards: I may still change or remove it before the reveal
  function ownCard (card) {
    const node = cardNode(card.key, card, 'writing')
    if (inline.is('card', card.key)) {
      node.append(inline.cardText(card.key))
      return node
    }
    node.append(el('span', { class: 'card-actions' },
      el('button', { type: 'button', class: 'button', text: labels.text('edit'), 'aria-label': labels.text('edit_card_of', { text: card.text }),
        'data-focus': `edit:${card.key}`, onclick: () => inline.open('card', card.key, card.text) }),
      el('button', { type: 'button', class: 'button', text: labels.text('delete'), 'aria-label': labels.text('delete_card_of', { text: card.text }),
        onclick: () => send('delete_card', { card: card.key }) })))
    return node
  }

  function moveMenu (key, card) {
    const select = el('select', { 'aria-label': labels.text('move_to_of', { text: card.text }), 'data-focus': `move:${key}` })
    select.append(el('option', { value: '', text: labels.text('ungrouped') }))
    for (const [ckey, cluster] of sortedClusters()) select.append(el('option', { value: ckey, text: cluster.name }))
    select.value = card.cluster || ''
    select.addEventListener('change', () => send('move_card', { card: key, cluster: select.value }))
    return el('label', { class: 'card-move' }, `${labels.text('move_to')} `, select)
  }

  const sortedClusters = () => [...clusters.entries()].sort((a, b) => (a[1].order - b[1].order) || (a[0] < b[0] ? -1 : 1))
  const cardsOf = (cluster) => [...cards.entries()].filter(([, c]) => (c.cluster || '') === cluster)
    .sort((a, b) => (a[1].order - b[1].order) || (a[0] < b[0] ? -1 : 1))

  function group (key, name, phase) {
    const list = el('ul', { class: 'metaplan-cards', 'data-cluster': key })
    for (const [ckey, card] of cardsOf(key)) list.append(cardNode(ckey, card, phase))
    const heading = el('h2', { text: name, tabindex: '-1', 'data-focus': key ? `cluster:${key}` : 'ungrouped' })
    const section = el('section', { class: 'metaplan-cluster', 'aria-label': name }, heading)
    if (writable && phase === 'grouping' && key) {
      if (inline.is('cluster', key)) section.append(inline.clusterName(key))
      else if (inline.is('delete', key)) section.append(inline.confirmDelete(key, name))
      else {
        section.append(el('button', { type: 'button', class: 'button button-small', text: labels.text('rename'), 'aria-label': labels.text('rename_cluster_of', { name }),
          'data-focus': `rename:${key}`, onclick: () => inline.open('cluster', key, name) }))
        if (manager) {
          section.append(el('button', { type: 'button', class: 'button button-small', text: labels.text('delete_cluster'), 'aria-label': labels.text('delete_cluster_of', { name }),
            'data-focus': `delete:${key}`, onclick: () => inline.open('delete', key, name) }))
        }
      }
    }
    section.append(list)
    return section
  }

  // the board is drawn again on every change: keep the keyboard where it was (the same
  // control of the same card or group, wherever it now is; an input keeps its caret)
  function remember () {
    const active = document.activeElement
    if (!active || !root.contains(active) || !active.closest('[data-board], [data-mine]')) return null
    const caret = typeof active.selectionStart === 'number' ? active.selectionStart : null
    return { id: active.dataset.focus || null, label: active.getAttribute('aria-label'), caret }
  }

  function restore (where) {
    if (!where) return
    const again = where.id ? focusNode(where.id) : [...root.querySelectorAll('[data-card] [aria-label]')].find((n) => n.getAttribute('aria-label') === where.label)
    if (!again) return
    again.focus()
    if (where.caret !== null && typeof again.setSelectionRange === 'function') again.setSelectionRange(where.caret, where.caret)
  }

  const focusNode = (id) => [...root.querySelectorAll('[data-focus]')].find((n) => n.dataset.focus === id)
  const inline = inlineEditor({ labels, send, redraw: () => draw(), focus: (id) => { const node = focusNode(id); if (node) node.focus() } })

  function draw () {
    const where = remember()
    const phase = setting('phase', 'writing')
    const written = setting('written', 0)
    q('[data-phase-label]').textContent = phases[phase] || phase
    q('[data-count]').textContent = phase === 'writing' ? labels.count('written', written) : labels.count('cards', cards.size)
    if (manager) {
      q('[data-set-phase]').value = phase
      q('[data-set-anonymous]').checked = Boolean(setting('anonymous', false))
      if (document.activeElement !== q('[data-set-votes]')) q('[data-set-votes]').value = setting('votes', 3)
    }
    if (writable) {
      q('[data-write]').hidden = phase === 'voting'
      q('[data-new-cluster]').hidden = phase !== 'grouping'
      const mineSection = q('[data-mine-section]')
      const hidden = [...mine.values()].filter((c) => !cards.has(c.key))
      mineSection.hidden = phase !== 'writing' || hidden.length === 0
      q('[data-mine]').replaceChildren(...hidden.map((c) => ownCard(c)))
      const votesLeft = q('[data-votes-left]')
      votesLeft.hidden = phase !== 'voting' || left === null
      votesLeft.textContent = labels.count('left', left)
    }
    const boardNode = q('[data-board]')
    for (const s of sortables) s.destroy()
    sortables = []
    const sections = []
    if (phase !== 'writing') {
      for (const [key, cluster] of sortedClusters()) sections.push(group(key, cluster.name, phase))
      sections.push(group('', labels.text(clusters.size ? 'ungrouped_cards' : 'all_cards'), phase))
    }
    boardNode.replaceChildren(...sections)
    restore(where)
    if (writable && phase === 'grouping') {
      for (const list of boardNode.querySelectorAll('[data-cluster]')) {
        sortables.push(Sortable.create(list, {
          group: 'cards',
          animation: 120,
          filter: 'select, button, label',
          preventOnFilter: false,
          onEnd: (event) => send('move_card', { card: event.item.dataset.card, cluster: event.to.dataset.cluster, position: event.newIndex })
        }))
      }
    }
  }

  const write = q('[data-write]')
  if (write) {
    write.addEventListener('submit', (event) => {
      event.preventDefault()
      const text = write.elements.text.value.trim()
      if (!text) return
      send('add_card', { text, colour: write.elements.colour.value }).then((ack) => {
        if (ack.ok) { write.elements.text.value = ''; message.textContent = labels.text('card_sent') }
      })
    })
    const cluster = q('[data-new-cluster]')
    cluster.addEventListener('submit', (event) => {
      event.preventDefault()
      send('add_cluster', { name: cluster.elements.name.value }).then((ack) => { if (ack.ok) cluster.elements.name.value = '' })
    })
  }
  if (manager) {
    q('[data-set-phase]').addEventListener('change', (e) => send('set_phase', { phase: e.target.value }))
    q('[data-set-anonymous]').addEventListener('change', (e) => send('set_anonymous', { anonymous: e.target.checked }))
    q('[data-set-votes]').addEventListener('change', (e) => send('set_votes', { votes: Number(e.target.value) }))
  }
  const fullscreen = q('[data-fullscreen]')
  if (fullscreen) fullscreenButton(fullscreen, root, labels)
  draw()
}
