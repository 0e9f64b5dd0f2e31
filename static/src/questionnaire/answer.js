// The answering form, made easier where scripts run (without them it is a plain form POST):
// a draft kept on this device (localStorage), a progress line, rankings put in order with
// buttons, Alt+arrows or by dragging, missing answers announced before sending, and a send
// that keeps everything when the connection drops.
import { enhanceRanking } from './ranking.js'

const STORE_VERSION = 1

function storage () {
  try { return window.localStorage } catch (e) { return null }
}

function fields (form) {
  return [...form.elements].filter((el) => el.name && el.name !== 'csrf_token' && !el.disabled)
}

function saveDraft (form, key) {
  const store = storage()
  if (!store || !key) return
  const entries = []
  for (const el of fields(form)) {
    if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue
    if (el.type === 'submit' || el.type === 'button') continue
    entries.push([el.name, el.value])
  }
  try { store.setItem(key, JSON.stringify({ v: STORE_VERSION, entries })) } catch (e) { /* full */ }
}

function restoreDraft (form, key) {
  const store = storage()
  const raw = store && key ? store.getItem(key) : null
  if (!raw) return false
  let draft
  try { draft = JSON.parse(raw) } catch (e) { return false }
  if (!draft || draft.v !== STORE_VERSION || !Array.isArray(draft.entries)) return false
  const byName = new Map()
  for (const [name, value] of draft.entries) {
    if (!byName.has(name)) byName.set(name, [])
    byName.get(name).push(value)
  }
  const seen = new Map()
  for (const el of fields(form)) {
    const values = byName.get(el.name) || []
    if (el.type === 'radio' || el.type === 'checkbox') {
      el.checked = values.includes(el.value)
    } else {
      const i = seen.get(el.name) || 0 // several words share one name: one value each, in order
      seen.set(el.name, i + 1)
      el.value = values[i] !== undefined ? values[i] : ''
    }
  }
  return true
}

function answered (question) {
  const type = question.dataset.qType
  const inputs = [...question.querySelectorAll('input, textarea, select')]
  if (type === 'ranking') return inputs.every((el) => el.value !== '')
  return inputs.some((el) => {
    if (el.type === 'radio' || el.type === 'checkbox') {
      return el.checked && (el.value !== '__autre__' || question.querySelector('.q-other-text').value.trim() !== '')
    }
    return !el.classList.contains('q-other-text') && el.value.trim() !== ''
  })
}

function setError (question, message) {
  const box = question.querySelector('[data-q-error]')
  if (box) box.textContent = message || ''
  question.classList.toggle('q-invalid', !!message)
  const target = question.querySelector('fieldset') || question.querySelector('input, textarea, select')
  if (target) {
    if (message) target.setAttribute('aria-invalid', 'true')
    else target.removeAttribute('aria-invalid')
  }
}

function focusFirst (question) {
  const el = question.querySelector('input:not([type=hidden]), textarea, select, button')
  if (el) el.focus()
  question.scrollIntoView({ block: 'center' })
}

function setup (form) {
  const key = form.dataset.draftKey
  const alertBox = form.querySelector('[data-q-alert]')
  const questions = [...form.querySelectorAll('[data-q-question]')]
  const progress = form.querySelector('[data-q-progress]')
  const submit = form.querySelector('[data-q-submit]')
  const hasServerErrors = !!form.querySelector('.q-invalid')
  form.noValidate = true

  if (!hasServerErrors && restoreDraft(form, key) && alertBox) {
    alertBox.textContent = form.dataset.labelDraft
  }
  form.querySelectorAll('[data-q-ranking]').forEach((list) => enhanceRanking(list, () => changed()))

  function updateProgress () {
    if (!progress) return
    const done = questions.filter(answered).length
    progress.hidden = false
    progress.querySelector('progress').value = done
    progress.querySelector('[data-q-progress-text]').textContent = form.dataset.labelProgress
      .replace('{n}', done).replace('{count}', questions.length)
  }

  function changed (event) {
    if (event && event.target.classList.contains('q-other-text') && event.target.value.trim()) {
      const toggle = event.target.closest('.q-other').querySelector('[data-q-other-toggle]')
      if (toggle) toggle.checked = true
    }
    const question = event && event.target.closest('[data-q-question]')
    if (question && question.classList.contains('q-invalid') && answered(question)) {
      setError(question, '')
      if (!form.querySelector('.q-invalid')) alertBox.textContent = ''
    }
    saveDraft(form, key)
    updateProgress()
  }

  function check () {
    const missing = questions.filter((q) => q.hasAttribute('data-q-required') && !answered(q))
    questions.forEach((q) => setError(q, missing.includes(q) ? form.dataset.labelRequired : ''))
    const name = form.querySelector('#f-respondent-name')
    const nameMissing = name && !name.value.trim()
    if (name) {
      form.querySelector('#q-name-erreur').textContent = nameMissing ? form.dataset.labelRequired : ''
      name.toggleAttribute('aria-invalid', !!nameMissing)
    }
    if (!missing.length && !nameMissing) return true
    alertBox.textContent = form.dataset.labelErrors
    if (nameMissing) name.focus()
    else focusFirst(missing[0])
    return false
  }

  function refused (error) {
    const question = error.field && form.querySelector(`[data-q-question="${CSS.escape(error.field)}"]`)
    alertBox.textContent = error.message
    if (question) {
      setError(question, error.message)
      focusFirst(question)
    } else if (error.field === 'name') {
      form.querySelector('#q-name-erreur').textContent = error.message
      form.querySelector('#f-respondent-name').focus()
    }
  }

  async function send (event) {
    event.preventDefault()
    if (!check()) return
    saveDraft(form, key)
    const label = submit.textContent
    submit.disabled = true
    submit.textContent = form.dataset.labelSending
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new FormData(form),
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      })
      const body = await response.json().catch(() => ({}))
      if (response.ok && body.redirect) {
        const store = storage()
        if (store && key) store.removeItem(key)
        window.location.assign(body.redirect)
        return
      }
      refused((body && body.error) || { message: form.dataset.labelOffline })
    } catch (e) {
      alertBox.textContent = form.dataset.labelOffline
    } finally {
      submit.disabled = false
      submit.textContent = label
    }
  }

  form.addEventListener('input', changed)
  form.addEventListener('change', changed)
  if (submit) form.addEventListener('submit', send)
  updateProgress()
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-q-form]').forEach(setup)
  const thanks = document.querySelector('[data-q-thanks]')
  const store = storage()
  if (thanks && store && thanks.dataset.draftKey) store.removeItem(thanks.dataset.draftKey)
})
