// The questionnaire builder: each question saves itself a moment after a change (its version
// goes with it: a question changed meanwhile by another facilitator is reloaded, not
// overwritten); questions move with "Monter" / "Descendre", Alt+↑/↓ (focus stays where it
// was) or by their handle (SortableJS); "Aperçu" shows the form as participants see it.
import Sortable from 'sortablejs'
import { announce, enhanceRanking } from './ranking.js'
import { collect, post } from './builder-data.js'

const DELAY = 700

function setup (root) {
  const list = root.querySelector('[data-b-list]')
  const status = root.querySelector('[data-b-status]')
  const region = root.querySelector('[data-b-announce]')
  const csrf = root.dataset.csrf
  const state = new Map() // question id → { timer, busy, again }
  let failed = null
  let requests = 0 // moves, duplicates, deletions, additions under way
  const url = (id, suffix = '') => root.dataset.questionUrl.replace(/\/0$/, `/${id}`) + suffix
  const cards = () => [...list.querySelectorAll('[data-b-question]')]
  const say = (text) => announce(region, text)

  function showStatus () {
    const busy = pending() > 0
    status.classList.toggle('b-status-error', !!failed && !busy)
    status.textContent = busy ? root.dataset.labelSaving : (failed || root.dataset.labelSaved)
    status.setAttribute('role', failed && !busy ? 'alert' : 'status')
  }

  let profilesBusy = () => false
  function pending () {
    return requests + [...state.values()].filter((s) => s.busy || s.timer).length + (profilesBusy() ? 1 : 0)
  }

  // a request other than a question's save, counted while it is under way
  async function tracked (url, payload) {
    requests++
    showStatus()
    try { return await post(url, csrf, payload) } finally { requests--; showStatus() }
  }

  function renumber () {
    cards().forEach((card, i) => { card.querySelector('[data-b-number]').textContent = String(i + 1) })
  }

  function replaceCard (card, html) {
    const field = document.activeElement && card.contains(document.activeElement) && document.activeElement.dataset.bField
    const template = document.createElement('template')
    template.innerHTML = html.trim()
    const fresh = template.content.firstElementChild
    card.replaceWith(fresh)
    renumber()
    if (field) {
      const again = fresh.querySelector(`[data-b-field="${field}"]`)
      if (again) again.focus()
    }
    return fresh
  }

  function entry (id) {
    if (!state.has(id)) state.set(id, { timer: null, busy: false, again: false })
    return state.get(id)
  }

  // what the server would refuse, said next to the field before anything is sent
  function problem (data) {
    if (!data.label || !data.label.trim()) return ['label', root.dataset.labelEmpty]
    if (data.options && new Set(data.options).size < 2) return ['options', root.dataset.labelOptions]
    return null
  }

  function fieldError (card, field, message) {
    card.querySelector('[data-b-error]').textContent = message || ''
    card.querySelectorAll('[data-b-field]').forEach((el) => {
      el.toggleAttribute('aria-invalid', !!message && el.dataset.bField === field)
    })
  }

  async function save (card) {
    const id = card.dataset.bQuestion
    card = list.querySelector(`[data-b-question="${id}"]`) || card // it may have been reloaded
    const s = entry(id)
    clearTimeout(s.timer)
    s.timer = null
    if (s.busy) { s.again = true; return }
    const wrong = problem(collect(card))
    if (wrong) {
      fieldError(card, ...wrong)
      failed = root.dataset.labelError.replace('{message}', wrong[1])
      showStatus()
      return
    }
    s.busy = true
    showStatus()
    const sentType = collect(card).type
    const { ok, status: code, body } = await post(url(id), csrf, { data: collect(card), base_version: Number(card.dataset.version) })
    s.busy = false
    if (ok) {
      failed = null
      const current = list.querySelector(`[data-b-question="${id}"]`)
      if (current) {
        fieldError(current, null, '')
        current.dataset.version = String(body.question.version)
        if (current.querySelector('[data-b-field=type]').dataset.rendered !== sentType) replaceCard(current, body.html)
      }
    } else if (code === 409 && body.error && body.error.code === 'stale') {
      const current = list.querySelector(`[data-b-question="${id}"]`)
      const n = current ? cards().indexOf(current) + 1 : ''
      if (current) replaceCard(current, body.html)
      failed = root.dataset.labelStale.replace('{n}', n)
      s.again = false
    } else {
      failed = body && body.error ? root.dataset.labelError.replace('{message}', body.error.message) : root.dataset.labelOffline
      if (body && body.error) fieldError(card, body.error.field, body.error.message)
    }
    if (s.again) {
      s.again = false
      const current = list.querySelector(`[data-b-question="${id}"]`)
      if (current) return save(current)
    }
    showStatus()
  }

  function schedule (card, delay = DELAY) {
    const s = entry(card.dataset.bQuestion)
    clearTimeout(s.timer)
    s.timer = setTimeout(() => save(card), delay)
    showStatus()
  }

  async function flushAll () {
    await Promise.all(cards().filter((c) => entry(c.dataset.bQuestion).timer).map(save))
  }

  async function moveTo (card, index) {
    const all = cards()
    renumber()
    say(root.dataset.labelMoved.replace('{n}', index + 1).replace('{count}', all.length))
    const { ok, body } = await tracked(url(card.dataset.bQuestion, '/deplacer'), { position: index })
    failed = ok ? null : root.dataset.labelError.replace('{message}', (body.error || {}).message || '')
    showStatus()
  }

  function move (card, step) {
    const sibling = step < 0 ? card.previousElementSibling : card.nextElementSibling
    if (!sibling) return
    const focused = document.activeElement
    if (step < 0) sibling.before(card)
    else sibling.after(card)
    if (focused && card.contains(focused)) focused.focus()
    moveTo(card, cards().indexOf(card))
  }

  async function duplicate (card) {
    await flushAll()
    const { ok, body } = await tracked(url(card.dataset.bQuestion, '/dupliquer'), {})
    if (!ok) { failed = root.dataset.labelError.replace('{message}', body.error.message); showStatus(); return }
    card.insertAdjacentHTML('afterend', body.html)
    renumber()
    card.nextElementSibling.querySelector('[data-b-field=label]').focus()
    say(root.dataset.labelDuplicated)
  }

  async function remove (card, confirmed = false) {
    const { ok, status: code, body } = await tracked(url(card.dataset.bQuestion, '/supprimer'), { confirm: confirmed })
    if (!ok && code === 409 && !confirmed) {
      if (window.confirm(card.querySelector('[data-b-delete]').dataset.confirmAnswers)) return remove(card, true)
      return
    }
    if (!ok) { failed = root.dataset.labelError.replace('{message}', body.error.message); showStatus(); return }
    const next = card.nextElementSibling || card.previousElementSibling
    state.delete(card.dataset.bQuestion)
    card.remove()
    renumber()
    ;(next ? next.querySelector('[data-b-field=label]') : root.querySelector('#b-new-type')).focus()
    say(root.dataset.labelDeleted)
  }

  list.addEventListener('input', (event) => {
    const card = event.target.closest('[data-b-question]')
    if (card && event.target.type !== 'checkbox' && event.target.tagName !== 'SELECT') schedule(card)
  })
  list.addEventListener('change', (event) => {
    const card = event.target.closest('[data-b-question]')
    if (card) schedule(card, 0)
  })
  list.addEventListener('focusout', (event) => {
    const card = event.target.closest('[data-b-question]')
    if (card && entry(card.dataset.bQuestion).timer) save(card)
  })
  list.addEventListener('click', (event) => {
    const card = event.target.closest('[data-b-question]')
    if (!card) return
    const b = event.target.closest('button')
    if (!b) return
    if (b.dataset.bMove) move(card, Number(b.dataset.bMove))
    else if (b.hasAttribute('data-b-duplicate')) duplicate(card)
    else if (b.hasAttribute('data-b-delete')) remove(card)
  })
  list.addEventListener('keydown', (event) => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return
    const card = event.target.closest('[data-b-question]')
    if (!card) return
    event.preventDefault()
    move(card, event.key === 'ArrowUp' ? -1 : 1)
  })
  Sortable.create(list, {
    handle: '.b-handle',
    animation: 150,
    onEnd: (event) => { if (event.oldIndex !== event.newIndex) moveTo(event.item, event.newIndex) }
  })

  root.querySelector('[data-b-add]').addEventListener('submit', async (event) => {
    event.preventDefault()
    const type = event.target.querySelector('select').value
    const { ok, body } = await tracked(root.dataset.addUrl, { type })
    if (!ok) { failed = root.dataset.labelError.replace('{message}', body.error.message); showStatus(); return }
    list.insertAdjacentHTML('beforeend', body.html)
    renumber()
    const label = list.lastElementChild.querySelector('[data-b-field=label]')
    label.focus()
    label.select()
    say(root.dataset.labelAdded)
  })

  profilesBusy = setupProfiles(root, csrf, (message) => { failed = message; showStatus() }, flushAll)
  setupPreview(root, flushAll)
  window.addEventListener('online', () => { if (failed) cards().forEach((c) => schedule(c, 0)) })
  window.addEventListener('beforeunload', (event) => {
    if (pending() > 0) event.preventDefault()
  })
  window.cercleBuilder = { flushAll, pending }
}

