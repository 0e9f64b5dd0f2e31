// Formatting for people who do not know Markdown: each button edits the selection.
import { choose, fetchList, localAddress } from './picker.js'

const wrap = (view, before, after = before, placeholder = 'texte') => {
  const { from, to } = view.state.selection.main
  const selected = view.state.sliceDoc(from, to) || placeholder
  view.dispatch({
    changes: { from, to, insert: before + selected + after },
    selection: { anchor: from + before.length, head: from + before.length + selected.length }
  })
}

// A line's block marker: heading, task, list item (what the line buttons replace).
const MARKER = /^(#{1,6} |[-*+] \[[ xX]\] |[-*+] |\d+[.)] )/

// Give the selected lines `prefix` in place of their marker ("- un" → "- [ ] un", never
// "- [ ] - un"); when they all have it already, take it away (the button toggles).
const setLinePrefix = (view, prefix) => {
  const { state } = view
  const { from, to } = state.selection.main
  const lines = []
  for (let pos = from; pos <= to;) {
    const line = state.doc.lineAt(pos)
    lines.push(line)
    pos = line.to + 1
  }
  const targets = lines.length > 1 ? lines.filter((line) => line.text.trim()) : lines
  const marker = (line) => (line.text.match(MARKER) || [''])[0]
  const toggleOff = targets.every((line) => marker(line) === prefix)
  view.dispatch({
    changes: targets.map((line) => ({ from: line.from, to: line.from + marker(line).length, insert: toggleOff ? '' : prefix }))
  })
}

// A block of its own after the current line; `select` ([start, end] in `text`) is selected.
const insertBlock = (view, text, select) => {
  const { from } = view.state.selection.main
  const line = view.state.doc.lineAt(from)
  const lead = line.text.length ? '\n\n' : ''
  const start = line.to + lead.length
  view.dispatch({
    changes: { from: line.to, insert: lead + text + '\n' },
    selection: { anchor: start + select[0], head: start + select[1] }
  })
}

// `column` is a label pattern ("Colonne {n}"); the selection covers the first header.
const table = (column) => {
  const [first, second] = [column.replaceAll('{n}', '1'), column.replaceAll('{n}', '2')]
  return { text: `| ${first} | ${second} |\n|---|---|\n| … | … |`, select: [2, 2 + first.length] }
}

async function insertImage (view, picker, { resourcesUrl, labels }) {
  const images = (await fetchList(resourcesUrl)).filter((r) => (r.mime_type || '').startsWith('image/') && r.download_url)
  const items = images.map((r) => ({ label: r.title, thumbnail: localAddress(r.download_url), value: r }))
  const chosen = await choose(picker, { mode: 'image', items })
  if (!chosen) return
  const { title, download_url: download } = chosen.value || { title: labels.text('image'), download_url: chosen.url }
  wrap(view, `![${title.replace(/[[\]]/g, '')}](${localAddress(download)})`, '', '')
}

async function insertPageLink (view, picker, { pagesUrl }) {
  const pages = await fetchList(pagesUrl)
  const chosen = await choose(picker, { mode: 'page', items: pages.map((p) => ({ label: p.title, value: p.title })) })
  if (!chosen) return
  const { from, to } = view.state.selection.main
  const label = view.state.sliceDoc(from, to).trim()
  const insert = label && label !== chosen.value ? `[[${chosen.value}|${label}]]` : `[[${chosen.value}]]`
  view.dispatch({ changes: { from, to, insert }, selection: { anchor: from + insert.length } })
}

async function insertLink (view, picker, labels) {
  const chosen = await choose(picker, { mode: 'link' })
  if (chosen) wrap(view, '[', `](${chosen.url})`, labels.text('link_text'))
}

// options: { picker, labels (labels.js), resourcesUrl, pagesUrl }
export function runAction (view, action, options) {
  const { picker, labels } = options
  const placeholder = labels.text('text')
  switch (action) {
    case 'bold': return wrap(view, '**', '**', placeholder)
    case 'italic': return wrap(view, '*', '*', placeholder)
    case 'heading': return setLinePrefix(view, '## ')
    case 'list': return setLinePrefix(view, '- ')
    case 'task': return setLinePrefix(view, '- [ ] ')
    case 'table': { const { text, select } = table(labels.text('column')); return insertBlock(view, text, select) }
    case 'link': return insertLink(view, picker, labels)
    case 'pagelink': return insertPageLink(view, picker, options)
    case 'image': return insertImage(view, picker, options)
  }
}
