// "Exporter en SVG / PNG", made in the browser from the map on screen. markmap writes each
// label as HTML in a <foreignObject>, which drawing programs (and a canvas, which it would
// taint) do not take: the copy gets plain SVG <text> instead, and the styles our stylesheet
// gives (colours, widths, font) written on each element, so the file stands alone.
const SVG_NS = 'http://www.w3.org/2000/svg'
const PAINT = ['fill', 'stroke', 'stroke-width', 'opacity']

function inlineStyles (original, copy) {
  const from = [original, ...original.querySelectorAll('*')]
  const to = [copy, ...copy.querySelectorAll('*')]
  from.forEach((el, i) => {
    if (!(el instanceof SVGElement) || el.tagName === 'foreignObject') return
    const style = getComputedStyle(el)
    for (const name of PAINT) {
      const value = style.getPropertyValue(name)
      if (value) to[i].setAttribute(name, value)
    }
  })
}

function textsForLabels (original, copy) {
  const shown = original.querySelectorAll('foreignObject')
  copy.querySelectorAll('foreignObject').forEach((object, i) => {
    const source = shown[i]
    const style = getComputedStyle(source.firstElementChild || source)
    const text = document.createElementNS(SVG_NS, 'text')
    text.setAttribute('x', object.getAttribute('x') || '0')
    text.setAttribute('y', String(Number(object.getAttribute('height') || 20) * 0.75))
    text.setAttribute('font-size', style.fontSize)
    text.setAttribute('font-family', style.fontFamily)
    text.setAttribute('font-weight', style.fontWeight)
    text.setAttribute('fill', style.color)
    text.textContent = source.textContent
    object.replaceWith(text)
  })
}

// The map as a standalone SVG document, framed on its drawing (not on the current zoom).
export function mapAsSvg (svg, title) {
  const copy = svg.cloneNode(true)
  inlineStyles(svg, copy)
  textsForLabels(svg, copy)
  copy.querySelectorAll('style').forEach((el) => el.remove())
  const g = svg.querySelector(':scope > g')
  const box = g.getBBox()
  const pad = 20
  const width = Math.ceil(box.width + 2 * pad)
  const height = Math.ceil(box.height + 2 * pad)
  copy.querySelector(':scope > g').removeAttribute('transform')
  copy.setAttribute('xmlns', SVG_NS)
  copy.setAttribute('viewBox', `${box.x - pad} ${box.y - pad} ${width} ${height}`)
  copy.setAttribute('width', String(width))
  copy.setAttribute('height', String(height))
  copy.removeAttribute('style')
  copy.removeAttribute('class')
  copy.removeAttribute('hidden')
  const background = document.createElementNS(SVG_NS, 'rect')
  for (const [name, value] of [['x', box.x - pad], ['y', box.y - pad], ['width', width], ['height', height], ['fill', '#ffffff']]) {
    background.setAttribute(name, String(value))
  }
  const heading = document.createElementNS(SVG_NS, 'title')
  heading.textContent = title
  copy.prepend(heading, background)
  return { text: new XMLSerializer().serializeToString(copy), width, height }
}

function download (blob, name) {
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 10000)
}

export function exportSvg (svg, title, name) {
  const { text } = mapAsSvg(svg, title)
  download(new Blob([text], { type: 'image/svg+xml' }), `${name}.svg`)
}

// drawn twice as large as on screen, so it stays sharp on a projector or in a document
export function exportPng (svg, title, name, scale = 2) {
  const { text, width, height } = mapAsSvg(svg, title)
  return new Promise((resolve, reject) => {
    const image = new Image()
    image.onload = () => {
      const canvas = document.createElement('canvas')
      canvas.width = width * scale
      canvas.height = height * scale
      const context = canvas.getContext('2d')
      context.scale(scale, scale)
      context.drawImage(image, 0, 0, width, height)
      canvas.toBlob((blob) => { if (blob) { download(blob, `${name}.png`); resolve() } else reject(new Error('png')) }, 'image/png')
    }
    image.onerror = reject
    // a data: address, which our CSP (img-src 'self' data:) allows
    image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text)
  })
}
