// el(tag, props, ...children): a node from properties; data-*, aria-*, role and for are
// attributes (they have no property of the same name everywhere).
const ATTRIBUTES = new Set(['role', 'for', 'tabindex'])

export function el (tag, props = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value
    else if (key === 'text') node.textContent = value
    else if (key.startsWith('data-') || key.startsWith('aria-') || ATTRIBUTES.has(key)) node.setAttribute(key, value)
    else node[key] = value
  }
  for (const child of children) if (child) node.append(child)
  return node
}
