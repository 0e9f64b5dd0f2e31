// The projector view: one question at a time, ← → (or Page up / down, space) to change,
// "Plein écran" for the room's screen. Without this script every question shows, one below
// the other.
export function setupProjector (root) {
  const slides = [...root.querySelectorAll('.p-slides > .r-card')]
  const position = root.querySelector('[data-p-position]')
  let current = 0
  const fromHash = Number((window.location.hash.match(/^#q(\d+)$/) || [])[1])
  if (fromHash && fromHash <= slides.length) current = fromHash - 1

  function show (index) {
    if (!slides.length) return
    current = Math.max(0, Math.min(slides.length - 1, index))
    slides.forEach((slide, i) => { slide.hidden = i !== current })
    root.classList.add('p-one')
    if (position) {
      position.textContent = root.dataset.labelPosition
        .replace('{n}', current + 1).replace('{count}', slides.length)
    }
    window.history.replaceState(null, '', `#q${current + 1}`)
  }

  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    if (/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) return
    if (['ArrowRight', 'ArrowDown', 'PageDown', ' '].includes(event.key)) {
      event.preventDefault()
      show(current + 1)
    } else if (['ArrowLeft', 'ArrowUp', 'PageUp'].includes(event.key)) {
      event.preventDefault()
      show(current - 1)
    } else if (event.key === 'Home') {
      show(0)
    } else if (event.key === 'End') {
      show(slides.length - 1)
    }
  })
  root.querySelector('[data-p-prev]').addEventListener('click', () => show(current - 1))
  root.querySelector('[data-p-next]').addEventListener('click', () => show(current + 1))
  const full = root.querySelector('[data-p-fullscreen]')
  if (full && document.documentElement.requestFullscreen) {
    full.addEventListener('click', () => {
      if (document.fullscreenElement) document.exitFullscreen()
      else document.documentElement.requestFullscreen().catch(() => {})
    })
  } else if (full) {
    full.hidden = true
  }
  show(current)
  window.cercleProjector = { show, get current () { return current } }
}
