// The builder's card of a question → the question's data, and the JSON requests it sends.

const value = (card, name) => {
  const el = card.querySelector(`[data-b-field="${name}"]`)
  if (!el) return undefined
  return el.type === 'checkbox' ? el.checked : el.value
}

function scores (card) {
  const inputs = [...card.querySelectorAll('[data-b-score]')]
  if (!inputs.length) return undefined
  const result = {}
  for (const input of inputs) {
    const points = parseInt(input.value, 10)
    if (!points) continue
    result[input.dataset.option] = result[input.dataset.option] || {}
    result[input.dataset.option][input.dataset.profile] = points
  }
  return result
}

export function collect (card) {
  const data = {
    label: value(card, 'label'),
    type: value(card, 'type'),
    section: value(card, 'section') || null,
    help: value(card, 'help'),
    required: value(card, 'required')
  }
  const options = value(card, 'options')
  if (options !== undefined) data.options = options.split('\n').map((o) => o.trim()).filter(Boolean)
  const other = value(card, 'allow_other')
  if (other !== undefined) data.allow_other = other
  if (value(card, 'scale_min') !== undefined) {
    data.scale = {
      min: parseInt(value(card, 'scale_min'), 10),
      max: parseInt(value(card, 'scale_max'), 10),
      min_label: value(card, 'min_label'),
      max_label: value(card, 'max_label')
    }
  }
  if (value(card, 'max_words') !== undefined) data.max_words = parseInt(value(card, 'max_words'), 10)
  const points = scores(card)
  if (points !== undefined && data.options) {
    // points only for options that still exist (an option renamed or removed loses them)
    data.scores = Object.fromEntries(Object.entries(points).filter(([option]) => data.options.includes(option)))
  }
  // a type change keeps what fits the new type: the server completes what is missing
  const rendered = card.querySelector('[data-b-field=type]').dataset.rendered
  if (rendered !== data.type) {
    delete data.scale
    delete data.max_words
    delete data.scores
    if (!['single_choice', 'multiple_choice'].includes(data.type)) delete data.allow_other
  }
  return data
}

// One request at a time, in the order they were made (each change rewrites the questionnaire's
// page). The server makes saves of one questionnaire take turns, so none loses a race for the
// page's next version; a 409 "conflict" (a write raced elsewhere) is still sent again, twice
// at most.
let queue = Promise.resolve()
const RETRIES = 2

export function post (url, csrf, payload) {
  const run = queue.then(async () => {
    for (let attempt = 0; ; attempt++) {
      const result = await send(url, csrf, payload)
      const lostRace = result.status === 409 && result.body.error && result.body.error.code === 'conflict'
      if (!lostRace || attempt >= RETRIES) return result
      await new Promise((resolve) => setTimeout(resolve, 150 * (attempt + 1)))
    }
  })
  queue = run.catch(() => {})
  return run
}

async function send (url, csrf, payload) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify(payload)
    })
    const body = await response.json().catch(() => ({}))
    return { ok: response.ok, status: response.status, body }
  } catch (e) {
    return { ok: false, status: 0, body: {} }
  }
}
