// Checks static/src/mindmap/outline.js against the cases wiki/mindmap.py is checked against
// (outline_cases.json): run by tests/mindmap/test_outline_js.py when node is installed.
// Prints what differs and exits 1, or exits 0.
import { readFileSync } from 'node:fs'
import { addChild, applyEdit, parseOutline, remove, rename, toPlain } from '../../static/src/mindmap/outline.js'

const cases = JSON.parse(readFileSync(new URL('./outline_cases.json', import.meta.url), 'utf8'))
const failures = []
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b)

for (const c of cases.parse) {
  const tree = toPlain(parseOutline(c.markdown, c.title))
  if (!same(tree, c.tree)) failures.push({ name: c.name, expected: c.tree, got: tree })
}

const ACTIONS = { add: addChild, rename, remove }
for (const c of cases.edits) {
  let node = parseOutline(c.markdown, c.title)
  for (const index of c.path) node = node.children[index]
  const edit = ACTIONS[c.action](c.markdown, node, c.words)
  const text = edit ? applyEdit(c.markdown, edit) : null
  if (text !== c.expected) failures.push({ name: c.name, expected: c.expected, got: text })
}

if (failures.length) {
  console.log(JSON.stringify(failures, null, 1))
  process.exit(1)
}
