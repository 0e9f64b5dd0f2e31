// The board's words, in the page's language: the template translates them into data-labels
// (templates/metaplan/board.html, no inline script: the CSP forbids it); French, the source
// language, stands in for a missing one. {n}, {text} and {name} are filled in here.
import { labelsOf } from '../editor/labels.js'

export const FRENCH = {
  reconnecting: '(reconnexion…)',
  votes_one: '{n} gommette',
  votes_other: '{n} gommettes',
  written_one: '{n} carte écrite',
  written_other: '{n} cartes écrites',
  cards_one: '{n} carte',
  cards_other: '{n} cartes',
  left_one: 'Il vous reste {n} gommette.',
  left_other: 'Il vous reste {n} gommettes.',
  add_vote: '+ gommette',
  add_vote_of: 'Ajouter une gommette : {text}',
  remove_vote: '− gommette',
  remove_vote_of: 'Retirer une gommette : {text}',
  edit: 'Modifier',
  edit_card_of: 'Modifier la carte : {text}',
  card_text: 'Texte de la carte',
  delete: 'Supprimer',
  delete_card_of: 'Supprimer la carte : {text}',
  move_to: 'Déplacer vers…',
  move_to_of: 'Déplacer vers… : {text}',
  ungrouped: 'Sans groupe',
  ungrouped_cards: 'Cartes sans groupe',
  all_cards: 'Cartes',
  rename: 'Renommer',
  rename_cluster_of: 'Renommer le groupe {name}',
  cluster_name: 'Nouveau nom du groupe',
  save: 'Enregistrer',
  cancel: 'Annuler',
  delete_cluster: 'Supprimer le groupe',
  delete_cluster_of: 'Supprimer le groupe {name}',
  delete_cluster_confirm: 'Supprimer le groupe « {name} » ? Ses cartes retournent dans « Sans groupe » ; aucune n’est perdue.',
  delete_cluster_yes: 'Oui, supprimer le groupe',
  card_sent: 'Carte envoyée.',
  fullscreen: 'Plein écran',
  fullscreen_exit: 'Quitter le plein écran'
}

// boardLabels(root) → { text(key, values), count(key, n) }
export function boardLabels (root) {
  const labels = labelsOf(root, FRENCH)
  const text = (key, values = {}) =>
    Object.entries(values).reduce((words, [name, value]) => words.replaceAll(`{${name}}`, String(value)), labels.text(key))
  return { text, count: labels.count }
}
