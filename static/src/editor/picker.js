// The toolbar's chooser: a <dialog> (templates/pages/_live_editor.html) listing the space's
// images or pages, with a filter, and/or an address field. No <form> inside: the editor sits
// in the page's edit form, and forms do not nest; so Enter is handled here, never submits.

// Fetch a JSON list from our API (session cookie); [] when it is unreachable (offline).
export async function fetchList (url) {
  if (!url) return []
  try {
    const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    const body = response.ok ? await response.json() : []
    return Array.isArray(body) ? body : []
  } catch (error) {
    return []
  }
}

// An address of this site without its origin ("/s/…"): the text must not name the host it
// was written on (it changes, and the API answers with absolute addresses).
export function localAddress (url) {
  try {
    const parsed = new URL(url, window.location.href)
    return parsed.origin === window.location.origin ? parsed.pathname + parsed.search : parsed.href
  } catch (error) {
    return url
  }
}

function itemButton (item) {
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'live-picker-item'
  if (item.thumbnail) {
    const img = document.createElement('img')
    img.src = item.thumbnail
    img.alt = ''
    img.loading = 'lazy'
    button.append(img)
  }
  const label = document.createElement('span')
  label.textContent = item.label
  button.append(label)
  return button
}

// choose(dialog, {mode: 'image' | 'page' | 'link', items: [{label, thumbnail?, value}]})
// → Promise of {value} (an item's), {url} (typed address) or null (cancelled).
export function choose (dialog, { mode, items = [] }) {
  const q = (selector) => dialog.querySelector(selector)
  const filter = q('[data-picker-filter]')
  const list = q('[data-picker-list]')
  const url = q('[data-picker-url]')
  const withList = mode !== 'link'
  q('[data-picker-title]').textContent = dialog.dataset[`title${mode[0].toUpperCase()}${mode.slice(1)}`]
  q('[data-picker-url-label]').textContent = dialog.dataset[mode === 'link' ? 'urlLink' : 'urlImage']
  q('[data-picker-url-field]').hidden = mode === 'page'
  q('[data-picker-use-url]').hidden = mode === 'page'
  filter.hidden = !withList || items.length < 6
  filter.value = ''
  url.value = ''
  const buttons = items.map((item) => {
    const button = itemButton(item)
    button.addEventListener('click', () => finish({ value: item.value }))
    const li = document.createElement('li')
    li.append(button)
    return { li, text: item.label.toLowerCase() }
  })
  list.replaceChildren(...buttons.map((b) => b.li))
  list.hidden = !withList
  const empty = q('[data-picker-empty]')
  empty.hidden = !withList || items.length > 0

  let settle
  const done = new Promise((resolve) => { settle = resolve })
  const finish = (result) => {
    settle(result)
    dialog.close()
  }
  const onFilter = () => {
    const needle = filter.value.trim().toLowerCase()
    for (const b of buttons) b.li.hidden = !b.text.includes(needle)
  }
  const useUrl = () => {
    const address = url.value.trim()
    if (address) finish({ url: address })
    else url.focus()
  }
  const onKey = (event) => {
    if (event.key !== 'Enter') return
    event.preventDefault() // never the page's form
    if (event.target === url) return useUrl()
    const first = buttons.find((b) => !b.li.hidden)
    if (event.target === filter && first) first.li.firstChild.click()
  }
  const onClick = (event) => {
    const action = event.target.closest('[data-picker-cancel], [data-picker-use-url]')
    if (action && action.matches('[data-picker-cancel]')) finish(null)
    else if (action) useUrl()
  }
  filter.addEventListener('input', onFilter)
  dialog.addEventListener('keydown', onKey)
  dialog.addEventListener('click', onClick)
  dialog.addEventListener('close', () => {
    settle(null) // Escape: cancelled (a no-op after a choice)
    filter.removeEventListener('input', onFilter)
    dialog.removeEventListener('keydown', onKey)
    dialog.removeEventListener('click', onClick)
  }, { once: true })
  dialog.showModal()
  const start = withList && !filter.hidden ? filter : (withList && buttons.length ? buttons[0].li.firstChild : url)
  start.focus()
  return done
}
