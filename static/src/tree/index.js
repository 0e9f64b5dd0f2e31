// The page tree's "Réorganiser" mode: drag and drop (SortableJS, nested lists) and a
// keyboard way (buttons ↑ ↓ → ← on each page, Alt + arrows), each move saved at once
// through POST …/reorganiser/deplacer, its result read out by an aria-live line.
import Sortable from 'sortablejs'
import { announcer, fill, keyMove, labels, postJson } from './shared.js'

function mount (root) {
  const words = labels(root)
  const say = announcer(root)
  const csrf = root.dataset.csrf
  let busy = Promise.resolve()

  const itemOf = (el) => el && el.closest('li.reorg-item')
  const listOf = (li) => li.parentElement
  const parentItem = (li) => itemOf(listOf(li).parentElement)
  const childList = (li) => li.querySelector(':scope > ul.reorg-children')
  const siblings = (li) => [...listOf(li).children].filter((el) => el.matches('li.reorg-item'))

  function describe (li) {
    const parent = parentItem(li)
    const all = siblings(li)
    const values = { title: li.dataset.title, position: all.indexOf(li) + 1, count: all.length }
    if (!parent) return fill(words.moved_top, values)
    return fill(words.moved_under, { ...values, parent: parent.dataset.title })
  }

  // Save where ``li`` is now; put it back where it was if the server refuses.
  function save (li, undo) {
    const parent = parentItem(li)
    const payload = {
      page_id: Number(li.dataset.pageId),
      parent_id: parent ? Number(parent.dataset.pageId) : null,
      position: siblings(li).indexOf(li)
    }
    say.say(words.saving)
    busy = busy.then(async () => {
      const result = await postJson(root.dataset.moveUrl, csrf, payload)
      // a signed-out session answers with the sign-in page (200, not JSON): not saved
      if (result.ok && result.body.ok) { say.say(describe(li)); return }
      undo()
      say.fail(failure(result))
    })
    return busy
  }

  function failure (result, moving = true) {
    if (result.status === 0) return words.offline
    if (result.ok) return words.signed_out
    const message = result.body.error ? result.body.error.message : words.offline
    return moving ? fill(words.failed, { message }) : message
  }

  function placeBack (li, list, index) {
    const others = [...list.children].filter((el) => el !== li)
    list.insertBefore(li, others[index] || null)
  }

  function keyboardMove (li, how) {
    const list = listOf(li)
    const oldIndex = siblings(li).indexOf(li)
    const all = siblings(li)
    const i = all.indexOf(li)
    if (how === 'up' && i > 0) list.insertBefore(li, all[i - 1])
    else if (how === 'down' && i < all.length - 1) list.insertBefore(all[i + 1], li)
    else if (how === 'indent' && i > 0) childList(all[i - 1]).appendChild(li)
    else if (how === 'outdent' && parentItem(li)) {
      const parent = parentItem(li)
      listOf(parent).insertBefore(li, parent.nextElementSibling)
    } else { say.say(fill(words.no_move, { title: li.dataset.title })); return }
    const button = li.querySelector(`[data-move="${how}"]`)
    if (button) button.focus()
    save(li, () => placeBack(li, list, oldIndex))
  }

  root.querySelectorAll('[data-tools]').forEach((tools) => { tools.hidden = false })
  root.addEventListener('click', (event) => {
    const button = event.target.closest('[data-move]')
    if (button) keyboardMove(itemOf(button), button.dataset.move)
  })
  root.addEventListener('keydown', (event) => {
    const how = keyMove(event)
    const li = itemOf(event.target)
    if (!how || !li) return
    event.preventDefault()
    keyboardMove(li, how)
  })

  root.querySelectorAll('ul[data-level]').forEach((list) => {
    Sortable.create(list, {
      group: 'pages',
      handle: '.reorg-handle',
      draggable: 'li.reorg-item',
      animation: 150,
      fallbackOnBody: true,
      forceFallback: true, // mouse and touch the same way, on every browser
      swapThreshold: 0.6,
      emptyInsertThreshold: 12,
      onEnd (event) {
        if (event.from === event.to && event.oldIndex === event.newIndex) return
        const { item, from, oldIndex } = event
        save(item, () => placeBack(item, from, oldIndex))
      }
    })
  })

  // "Garder hors du mémoire": saved at once, the badge follows
  root.querySelectorAll('[data-hide-form]').forEach((form) => {
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      const li = itemOf(form)
      const field = form.querySelector('input[name=hidden]')
      const hidden = field.value === '1'
      const result = await postJson(root.dataset.hideUrl, csrf, { page_id: Number(li.dataset.pageId), hidden })
      if (!result.ok || !result.body.ok) {
        say.fail(failure(result, false))
        return
      }
      li.dataset.hidden = hidden ? '1' : '0'
      field.value = hidden ? '0' : '1'
      li.querySelector(':scope > .reorg-row [data-hidden-badge]').hidden = !hidden
      const button = form.querySelector('button')
      button.setAttribute('aria-pressed', hidden ? 'true' : 'false')
      button.textContent = hidden ? words.unhide : words.hide
      button.setAttribute('aria-label', `${button.textContent} : « ${li.dataset.title} »`)
      say.say(fill(hidden ? words.hidden_on : words.hidden_off, { title: li.dataset.title }))
    })
  })
  root.dataset.ready = '1'
}

document.querySelectorAll('[data-reorg]').forEach(mount)
