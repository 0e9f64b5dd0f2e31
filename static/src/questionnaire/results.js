// The live results wall and the projector view: the server draws every chart (SVG) and sends
// the whole results dict on the Socket.IO namespace /results after each answer; this script
// puts the new pictures and numbers in place. Text comes in as text (textContent), charts as
// SVG documents parsed apart, never as HTML.
import { io } from 'socket.io-client'
import { setupProjector } from './projector.js'

const number = (value, lang) =>
  value === null || value === undefined ? '—' : Number(value).toLocaleString(lang, { maximumFractionDigits: 2 })

function plural (root, name, n) {
  const pattern = n === 1 || n === 0 ? root.dataset[`label${name}One`] : root.dataset[`label${name}Other`]
  return (pattern || '{n}').replace('{n}', n)
}

function putSvg (box, svg) {
  if (!box || typeof svg !== 'string' || !svg) return
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml')
  const el = doc.documentElement
  if (el.nodeName !== 'svg' || doc.querySelector('parsererror')) return
  box.replaceChildren(document.importNode(el, true))
}

function el (tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

// text cards, the ones that were not there before highlighted (newest first is not known:
// the server orders them so that nobody can tell who wrote what)
function texts (root, list, given, seen, key) {
  if (!list) return
  const before = seen.get(key) || new Map()
  const now = new Map()
  const items = (given || []).map((t) => {
    const body = typeof t === 'string' ? t : t.text
    const count = (now.get(body) || 0) + 1
    now.set(body, count)
    const li = el('li', 'r-text')
    li.append(el('span', 'r-text-body', body))
    if (t && t.name) li.append(el('span', 'r-text-name', t.name))
    if (seen.has(key) && count > (before.get(body) || 0)) {
      li.classList.add('r-new')
      li.append(el('span', 'visually-hidden', ` (${root.dataset.labelNew})`))
    }
    return li
  })
  seen.set(key, now)
  if (items.some((li) => li.classList.contains('r-new')) || items.length !== list.children.length) {
    list.replaceChildren(...items)
  }
}

function hideForm (root, url, w) {
  const form = el('form', 'inline-form')
  form.method = 'post'
  form.action = url
  form.dataset.rHide = ''
  for (const [name, value] of [['csrf_token', root.dataset.csrf], ['stem', w.stem], ['hidden', w.hidden ? '0' : '1']]) {
    const input = el('input')
    input.type = 'hidden'
    input.name = name
    input.value = value
    form.append(input)
  }
  form.append(el('button', 'link-button r-hide', (w.hidden ? root.dataset.labelShow : root.dataset.labelHide).replace('{w}', w.word)))
  return form
}

function words (root, card, question) {
  const list = card.querySelector('[data-r-words]')
  if (!list) return
  const url = list.dataset.hideUrl
  // the room's broadcast does not list the words taken off the wall: those stay as they are,
  // unless the broadcast shows one again
  const shown = new Set((question.words || []).map((w) => w.stem))
  const kept = question.hidden === undefined
    ? [...list.querySelectorAll('.r-word-hidden')].filter((li) => !shown.has(li.dataset.stem))
    : []
  const all = (question.words || []).concat((question.hidden || []).map((w) => ({ ...w, hidden: true })))
  list.replaceChildren(...all.map((w) => {
    const li = el('li', 'r-word' + (w.hidden ? ' r-word-hidden' : ''))
    li.dataset.stem = w.stem
    li.append(el('span', 'r-word-text', w.word), ' ', el('span', 'r-word-count', String(w.count)))
    if (url) li.append(' ', hideForm(root, url, w))
    return li
  }), ...kept)
}

function ranks (root, card, question) {
  const list = card.querySelector('[data-r-ranks]')
  if (!list || !question.mean_rank) return
  const sorted = Object.entries(question.mean_rank).sort((a, b) => a[1] - b[1])
  list.replaceChildren(...sorted.map(([option, rank]) => {
    const li = el('li', '', option + ' ')
    li.append(el('span', 'r-rank', root.dataset.labelRank.replace('{r}', number(rank, document.documentElement.lang))))
    return li
  }))
}

function render (root, results, seen) {
  const lang = document.documentElement.lang || 'fr'
  const count = root.querySelector('[data-r-respondents]')
  if (count) count.textContent = plural(root, 'Respondents', results.respondents)
  for (const question of results.questions || []) {
    const card = root.querySelector(`[data-r-question="${question.id}"]`)
    if (!card) continue
    putSvg(card.querySelector('[data-r-svg]'), question.svg)
    const mean = card.querySelector('[data-r-mean]')
    if (mean) mean.textContent = number(question.mean, lang)
    const answered = card.querySelector('[data-r-answered]')
    if (answered && question.answered !== undefined) answered.textContent = plural(root, 'Answers', question.answered)
    card.querySelectorAll('[data-r-count]').forEach((cell) => {
      const n = cell.hasAttribute('data-r-other-count') ? (question.other || {}).count : (question.counts || {})[cell.dataset.rCount]
      if (n !== undefined) cell.textContent = String(n)
    })
    ranks(root, card, question)
    words(root, card, question)
    texts(root, card.querySelector('[data-r-texts]'), question.texts, seen, question.id)
    texts(root, card.querySelector('[data-r-other]'), (question.other || {}).texts, seen, `${question.id}:other`)
  }
  putSvg(root.querySelector('[data-r-extra=profiles] [data-r-svg]'), results.profiles && results.profiles.svg)
  putSvg(root.querySelector('[data-r-extra=radar] [data-r-svg]'), results.radar_svg)
  root.dataset.respondents = String(results.respondents)
  root.dispatchEvent(new CustomEvent('cercle:results', { detail: results }))
}

// a word hidden (or shown again): a facilitator's list marks it, the others' lose it (the
// next results broadcast brings a word shown again back)
function markWord (root, li, hidden) {
  const form = li.querySelector('form[data-r-hide]')
  if (!form) {
    if (hidden) li.remove()
    return
  }
  li.classList.toggle('r-word-hidden', hidden)
  form.querySelector('[name=hidden]').value = hidden ? '0' : '1'
  const word = li.querySelector('.r-word-text').textContent
  form.querySelector('button').textContent = (hidden ? root.dataset.labelShow : root.dataset.labelHide).replace('{w}', word)
}

function wordChanged (root, change) {
  const card = root.querySelector(`[data-r-question="${change.question_id}"]`)
  const list = card && card.querySelector('[data-r-words]')
  if (!list) return
  const li = [...list.querySelectorAll('.r-word')].find((item) => item.dataset.stem === change.stem)
  if (li) markWord(root, li, Boolean(change.hidden))
}

function hideWords (root) {
  root.addEventListener('submit', async (event) => {
    const form = event.target.closest('form[data-r-hide]')
    if (!form) return
    event.preventDefault()
    // read before sending: the room's "word" event may mark the word before the answer comes
    const hidden = form.querySelector('[name=hidden]').value === '1'
    const li = form.closest('.r-word')
    const response = await fetch(form.action, {
      method: 'POST', body: new FormData(form), credentials: 'same-origin', headers: { Accept: 'application/json' }
    }).catch(() => null)
    if (response && response.ok) markWord(root, li, hidden)
  })
}

function connect (root) {
  const id = Number(root.dataset.questionnaireId)
  const status = root.querySelector('[data-r-status]')
  const seen = new Map()
  const socket = io('/results', { transports: ['websocket'], withCredentials: true })
  const say = (text) => { if (status) status.textContent = text }
  socket.on('connect', () => {
    socket.emit('watch', { questionnaire_id: id }, (ack) => {
      if (ack && ack.ok) {
        say(root.dataset.labelLive)
        render(root, ack.results, seen)
      } else if (ack && ack.error) {
        say(ack.error.message)
      }
    })
  })
  socket.on('results', (results) => {
    if (results && results.questionnaire_id === id) render(root, results, seen)
  })
  socket.on('word', (change) => {
    if (change && change.questionnaire_id === id) wordChanged(root, change)
  })
  socket.on('archived', (info) => {
    if (!info || info.questionnaire_id !== id) return
    root.dataset.archived = 'true'
    document.dispatchEvent(new CustomEvent('cercle:archived', { detail: { questionnaireId: id } }))
  })
  socket.on('disconnect', () => say(root.dataset.labelOffline))
  socket.on('connect_error', () => say(root.dataset.labelOffline))
  window.cercleResults = { socket, root }
}

document.addEventListener('DOMContentLoaded', () => {
  const root = document.querySelector('[data-r-live]')
  if (!root) return
  hideWords(root)
  if (root.hasAttribute('data-projector')) setupProjector(root)
  connect(root)
})
