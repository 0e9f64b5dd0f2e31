// Formatting for people who do not know Markdown: each button edits the selection.
const wrap = (view, before, after = before, placeholder = 'texte') => {
  const { from, to } = view.state.selection.main
  const selected = view.state.sliceDoc(from, to) || placeholder
  view.dispatch({
    changes: { from, to, insert: before + selected + after },
    selection: { anchor: from + before.length, head: from + before.length + selected.length }
  })
}

const prefixLines = (view, prefix) => {
  const { from, to } = view.state.selection.main
  const changes = []
  for (let pos = from; pos <= to;) {
    const line = view.state.doc.lineAt(pos)
    if (!line.text.startsWith(prefix)) changes.push({ from: line.from, insert: prefix })
    pos = line.to + 1
  }
  view.dispatch({ changes })
}

const insertBlock = (view, text) => {
  const { from } = view.state.selection.main
  const line = view.state.doc.lineAt(from)
  const lead = line.text.length ? '\n\n' : ''
  view.dispatch({ changes: { from: line.to, insert: lead + text + '\n' } })
}

const TABLE = '| Colonne 1 | Colonne 2 |\n|---|---|\n| … | … |'

async function chooseImage (resourcesUrl) {
  try {
    const response = await fetch(resourcesUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    if (response.ok) {
      const body = await response.json()
      const items = (body.items || body.resources || body.data || body || []).filter(
        (r) => r && (r.mime_type || '').startsWith('image/'))
      if (items.length) {
        const list = items.map((r, i) => `${i + 1}. ${r.title}`).join('\n')
        const pick = window.prompt(`Image des ressources (numéro) :\n${list}`, '1')
        const chosen = items[Number(pick) - 1]
        if (chosen) return { alt: chosen.title, url: chosen.download_url || chosen.url || chosen.links?.download }
        return null
      }
    }
  } catch (error) { /* the resources API is optional: fall back to an address */ }
  const url = window.prompt("Adresse de l'image :", 'https://')
  return url && url !== 'https://' ? { alt: 'image', url } : null
}

export function runAction (view, action, options) {
  switch (action) {
    case 'bold': return wrap(view, '**')
    case 'italic': return wrap(view, '*')
    case 'heading': return prefixLines(view, '## ')
    case 'list': return prefixLines(view, '- ')
    case 'task': return prefixLines(view, '- [ ] ')
    case 'link': return wrap(view, '[', '](https://)', 'texte du lien')
    case 'pagelink': return wrap(view, '[[', ']]', 'Titre de la page')
    case 'table': return insertBlock(view, TABLE)
    case 'image':
      return chooseImage(options.resourcesUrl).then((image) => {
        if (image && image.url) wrap(view, `![${image.alt}](${image.url})`, '', '')
        view.focus()
      })
  }
}
