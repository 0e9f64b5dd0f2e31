// A Node client using the real `yjs` + y-protocols + socket.io-client against /collab.
// usage: node yjs_client.mjs <url> <token> <page_id> <text-to-type>
// Types its text at the end, one character at a time, then prints the final text when the
// document has been quiet for a while and contains `WAIT_FOR` (env), and exits.
import { io } from 'socket.io-client'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'

const [url, token, pageIdText, toType] = process.argv.slice(2)
const pageId = Number(pageIdText)
const waitFor = process.env.WAIT_FOR || ''
const doc = new Y.Doc()
const text = doc.getText('content')
const socket = io(url + '/collab', { transports: ['websocket'], auth: { token } })
const send = (message) => socket.emit('yjs', pageId, message)
let lastChange = Date.now()

doc.on('update', (update, origin) => {
  lastChange = Date.now()
  if (origin === 'remote') return
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  syncProtocol.writeUpdate(encoder, update)
  send(encoding.toUint8Array(encoder))
})
socket.on('yjs', (id, data) => {
  const decoder = decoding.createDecoder(new Uint8Array(data))
  if (decoding.readVarUint(decoder) !== 0) return
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  syncProtocol.readSyncMessage(decoder, encoder, doc, 'remote')
  if (encoding.length(encoder) > 1) send(encoding.toUint8Array(encoder))
})
socket.on('error', (error) => { console.error('error', JSON.stringify(error)); process.exit(2) })
socket.on('connect', () => {
  socket.emit('join', { page_id: pageId }, async (ack) => {
    if (!ack.ok) { console.error(JSON.stringify(ack)); process.exit(2) }
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    syncProtocol.writeSyncStep1(encoder, doc)
    send(encoding.toUint8Array(encoder))
    await new Promise((resolve) => setTimeout(resolve, 300))
    for (const ch of toType) {
      text.insert(text.length, ch)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const done = setInterval(() => {
      if (text.toString().includes(waitFor) && Date.now() - lastChange > 700) {
        clearInterval(done)
        process.stdout.write(JSON.stringify({ text: text.toString() }) + '\n')
        socket.close()
        process.exit(0)
      }
    }, 100)
  })
})
setTimeout(() => { console.error('timeout'); process.exit(3) }, 30000)