// the quiz's profiles, saved together a moment after a change; returns "is a save pending?"
function setupProfiles (root, csrf, report, flushAll) {
  const box = root.querySelector('[data-b-profiles]')
  if (!box) return () => false
  let timer = null
  let saving = false
  const profiles = () => [...box.querySelectorAll('[data-b-profile]')].map((fs) => ({
    key: fs.dataset.bProfile,
    title: fs.querySelector('[data-b-profile-field=title]').value,
    text: fs.querySelector('[data-b-profile-field=text]').value
  }))
  const save = async (list) => {
    timer = null
    saving = true
    const { ok, body } = await post(root.dataset.profilesUrl, csrf, { profiles: list })
    saving = false
    report(ok ? null : root.dataset.labelError.replace('{message}', body.error.message))
    return ok
  }
  box.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(() => save(profiles()), DELAY)
    report(null)
  })
  // a new profile is a new column of points in every question: the page is drawn again
  const add = box.querySelector('[data-b-add-profile]')
  add.addEventListener('click', async () => {
    await flushAll()
    const taken = new Set(profiles().map((p) => p.key))
    let n = taken.size + 1
    while (taken.has(`profil-${n}`)) n++
    if (await save([...profiles(), { key: `profil-${n}`, title: `${add.dataset.newTitle} ${n}`, text: '' }])) {
      window.location.reload()
    }
  })
  return () => saving || timer !== null
}

