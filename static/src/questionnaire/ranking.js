// A ranking question as a list to put in order: "Monter" / "Descendre" buttons, Alt+↑/↓ on
// an item, or dragging (SortableJS). The rank selects of the plain form stay the truth that
// is sent; they are hidden and follow the list.
import Sortable from 'sortablejs'

export function announce (region, text) {
  if (!region) return
  region.textContent = ''
  window.setTimeout(() => { region.textContent = text }, 30)
}

function button (label, step) {
  const b = document.createElement('button')
  b.type = 'button'
  b.className = 'button button-small q-rank-move'
  b.textContent = label
  b.dataset.step = String(step)
  b.setAttribute('aria-keyshortcuts', step < 0 ? 'Alt+ArrowUp' : 'Alt+ArrowDown')
  return b
}

export function enhanceRanking (list, onChange) {
  const items = () => [...list.querySelectorAll('.q-rank-item')]
  const required = !!list.closest('[data-q-required]')
  const region = document.createElement('p')
  region.className = 'visually-hidden'
  region.setAttribute('aria-live', 'polite')
  list.after(region)
  const hint = list.parentElement.querySelector('[data-q-ranking-hint]')
  if (hint && list.dataset.hintJs) hint.textContent = list.dataset.hintJs
  list.classList.add('q-ranking-js')

  function sync () {
    items().forEach((li, i) => {
      li.querySelector('[data-q-rank]').value = String(i + 1)
      li.querySelector('.q-rank-position').textContent = String(i + 1)
    })
    onChange()
  }

  function moved (li) {
    const all = items()
    sync()
    announce(region, list.dataset.moved.replace('{label}', li.dataset.option)
      .replace('{n}', all.indexOf(li) + 1).replace('{count}', all.length))
  }

  function move (li, step) {
    const sibling = step < 0 ? li.previousElementSibling : li.nextElementSibling
    if (!sibling) return
    if (step < 0) sibling.before(li)
    else sibling.after(li)
    moved(li)
  }

  for (const li of items()) {
    const position = document.createElement('span')
    position.className = 'q-rank-position'
    position.setAttribute('aria-hidden', 'true')
    li.prepend(position)
    const tools = document.createElement('span')
    tools.className = 'q-rank-tools'
    tools.append(button(list.dataset.labelUp, -1), button(list.dataset.labelDown, 1))
    li.append(tools)
  }
  list.addEventListener('click', (event) => {
    const b = event.target.closest('.q-rank-move')
    if (!b) return
    const li = b.closest('.q-rank-item')
    move(li, Number(b.dataset.step))
    b.focus() // the button moved with its item: focus stays on it
  })
  list.addEventListener('keydown', (event) => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return
    const li = event.target.closest('.q-rank-item')
    if (!li) return
    event.preventDefault()
    const focused = document.activeElement
    move(li, event.key === 'ArrowUp' ? -1 : 1)
    if (focused) focused.focus()
  })
  Sortable.create(list, { animation: 150, onEnd: (event) => moved(event.item) })
  const rank = (li) => Number(li.querySelector('[data-q-rank]').value)
  const alreadyRanked = items().every((li) => rank(li) > 0)
  if (alreadyRanked) items().sort((a, b) => rank(a) - rank(b)).forEach((li) => list.append(li))
  if (required || alreadyRanked) sync()
  else items().forEach((li) => { li.querySelector('.q-rank-position').textContent = '·' })
}
