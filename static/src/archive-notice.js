// The space was archived while this page was open (issue 11): the live editor, the mind
// map, the Métaplan board or the results wall dispatched "cercle:archived" (the server's
// "archived" event); say why nothing can be changed any more, and stop the forms that write.
(function () {
  'use strict'
  document.addEventListener('cercle:archived', function () {
    var notice = document.querySelector('[data-archived-notice]')
    if (notice && notice.hidden) {
      notice.hidden = false
      notice.setAttribute('tabindex', '-1')
    }
    document.documentElement.dataset.archived = 'true'
    // what writes is refused from now on: take it away rather than let it fail
    var writing = document.querySelectorAll('form[method="post"] button, form[method="POST"] button, [data-live-toolbar] button')
    for (var i = 0; i < writing.length; i++) {
      var form = writing[i].form
      if (form && (form.classList.contains('lang-switch') || form.closest('.topbar-user'))) continue
      writing[i].disabled = true
    }
  })
})()