function setupPreview (root, flushAll) {
  const toggle = root.querySelector('[data-b-preview]')
  const pane = root.querySelector('[data-b-preview-pane]')
  const editor = root.querySelector('[data-b-editor]')
  toggle.addEventListener('click', async () => {
    const showing = toggle.getAttribute('aria-pressed') === 'true'
    if (showing) {
      pane.hidden = true
      editor.hidden = false
      toggle.setAttribute('aria-pressed', 'false')
      toggle.textContent = root.dataset.labelPreview
      toggle.focus()
      return
    }
    await flushAll()
    const response = await fetch(root.dataset.previewUrl, { credentials: 'same-origin' })
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html')
    const parts = [doc.querySelector('.q-intro'), doc.querySelector('.q-form')].filter(Boolean)
    pane.replaceChildren(...parts.map((node) => document.importNode(node, true)))
    pane.querySelectorAll('form').forEach((form) => form.addEventListener('submit', (e) => e.preventDefault()))
    pane.querySelectorAll('[data-q-ranking]').forEach((list) => enhanceRanking(list, () => {}))
    editor.hidden = true
    pane.hidden = false
    toggle.setAttribute('aria-pressed', 'true')
    toggle.textContent = root.dataset.labelBack
    pane.focus()
  })
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-builder]').forEach(setup)
})
