// The static site's search box (a file of the exported zip, opened from disk: file://).
// The index is a script that sets a global (window.CERCLE_SITE_INDEX: [{t, u, x, o}] — title,
// address from the site's root, folded text, text as written), because browsers refuse
// fetch() on file://.
// The query is folded as wiki/site_content.py folds the text: lower case, accents and
// ligatures away, so "cooperative" finds "Coopérative". Every word must be found.
(function () {
  'use strict'

  var LIGATURES = { 'œ': 'oe', 'Œ': 'oe', 'æ': 'ae', 'Æ': 'ae', 'ß': 'ss' }
  var MAX_RESULTS = 20

  function fold (text) {
    return String(text)
      .replace(/[œŒæÆß]/g, function (c) { return LIGATURES[c] })
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/\s+/g, ' ')
      .trim()
  }

  // the words around the first match, as written (folding keeps offsets but for ligatures)
  function excerpt (entry, word) {
    var at = entry.x.indexOf(word)
    if (at < 0) return ''
    var text = entry.o || entry.x
    var start = Math.max(0, at - 40)
    var end = at + word.length + 60
    return (start > 0 ? '… ' : '') + text.slice(start, end) + (end < text.length ? ' …' : '')
  }

  function search (index, query) {
    var words = fold(query).split(' ').filter(Boolean)
    if (!words.length) return []
    return index.filter(function (entry) {
      return words.every(function (word) { return entry.x.indexOf(word) >= 0 })
    }).map(function (entry) {
      return { entry: entry, excerpt: excerpt(entry, words[0]) }
    })
  }

  function show (form, results, query) {
    var list = form.querySelector('[data-site-results]')
    var status = form.querySelector('.site-search-status')
    var root = form.getAttribute('data-root') || ''
    list.textContent = ''
    if (!fold(query)) {
      status.textContent = ''
      return
    }
    results.slice(0, MAX_RESULTS).forEach(function (found) {
      var item = document.createElement('li')
      var link = document.createElement('a')
      link.href = root + found.entry.u
      link.textContent = found.entry.t
      item.appendChild(link)
      if (found.excerpt) {
        var text = document.createElement('span')
        text.className = 'site-search-excerpt'
        text.textContent = found.excerpt
        item.appendChild(text)
      }
      list.appendChild(item)
    })
    var count = results.length
    status.textContent = count === 0
      ? form.getAttribute('data-label-none')
      : count === 1
        ? form.getAttribute('data-label-one')
        : form.getAttribute('data-label-many').replace('{n}', String(count))
  }

  function mount (form) {
    var index = window[form.getAttribute('data-index') || 'CERCLE_SITE_INDEX']
    if (!Array.isArray(index)) return
    var input = form.querySelector('input[type=search]')
    form.hidden = false
    form.addEventListener('submit', function (event) { event.preventDefault() })
    input.addEventListener('input', function () {
      show(form, search(index, input.value), input.value)
    })
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        input.value = ''
        show(form, [], '')
      }
    })
  }

  function start () {
    var forms = document.querySelectorAll('[data-site-search]')
    for (var i = 0; i < forms.length; i++) mount(forms[i])
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
})()
