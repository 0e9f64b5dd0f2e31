// Guiding questions of a page's sections (fiche statut, fiche projet, …), shown under their
// heading while the section is empty: a CodeMirror widget, not text (nothing to delete,
// never in the page's Markdown). The questions come from the kind's template, written by the
// page as JSON in [data-live-hints] (see wiki/kind_templates.py); sections are recognised by
// their heading as the server does (case, spacing and closing #s aside).
import { StateField } from '@codemirror/state'
import { Decoration, EditorView, WidgetType } from '@codemirror/view'

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/

export function headingKey (text) {
  return text.replace(/#/g, ' ').split(/\s+/).filter(Boolean).join(' ').toLowerCase()
}

class HintWidget extends WidgetType {
  constructor (question) { super(); this.question = question }
  eq (other) { return other.question === this.question }
  toDOM () {
    const box = document.createElement('div')
    box.className = 'cm-section-hint'
    box.textContent = this.question
    return box
  }
  ignoreEvent () { return false } // a click there puts the caret in the section
}

function decorations (doc, questions) {
  const widgets = []
  for (let n = 1; n <= doc.lines; n++) {
    const line = doc.line(n)
    const match = HEADING.exec(line.text)
    const question = match && questions.get(headingKey(match[2]))
    if (!question) continue
    let empty = true
    for (let next = n + 1; next <= doc.lines; next++) {
      const text = doc.line(next).text
      if (HEADING.test(text)) break
      if (text.trim()) { empty = false; break }
    }
    if (empty) widgets.push(Decoration.widget({ widget: new HintWidget(question), side: 1, block: true }).range(line.to))
  }
  return Decoration.set(widgets)
}

function readQuestions () {
  const holder = document.querySelector('[data-live-hints]')
  let list = []
  try { list = holder ? JSON.parse(holder.dataset.liveHints || '[]') : [] } catch (error) { list = [] }
  return new Map(list.map((hint) => [hint.key, hint.question]))
}

// The editor's extensions for the hints; none on a page without questions.
export function sectionHints () {
  const questions = readQuestions()
  if (!questions.size) return []
  const field = StateField.define({
    create: (state) => decorations(state.doc, questions),
    update: (value, tr) => (tr.docChanged ? decorations(tr.state.doc, questions) : value),
    provide: (f) => EditorView.decorations.from(f)
  })
  const theme = EditorView.baseTheme({
    '.cm-section-hint': { color: '#5b6776', fontStyle: 'italic', padding: '0 0 .2rem .2rem', fontFamily: 'system-ui, sans-serif', fontSize: '.9rem' }
  })
  return [field, theme]
}
