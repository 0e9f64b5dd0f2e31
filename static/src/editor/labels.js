// The words the editor shows, in the page's language. The templates translate them and put
// them in data-labels, one JSON object (macro live_labels in templates/macros.html; no inline
// script: the CSP forbids it). French, the source language, stands in for a missing one.
const FRENCH = {
  connecting: 'connexion…',
  online: 'en ligne',
  reconnecting: 'reconnexion…',
  offline: 'hors ligne',
  connection_error: 'Erreur de connexion.',
  here_one: '{n} personne sur cette page',
  here_other: '{n} personnes sur cette page',
  writing_one: 'Modifie cette page :',
  writing_other: '{n} personnes modifient cette page :',
  text: 'texte',
  link_text: 'texte du lien',
  column: 'Colonne {n}',
  image: 'image'
}

// labelsOf(element) → { text(key), count(key, n) }: count picks key_one or key_other by the
// plural rules of <html lang> (French: 0 and 1 are singular; English: 1 only), then puts n
// in place of {n}. `defaults`: another script's French words (the Métaplan board's).
export function labelsOf (element, defaults = FRENCH) {
  let given = {}
  try {
    given = JSON.parse((element && element.dataset.labels) || '{}') || {}
  } catch (error) {
    given = {}
  }
  const text = (key) => (typeof given[key] === 'string' && given[key]) || defaults[key] || key
  let rules
  try {
    rules = new Intl.PluralRules(document.documentElement.lang || 'fr')
  } catch (error) {
    rules = new Intl.PluralRules('fr')
  }
  const count = (key, n) => text(`${key}_${rules.select(n) === 'one' ? 'one' : 'other'}`).replaceAll('{n}', String(n))
  return { text, count }
}
