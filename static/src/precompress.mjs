// Writes the .gz sibling of each text asset in static/ (the last step of `npm run build`), so
// neither nginx (gzip_static) nor Cercle (wiki/assets.py) compresses a file per request.
// Level 9 and no timestamp or name in the header: the same file always gives the same bytes,
// so a rebuild changes no committed .gz whose source did not change. Bundle sources
// (src/<folder>/ with a build.mjs) are never served and get none; files under 1 KiB neither
// (nginx's gzip_min_length: not worth a request's header). tests/unit/test_assets.py checks
// that every committed .gz is its source, compressed.
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const STATIC = 'static'
const TEXT = /\.(js|css|svg)$/
const MIN_BYTES = 1024

function * files (folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) {
      if (folder === join(STATIC, 'src') && existsSync(join(path, 'build.mjs'))) continue
      yield * files(path)
    } else {
      yield path
    }
  }
}

let written = 0
for (const path of files(STATIC)) {
  if (path.endsWith('.gz')) {
    const source = path.slice(0, -3)
    if (!existsSync(source) || statSync(source).size < MIN_BYTES) unlinkSync(path) // stale
    continue
  }
  if (!TEXT.test(path) || statSync(path).size < MIN_BYTES) continue
  const packed = gzipSync(readFileSync(path), { level: 9 })
  const target = path + '.gz'
  if (existsSync(target) && readFileSync(target).equals(packed)) continue
  writeFileSync(target, packed)
  written++
}
console.log(`precompress: ${written} .gz written`)
