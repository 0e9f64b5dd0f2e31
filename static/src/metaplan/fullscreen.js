// "Plein écran" on the projector view: the board alone on the wall (the Fullscreen API). The
// button stays hidden where the API is missing or refused (an iframe without permission, some
// phones), so nobody is offered a control that does nothing; Escape leaves, as the browser says.
export function fullscreenButton (button, target, labels) {
  if (!document.fullscreenEnabled || typeof target.requestFullscreen !== 'function') return
  const update = () => {
    const on = document.fullscreenElement === target
    button.textContent = labels.text(on ? 'fullscreen_exit' : 'fullscreen')
  }
  button.addEventListener('click', () => {
    const change = document.fullscreenElement ? document.exitFullscreen() : target.requestFullscreen()
    change.catch(() => update()).finally(() => button.focus())
  })
  document.addEventListener('fullscreenchange', update)
  update()
  button.hidden = false
}
