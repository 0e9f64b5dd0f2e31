// The rendered page kept in step with the live text: the server renders it (the same
// Markdown and sanitizer as a saved page), this only sends the text and shows the answer.
// Shared by the editor's preview pane (index.js) and the page view (viewer.js).

export function debounce (fn, ms) {
  let timer = null
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms) }
}

// root's data-preview-url and data-csrf say where to POST; target is the element refreshed.
export function livePreview (root, ytext, target) {
  const { previewUrl, csrf } = root.dataset
  if (!previewUrl || !target) return
  let latest = 0
  const refresh = debounce(async () => {
    const ticket = ++latest
    let body = null
    try {
      const response = await fetch(previewUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf || '' },
        body: JSON.stringify({ markdown: ytext.toString() })
      })
      body = response.ok ? await response.json() : null
    } catch (error) {
      return // offline: the preview catches up with the next change (the resync is one)
    }
    if (body && ticket === latest) target.innerHTML = body.html // sanitized by the server; newest only
  }, 350)
  ytext.observe(refresh)
}
