// The mémoire builder: the chosen items as an ordered list (drag by the handle, or ↑ ↓ and
// Alt + arrows), "Retirer" and "Ajouter"; the hidden field carries the order to the server
// when "Enregistrer la sélection" is pressed (POST …/memoire/selection).
import Sortable from 'sortablejs'
import { announcer, fill, keyMove, labels } from '../tree/shared.js'

function mount (root) {
  const words = labels(root)
  const say = announcer(root)
  const chosen = root.querySelector('[data-chosen]')
  const available = root.querySelector('[data-available]')
  const field = root.querySelector('[data-selection]')
  const form = root.querySelector('[data-selection-form]')
  const items = () => [...chosen.querySelectorAll(':scope > li.memoire-item')]

  function sync (message) {
    field.value = JSON.stringify(items().map((li) => JSON.parse(li.dataset.ref)))
    root.dataset.dirty = '1'
    say.say(message ? `${message} ${words.unsaved}` : words.unsaved)
  }

  function position (li) {
    return fill(words.moved, { title: li.dataset.title, position: items().indexOf(li) + 1, count: items().length })
  }

  function tools (li) {
    const box = li.querySelector('[data-tools]')
    if (box) box.hidden = false
  }

  function move (li, how) {
    const all = items()
    const i = all.indexOf(li)
    if (how === 'up' && i > 0) chosen.insertBefore(li, all[i - 1])
    else if (how === 'down' && i < all.length - 1) chosen.insertBefore(all[i + 1], li)
    else { say.say(fill(words.no_move, { title: li.dataset.title })); return }
    const button = li.querySelector(`[data-move="${how}"]`)
    if (button) button.focus()
    sync(position(li))
  }

  // a copy of a <template> of the page, its buttons named after ``title``
  function fromTemplate (name, title) {
    const node = root.querySelector(`template[${name}]`).content.firstElementChild.cloneNode(true)
    const buttons = node.matches('button') ? [node] : [...node.querySelectorAll('button')]
    buttons.forEach((b) => b.setAttribute('aria-label', fill(b.dataset.labelPattern, { title })))
    return node
  }

  function entryFrom (li, withHandle) {
    const entry = document.createElement('li')
    entry.className = 'memoire-item'
    for (const name of ['ref', 'title', 'key']) entry.dataset[name] = li.dataset[name]
    if (withHandle) {
      const handle = document.createElement('span')
      handle.className = 'reorg-handle'
      handle.setAttribute('aria-hidden', 'true')
      handle.textContent = '⠿'
      entry.append(handle, ' ')
    }
    entry.append(...[...li.querySelectorAll('.memoire-label, .badge')].flatMap((el) => [el.cloneNode(true), ' ']))
    return entry
  }

  function remove (li) {
    const next = li.nextElementSibling || li.previousElementSibling
    const entry = entryFrom(li, false)
    entry.append(fromTemplate('data-add-template', li.dataset.title))
    const none = available.querySelector('[data-none]')
    if (none) none.remove()
    available.appendChild(entry)
    li.remove()
    const focus = next && next.querySelector('[data-remove]')
    if (focus) focus.focus(); else entry.querySelector('[data-add]').focus()
    sync(fill(words.removed, { title: li.dataset.title }))
  }

  function add (li) {
    const entry = entryFrom(li, true)
    entry.append(fromTemplate('data-tools-template', li.dataset.title))
    chosen.appendChild(entry)
    const next = li.nextElementSibling || li.previousElementSibling
    li.remove()
    const focus = next && next.querySelector('[data-add]')
    if (focus) focus.focus(); else entry.querySelector('[data-remove]').focus()
    sync(fill(words.added, { title: li.dataset.title }))
  }

  items().forEach(tools)
  available.querySelectorAll('[data-add]').forEach((button) => { button.hidden = false })
  root.addEventListener('click', (event) => {
    const li = event.target.closest('li.memoire-item')
    if (!li) return
    const button = event.target.closest('[data-move], [data-remove], [data-add]')
    if (!button) return
    if (button.dataset.move) move(li, button.dataset.move)
    else if ('remove' in button.dataset) remove(li)
    else add(li)
  })
  chosen.addEventListener('keydown', (event) => {
    const how = keyMove(event)
    const li = event.target.closest('li.memoire-item')
    if (!li || (how !== 'up' && how !== 'down')) return
    event.preventDefault()
    move(li, how)
  })
  Sortable.create(chosen, {
    handle: '.reorg-handle',
    draggable: 'li.memoire-item',
    animation: 150,
    forceFallback: true,
    onEnd (event) { if (event.oldIndex !== event.newIndex) sync(position(event.item)) }
  })
  form.addEventListener('submit', (event) => {
    if (!items().length) { event.preventDefault(); say.fail(words.empty) }
  })
  window.addEventListener('beforeunload', (event) => {
    if (root.dataset.dirty === '1' && !root.dataset.submitting) { event.preventDefault(); event.returnValue = '' }
  })
  form.addEventListener('submit', () => { root.dataset.submitting = '1' })
  root.dataset.ready = '1'
}

document.querySelectorAll('[data-builder]').forEach(mount)
