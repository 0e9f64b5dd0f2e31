// The Métaplan board: the page's Yjs document (written by the server only) drawn as cards,
// and the person's actions sent as `board` intents on /collab, which the server checks.
// Cards hidden while "writing" never come through the document: the author's own arrive as
// `board_private` events (and from `mine` after a reload).
import Sortable from 'sortablejs'
import { LiveConnection } from '../editor/connection.js'

const root = document.querySelector('[data-metaplan]')
if (root) start(root)

function el (tag, props = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value
    else if (key === 'text') node.textContent = value
    else if (key.startsWith('data-') || key.startsWith('aria-')) node.setAttribute(key, value)
    else node[key] = value
  }
  for (const child of children) if (child) node.append(child)
  return node
}

function start (root) {
  const pageId = Number(root.dataset.pageId)
  const writable = root.dataset.writable === 'true'
  const manager = root.dataset.manager === 'true'
  const colours = JSON.parse(root.dataset.colours)
  const patterns = JSON.parse(root.dataset.patterns)
  const phases = JSON.parse(root.dataset.phases)
  const q = (selector) => root.querySelector(selector)
  const message = q('[data-message]')
  const mine = new Map()
  let left = null
  let sortables = []

  const live = new LiveConnection(pageId, {
    onStatus: (status) => { q('[data-status]').textContent = status === 'online' ? '' : '(reconnexion…)' },
    onError: (error) => { if (message && error.message) message.textContent = error.message },
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
        card.votes ? el('span', { class: 'card-votes', text: ` · ${card.votes} gommette${card.votes > 1 ? 's' : ''}` }) : null))
    if (!writable) return node
    if (phase === 'grouping') node.append(moveMenu(key, card))
    if (phase === 'voting') {
      node.append(el('span', { class: 'card-actions' },
        el('button', { type: 'button', class: 'button', text: '+ gommette', 'aria-label': `Ajouter une gommette : ${card.text}`, onclick: () => send('vote', { card: key }).then(draw) }),
        el('button', { type: 'button', class: 'button', text: '− gommette', 'aria-label': `Retirer une gommette : ${card.text}`, onclick: () => send('unvote', { card: key }).then(draw) })))
    }
    return node
  }

  // one of my hidden cards: I may still change or remove it before the reveal
  function ownCard (card) {
    const node = cardNode(card.key, card, 'writing')
    node.append(el('span', { class: 'card-actions' },
      el('button', { type: 'button', class: 'button', text: 'Modifier', 'aria-label': `Modifier la carte : ${card.text}`,
        onclick: () => { const text = window.prompt('Texte de la carte', card.text); if (text) send('edit_card', { card: card.key, text }) } }),
      el('button', { type: 'button', class: 'button', text: 'Supprimer', 'aria-label': `Supprimer la carte : ${card.text}`,
        onclick: () => send('delete_card', { card: card.key }) })))
    return node
  }

  function moveMenu (key, card) {
    const select = el('select', { 'aria-label': `Déplacer vers… : ${card.text}` })
    select.append(el('option', { value: '', text: 'Sans groupe' }))
    for (const [ckey, cluster] of sortedClusters()) select.append(el('option', { value: ckey, text: cluster.name }))
    select.value = card.cluster || ''
    select.addEventListener('change', () => send('move_card', { card: key, cluster: select.value }))
    return el('label', { class: 'card-move' }, 'Déplacer vers… ', select)
  }

  const sortedClusters = () => [...clusters.entries()].sort((a, b) => (a[1].order - b[1].order) || (a[0] < b[0] ? -1 : 1))
  const cardsOf = (cluster) => [...cards.entries()].filter(([, c]) => (c.cluster || '') === cluster)
    .sort((a, b) => (a[1].order - b[1].order) || (a[0] < b[0] ? -1 : 1))

  function group (key, name, phase) {
    const list = el('ul', { class: 'metaplan-cards', 'data-cluster': key })
    for (const [ckey, card] of cardsOf(key)) list.append(cardNode(ckey, card, phase))
    const heading = el('h2', { text: name })
    const section = el('section', { class: 'metaplan-cluster', 'aria-label': name }, heading)
    if (writable && phase === 'grouping' && key) {
      section.append(el('button', { type: 'button', class: 'button button-small', text: 'Renommer', 'aria-label': `Renommer le groupe ${name}`,
        onclick: () => { const next = window.prompt('Nouveau nom du groupe', name); if (next) send('rename_cluster', { cluster: key, name: next }) } }))
    }
    section.append(list)
    return section
  }

  function draw () {
    const phase = setting('phase', 'writing')
    const written = setting('written', 0)
    q('[data-phase-label]').textContent = phases[phase] || phase
    q('[data-count]').textContent = phase === 'writing' ? `${written} carte${written > 1 ? 's' : ''} écrite${written > 1 ? 's' : ''}` : `${cards.size} carte${cards.size > 1 ? 's' : ''}`
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
      votesLeft.textContent = `Il vous reste ${left} gommette${left > 1 ? 's' : ''}.`
    }
    const boardNode = q('[data-board]')
    // the board is drawn again on every change: keep the keyboard where it was (the same
    // control of the same card, wherever the card now is)
    const active = document.activeElement
    const focusCard = active && boardNode.contains(active) ? active.closest('[data-card]') : null
    const focusLabel = focusCard ? active.getAttribute('aria-label') : null
    for (const s of sortables) s.destroy()
    sortables = []
    const sections = []
    if (phase !== 'writing') {
      for (const [key, cluster] of sortedClusters()) sections.push(group(key, cluster.name, phase))
      sections.push(group('', clusters.size ? 'Cartes sans groupe' : 'Cartes', phase))
    }
    boardNode.replaceChildren(...sections)
    if (focusLabel) {
      const again = [...boardNode.querySelectorAll('[aria-label]')].find((n) => n.getAttribute('aria-label') === focusLabel)
      if (again) again.focus()
    }
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
        if (ack.ok) { write.elements.text.value = ''; message.textContent = 'Carte envoyée.' }
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
  draw()
}
