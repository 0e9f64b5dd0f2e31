// The outline of a mind map page, read as wiki/mindmap.py reads it (same cases:
// tests/mindmap/outline_cases.json): headings and list items are nodes; a node's parent is
// the last open node of a lower rank (heading: its level; list item: 100 + its indentation).
// Each node keeps its source lines, so the map's actions edit the text in place.
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/
const ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/
const FENCE = /^ {0,3}(```|~~~)/
const TASK = /^\[[ xX]\][ \t]+/
const WIKILINK = /\[\[([^\]|]*)\|?([^\]]*)\]\]/g
const LINK = /!?\[([^\]]*)\]\([^)]*\)/g
const EMPHASIS = /(\*\*|__|\*|`|~~)(.+?)\1/g
const LIST_RANK = 100
export const MAX_LABEL = 200

const indentOf = (space) => space.replaceAll('\t', '    ').length

export function plainLabel (text) {
  text = text.trim().replace(TASK, '')
  text = text.replace(WIKILINK, (m, title, label) => label || title)
  text = text.replace(LINK, (m, words) => words)
  for (let i = 0; i < 3; i++) text = text.replace(EMPHASIS, (m, mark, inner) => inner)
  return text.split(/\s+/).filter(Boolean).join(' ')
}

function nodeOf (line) {
  let match = HEADING.exec(line)
  if (match) return { rank: match[1].length, label: plainLabel(match[2] || '') }
  match = ITEM.exec(line)
  if (match) return { rank: LIST_RANK + indentOf(match[1]), label: plainLabel(match[3] || '') }
  return null
}

// A list item's range stops at its last own line (blank lines and the heading's paragraph
// after the list stay outside it, so deleting the item leaves them).
function close (node, lines, end) {
  if (node.rank >= LIST_RANK) {
    while (end > node.line + 1) {
      const last = lines[end - 1]
      if (ITEM.test(last)) break
      if (last.trim() && indentOf(/^[ \t]*/.exec(last)[0]) > 0) break
      end--
    }
  }
  node.end = end
}

// parseOutline(text, title) → the centre node { label, line, end, rank, depth, children }:
// the only top-level node, or one named `title` (line -1) holding them all.
export function parseOutline (text, title = '') {
  const lines = text.split('\n')
  const centre = { label: title, line: -1, end: -1, rank: -1, children: [] }
  const stack = [centre]
  let fenced = false
  lines.forEach((line, number) => {
    if (FENCE.test(line)) { fenced = !fenced; return }
    const found = fenced ? null : nodeOf(line)
    if (!found) return
    while (stack.length > 1 && stack[stack.length - 1].rank >= found.rank) close(stack.pop(), lines, number)
    const node = { label: found.label, line: number, end: -1, rank: found.rank, children: [] }
    stack[stack.length - 1].children.push(node)
    stack.push(node)
  })
  while (stack.length > 1) close(stack.pop(), lines, lines.length)
  const root = centre.children.length === 1 ? centre.children[0] : centre
  const depths = (node, depth) => { node.depth = depth; node.children.forEach((c) => depths(c, depth + 1)) }
  depths(root, 0)
  return root
}

export function toPlain (node) {
  return { label: node.label, line: node.line, end: node.end, children: node.children.map(toPlain) }
}

// --- edits: { from, to, insert } in characters of the text ----------------------------------

function lineStarts (text) {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1)
  return starts
}

const offsetOf = (text, starts, line) => (line < starts.length ? starts[line] : text.length)

export function cleanLabel (words) {
  return String(words || '').replace(/\s+/g, ' ').trim().slice(0, MAX_LABEL)
}

// The new line of a child of `node`: a heading one level down where the node's children are
// headings, otherwise a list item indented under it.
function childLine (text, node, words) {
  const lines = text.split('\n')
  const first = node.children[0]
  if (first && first.rank < LIST_RANK) return '#'.repeat(first.rank) + ' ' + words
  if (first) return /^[ \t]*/.exec(lines[first.line])[0] + '- ' + words
  if (node.rank < LIST_RANK) return '- ' + words // a heading or the page's centre
  const item = ITEM.exec(lines[node.line])
  return ' '.repeat(indentOf(item[1]) + item[2].length + 1) + '- ' + words
}

export function addChild (text, node, words) {
  const line = childLine(text, node, cleanLabel(words))
  const starts = lineStarts(text)
  const end = node.line < 0 ? starts.length : node.end
  // after the node's last line: a heading's children go after its section's last line
  const at = end >= starts.length ? text.length : offsetOf(text, starts, end)
  const before = text.slice(0, at)
  // the text may not end with a newline; a heading gets a blank line before it
  let gap = before && !before.endsWith('\n') ? '\n' : ''
  if (line.startsWith('#') && before && !(before + gap).endsWith('\n\n')) gap += '\n'
  const insert = gap + line + '\n'
  return { from: at, to: at, insert }
}

export function rename (text, node, words) {
  if (node.line < 0) return null // the page's title stands for the centre: renamed elsewhere
  const starts = lineStarts(text)
  const from = starts[node.line]
  const to = node.line + 1 < starts.length ? starts[node.line + 1] - 1 : text.length
  const line = text.slice(from, to)
  const heading = HEADING.exec(line)
  let prefix
  if (heading) {
    prefix = /^ {0,3}#{1,6}[ \t]*/.exec(line)[0]
    if (!/[ \t]$/.test(prefix)) prefix += ' '
  } else {
    prefix = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]*/.exec(line)[0]
    if (!/[ \t]$/.test(prefix)) prefix += ' '
    const task = TASK.exec(line.slice(prefix.length))
    if (task) prefix += task[0]
  }
  return { from: from + prefix.length, to, insert: cleanLabel(words) }
}

export function remove (text, node) {
  if (node.line < 0) return null
  const starts = lineStarts(text)
  return { from: starts[node.line], to: offsetOf(text, starts, node.end), insert: '' }
}

export function applyEdit (text, edit) {
  return text.slice(0, edit.from) + edit.insert + text.slice(edit.to)
}
