// New-page picker: choosing a legal form (or any question of a kind) picks that kind too.
document.addEventListener('change', (event) => {
  const select = event.target.closest && event.target.closest('select[data-picks]')
  if (!select || !select.value) return
  const radio = document.getElementById(select.dataset.picks)
  if (radio) radio.checked = true
})
