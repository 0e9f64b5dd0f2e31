// What the page tree's reorganiser and the mémoire builder share: their words (from the
// template's data-labels), the aria-live line, errors in words, and JSON posts with CSRF.

export function labels (root) {
  try { return JSON.parse(root.dataset.labels || '{}') } catch (e) { return {} }
}

export function fill (text, values) {
  return String(text || '').replace(/\{(\w+)\}/g, (_, name) => (name in values ? values[name] : ''))
}

export function announcer (root) {
  const status = root.querySelector('[data-status]')
  const error = root.querySelector('[data-error]')
  return {
    say (text) {
      if (error) { error.hidden = true; error.textContent = '' }
      // empty first, so the same sentence twice is read twice
      if (status) { status.textContent = ''; window.setTimeout(() => { status.textContent = text }, 30) }
    },
    fail (text) {
      if (status) status.textContent = ''
      if (error) { error.textContent = text; error.hidden = false }
    }
  }
}

export async function postJson (url, csrf, payload) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf || '' },
      body: JSON.stringify(payload)
    })
    const body = await response.json().catch(() => ({}))
    return { ok: response.ok, status: response.status, body }
  } catch (e) {
    return { ok: false, status: 0, body: {} }
  }
}

// Alt + arrow on a focused item: which move it asks for
export function keyMove (event) {
  if (!event.altKey || event.ctrlKey || event.metaKey) return null
  return { ArrowUp: 'up', ArrowDown: 'down', ArrowRight: 'indent', ArrowLeft: 'outdent' }[event.key] || null
}
