// In-place editing on the board (a cluster's name, one of my hidden cards' text) and the
// confirmation of a cluster's removal, instead of window.prompt/confirm: those are modal, look
// like the browser's rather than the page's, and are awkward on a phone. The board is drawn
// again on every change, so what is being edited lives here, outside the drawing, and the
// drawing asks for its form again (value and caret kept).
import { el } from './dom.js'

// editing: { what: 'cluster' | 'card' | 'delete', key, value, error } or null
export function inlineEditor ({ labels, send, redraw, focus }) {
  let editing = null
  let busy = false

  const is = (what, key) => editing !== null && editing.what === what && editing.key === key
  const close = (back) => { editing = null; redraw(); focus(back) }

  function open (what, key, value) {
    editing = { what, key, value, error: '' }
    redraw()
    focus(`${what}-input:${key}`)
  }

  async function submit (op, data, back) {
    if (busy) return
    busy = true
    const ack = await send(op, data)
    busy = false
    if (ack.ok === false) {
      if (editing) editing.error = (ack.error && ack.error.message) || ''
      redraw()
      focus(`${editing ? editing.what : ''}-input:${editing ? editing.key : ''}`)
      return
    }
    close(back)
  }

  // the form: a labelled input, Enregistrer and Annuler; Enter saves, Escape cancels
  function form ({ what, key, label, maxlength, op, data, back }) {  // data(value) → the intent's fields
    const id = `metaplan-${what}-${key}`
    const input = el('input', { id, class: 'metaplan-inline-input', value: editing.value, maxLength: maxlength, required: true, 'data-focus': `${what}-input:${key}` })
    input.addEventListener('input', () => { editing.value = input.value })
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') { event.preventDefault(); close(back) }
    })
    const error = el('p', { class: 'metaplan-inline-error', role: 'alert', text: editing.error })
    const node = el('form', { class: 'metaplan-inline', 'data-inline': what },
      el('label', { for: id, text: label }), input,
      el('span', { class: 'metaplan-inline-actions' },
        el('button', { type: 'submit', class: 'button button-primary', text: labels.text('save') }),
        el('button', { type: 'button', class: 'button', text: labels.text('cancel'), onclick: () => close(back) })),
      editing.error ? error : null)
    node.addEventListener('submit', (event) => {
      event.preventDefault()
      const value = input.value.trim()
      if (value) submit(op, data(value), back)
    })
    return node
  }

  function clusterName (key) {
    return form({ what: 'cluster', key, label: labels.text('cluster_name'), maxlength: 80, op: 'rename_cluster', data: (name) => ({ cluster: key, name }), back: `rename:${key}` })
  }

  function cardText (key) {
    return form({ what: 'card', key, label: labels.text('card_text'), maxlength: 200, op: 'edit_card', data: (text) => ({ card: key, text }), back: `edit:${key}` })
  }

  // the removal, said in words before it is done: the cards stay, without a group
  function confirmDelete (key, name) {
    const id = `metaplan-delete-${key}`
    return el('div', { class: 'metaplan-inline metaplan-confirm', role: 'group', 'aria-labelledby': id },
      el('p', { id, text: labels.text('delete_cluster_confirm', { name }) }),
      el('span', { class: 'metaplan-inline-actions' },
        el('button', { type: 'button', class: 'button button-danger', text: labels.text('delete_cluster_yes'), 'aria-describedby': id, 'data-focus': `delete-input:${key}`, onclick: () => submit('delete_cluster', { cluster: key }, 'ungrouped') }),
        el('button', { type: 'button', class: 'button', text: labels.text('cancel'), onclick: () => close(`delete:${key}`) })),
      editing.error ? el('p', { class: 'metaplan-inline-error', role: 'alert', text: editing.error }) : null)
  }

  return { is, open, clusterName, cardText, confirmDelete, get active () { return editing !== null } }
}
