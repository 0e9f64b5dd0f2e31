// The page's Yjs document over Socket.IO (/collab), speaking y-websocket messages:
// first varuint 0 = sync (step 1, step 2, update), 1 = awareness.
import { io } from 'socket.io-client'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'

const REMOTE = 'remote'

export class LiveConnection {
  constructor (pageId, { onStatus, onWritable, onError, onSynced } = {}) {
    this.pageId = pageId
    this.synced = false
    this.writable = false
    this.doc = new Y.Doc()
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.onStatus = onStatus || (() => {})
    this.onWritable = onWritable || (() => {})
    this.onError = onError || (() => {})
    this.onSynced = onSynced || (() => {})
    this.socket = io('/collab', { transports: ['websocket'], withCredentials: true })
    this.socket.on('connect', () => this._join())
    this.socket.on('disconnect', () => this.onStatus(navigator.onLine ? 'reconnecting' : 'offline'))
    this.socket.on('connect_error', () => this.onStatus(navigator.onLine ? 'reconnecting' : 'offline'))
    this.socket.on('yjs', (pageId, data) => { if (pageId === this.pageId) this._receive(new Uint8Array(data)) })
    this.socket.on('error', (error) => this.onError(error))
    window.addEventListener('offline', () => this.onStatus('offline'))
    this.doc.on('update', (update, origin) => {
      if (origin === REMOTE) return
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      syncProtocol.writeUpdate(encoder, update)
      this._send(encoding.toUint8Array(encoder))
    })
    this.awareness.on('update', ({ added, updated, removed }, origin) => {
      if (origin === REMOTE) return
      this._sendAwareness(added.concat(updated, removed))
    })
    window.addEventListener('pagehide', () => {
      awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local')
    })
  }

  _join () {
    this.socket.emit('join', { page_id: this.pageId }, (ack) => {
      if (!ack || !ack.ok) { this.onError((ack && ack.error) || {}); return }
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

  _send (message) {
    if (this.socket.connected) this.socket.emit('yjs', this.pageId, message)
  }

  _sendAwareness (clients) {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    this._send(encoding.toUint8Array(encoder))
  }

  _receive (data) {
    const decoder = decoding.createDecoder(data)
    const type = decoding.readVarUint(decoder)
    if (type === 0) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      const step = syncProtocol.readSyncMessage(decoder, encoder, this.doc, REMOTE)
      if (encoding.length(encoder) > 1) this._send(encoding.toUint8Array(encoder))
      if (step === syncProtocol.messageYjsSyncStep2 && !this.synced) {
        // typing is allowed once the page's text is here, never over an empty editor
        this.synced = true
        this.onWritable(Boolean(this.writable))
        this.onSynced()
      }
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), REMOTE)
    }
  }
}
