// What this browser keeps of a page's document (y-indexeddb), so that edits made while the
// connection is down survive closing or reloading the tab and are sent when it comes back.
//
// The database name is "cercle:<page id>:<page creation time, µs>:<user id>" (data-local-key,
// set by templates/pages/_live_editor.html). Why not the page id alone: ids come back after a
// database reset, and SQLite hands out a purged page's id again; the Yjs state of another
// page's history merged into this one would duplicate its text, or worse (every page's first
// Yjs items carry the same seed client id). The creation time, to the microsecond, tells
// those pages apart. The user id: on a shared computer, one person's unsent edits are never
// sent under the next person's name.
import * as idb from 'lib0/indexeddb'
import { IndexeddbPersistence } from 'y-indexeddb'

const STORES = [['updates', { autoIncrement: true }], ['custom']] // y-indexeddb's layout
const LOAD_TIMEOUT_MS = 3000

// A database of the same page and person but another page identity can never be merged
// again: drop it (when the browser can list its databases).
async function dropStale (name) {
  const [prefix, pageId, , userId] = name.split(':')
  if (!indexedDB.databases) return
  for (const { name: other } of await indexedDB.databases()) {
    const parts = (other || '').split(':')
    if (other !== name && parts.length === 4 && parts[0] === prefix && parts[1] === pageId && parts[3] === userId) {
      await idb.deleteDB(other)
    }
  }
}

// persist(doc) → Promise resolved once the kept state is in `doc` (or at once when this
// browser cannot keep anything: private windows of some browsers, blocked storage).
export function localPersistence (name, { onReady } = {}) {
  return async (doc) => {
    if (!name || typeof indexedDB === 'undefined') return null
    try {
      // opened once here with y-indexeddb's own layout: a refusal is caught here instead of
      // becoming an unhandled rejection inside y-indexeddb
      const probe = await idb.openDB(name, (db) => idb.createStores(db, STORES))
      probe.close()
    } catch (error) {
      return null
    }
    const persistence = new IndexeddbPersistence(name, doc)
    const timeout = new Promise((resolve) => setTimeout(resolve, LOAD_TIMEOUT_MS))
    await Promise.race([persistence.whenSynced, timeout])
    dropStale(name).catch(() => {})
    if (onReady) onReady(persistence)
    return persistence
  }
}
