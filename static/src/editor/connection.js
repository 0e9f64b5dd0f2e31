// The page's Yjs document over Socket.IO (/collab), speaking y-websocket messages:
// first varuint 0 = sync (step 1, step 2, update), 1 = awareness.
import { io } from 'socket.io-client'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'

const REMOTE = 'remote'
// The server refused what an update puts in the page (over the size cap, a shared type the
// page does not hold): it is taken back here too, or this editor would show text nobody has.
const CONTENT_REFUSALS = new Set(['too_large', 'foreign_type'])

// An update that only deletes: `ranges` maps a Yjs client id to [{ clock, len }] (the v1
// encoding: no structs, then the delete set).
function deletionUpdate (ranges) {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, ranges.size)
  for (const [client, items] of ranges) {
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, items.length)
    for (const { clock, len } of items) {
      encoding.writeVarUint(encoder, clock)
      encoding.writeVarUint(encoder, len)
    }
  }
  return encoding.toUint8Array(encoder)
}

export class LiveConnection {
  // persist(doc) → Promise: loads what this browser kept of the document (y-indexeddb) and
  // resolves once it is in the doc; "synced" waits for it as well as for the server.
  constructor (pageId, { onStatus, onWritable, onError, onSynced, persist } = {}) {
    this.pageId = pageId
    this.synced = false
    this.writable = false
    // the server knows we are in the room: it answers our join (ack) after sending its
    // step 1, and refuses messages sent before; what we could not send then is in our
    // answer to that step 1 (a step 2 is everything the server lacks)
    this.joined = false
    this.doc = new Y.Doc()
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.onStatus = onStatus || (() => {})
    this.onWritable = onWritable || (() => {})
    this.onError = onError || (() => {})
    this.onSynced = onSynced || (() => {})
    this.localReady = persist ? persist(this.doc) : Promise.resolve()
    this.doc.on('update', (update, origin) => {
      if (origin !== REMOTE) this._sendUpdate(update)
    })
    this.awareness.on('update', ({ added, updated, removed }, origin) => {
      if (origin === REMOTE) return
      this._sendAwareness(added.concat(updated, removed))
    })
    this.socket = io('/collab', { transports: ['websocket'], withCredentials: true })
    this.socket.on('connect', () => this._join())
    this.socket.on('disconnect', () => {
      this.joined = false
      // who is here and where their cursors are: unknown until we are back (then the
      // server sends them again), so nobody is shown meanwhile (as y-websocket does)
      const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID)
      awarenessProtocol.removeAwarenessStates(this.awareness, others, REMOTE)
      this._lost()
    })
    this.socket.on('connect_error', () => this._lost())
    this.socket.on('yjs', (pageId, data) => { if (pageId === this.pageId) this._receive(new Uint8Array(data)) })
    this.socket.on('error', (error) => this.onError(error))
    // the space was archived (issue 11): read-only at once, and the page says why
    this.socket.on('archived', (info) => {
      if (!info || info.page_id !== this.pageId) return
      this.writable = false
      this.archived = true
      this.onWritable(false)
      document.dispatchEvent(new CustomEvent('cercle:archived', { detail: { pageId: this.pageId } }))
    })
    // Chromium keeps a WebSocket open when the network goes away (it would only notice at the
    // next missed ping, up to 45 s later): close it, so the status tells the truth and the
    // reconnection (with its catch-up) starts as soon as the network is back.
    window.addEventListener('offline', () => {
      this.onStatus('offline')
      if (this.socket.io.engine) this.socket.io.engine.close()
    })
    window.addEventListener('online', () => {
      if (this.socket.connected) return
      this.onStatus('reconnecting')
      this.socket.disconnect().connect() // now, not at the end of the back-off delay
    })
    window.addEventListener('pagehide', () => {
      awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local')
    })
  }

  _lost () {
    this.onStatus(navigator.onLine ? 'reconnecting' : 'offline')
  }

  _join () {
    this.socket.emit('join', { page_id: this.pageId }, (ack) => {
      if (!ack || !ack.ok) { this.onError((ack && ack.error) || {}); return }
      this.joined = true
      this.writable = Boolean(ack.writable)
      if (this.synced || !this.writable) this.onWritable(this.writable)
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      syncProtocol.writeSyncStep1(encoder, this.doc)
      this._send(encoding.toUint8Array(encoder)) // the server answers with what we lack
      this._sendAwareness([this.doc.clientID])
      this.onStatus('online')
    })
  }

  _send (message, onRefused) {
    if (!this.joined || !this.socket.connected) return
    // the server acknowledges an update once it is stored, or says why it refused it
    this.socket.emit('yjs', this.pageId, message, (ack) => {
      if (ack && ack.ok === false && onRefused) onRefused(ack.error || {})
    })
  }

  _sendUpdate (update, refilling = false) {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    syncProtocol.writeUpdate(encoder, update)
    this._send(encoding.toUint8Array(encoder), (error) => this._refused(error, update, refilling))
  }

  // The person sees the server's words (the "error" event shows them too). A refused content
  // is taken back: its items are deleted here (not sent: the server never had them). The
  // server still lacks that range of our Yjs clock, and could not place anything typed after
  // it; so the range goes again, deleted now (Yjs then keeps its length, not its text), with
  // whatever followed it and the deletions the change made (a paste over a selection).
  _refused (error, update, refilling) {
    this.onError(error)
    if (refilling || !CONTENT_REFUSALS.has(error.code)) return
    const refused = new Map()
    const from = new Map()
    for (const struct of Y.decodeUpdate(update).structs) {
      if (!(struct instanceof Y.Item)) continue
      const { client, clock } = struct.id
      refused.set(client, [...(refused.get(client) || []), { clock, len: struct.length }])
      from.set(client, Math.min(from.has(client) ? from.get(client) : clock, clock))
    }
    if (!refused.size) return
    Y.applyUpdate(this.doc, deletionUpdate(refused), REMOTE)
    const serverLacks = Y.decodeStateVector(Y.encodeStateVector(this.doc))
    for (const [client, clock] of from) serverLacks.set(client, Math.min(serverLacks.get(client) || 0, clock))
    this._sendUpdate(Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(serverLacks)), true)
  }

  _sendAwareness (clients) {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    this._send(encoding.toUint8Array(encoder))
  }

  _receive (data) {
    this.joined = true // sent to us as a member of the room
    const decoder = decoding.createDecoder(data)
    const type = decoding.readVarUint(decoder)
    if (type === 0) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      const step = syncProtocol.readSyncMessage(decoder, encoder, this.doc, REMOTE)
      if (encoding.length(encoder) > 1) this._send(encoding.toUint8Array(encoder))
      if (step === syncProtocol.messageYjsSyncStep2 && !this.serverSynced) {
        this.serverSynced = true
        // typing is allowed once the page's text is here (the server's and what this browser
        // kept), never over an empty or half-loaded editor
        this.localReady.then(() => {
          this.synced = true
          this.onSynced()
          this.onWritable(Boolean(this.writable))
        })
      }
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), REMOTE)
    }
  }
}
