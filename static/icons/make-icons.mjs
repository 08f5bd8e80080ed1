// Draws the app's PNG icons (the red square with the yellow star of icon.svg) with node:zlib only:
// Chromium's install prompt and Android's home screen want PNG icons of 192 and 512 px, and the
// project takes no image library for three files. Run: node static/icons/make-icons.mjs
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

// icon.svg's star, in its 64-unit box
const STAR = [32, 12, 37.9, 24, 51, 25.9, 41.5, 35.2, 43.7, 48.3, 32, 42.1, 20.3, 48.3, 22.5, 35.2, 13, 25.9, 26.1, 24]
const RED = [0xb3, 0x26, 0x1e]
const GOLD = [0xff, 0xd5, 0x4f]

const inPolygon = (x, y, p) => {
  let inside = false
  for (let i = 0, j = p.length - 2; i < p.length; j = i, i += 2) {
    const [xi, yi, xj, yj] = [p[i], p[i + 1], p[j], p[j + 1]]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}
const inRounded = (x, y, r) => {
  const cx = Math.min(Math.max(x, r), 64 - r)
  const cy = Math.min(Math.max(y, r), 64 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

/** maskable: full bleed (the launcher cuts its own shape) and the star inside the central safe circle */
function draw(size, maskable) {
  const star = maskable ? STAR.map((v) => 32 + (v - 31) * 0.8) : STAR
  const n = 4 // 4×4 samples per pixel smooth the edges
  const rgba = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      let cover = 0
      let gold = 0
      for (let sy = 0; sy < n; sy++)
        for (let sx = 0; sx < n; sx++) {
          const x = ((px + (sx + 0.5) / n) * 64) / size
          const y = ((py + (sy + 0.5) / n) * 64) / size
          if (!maskable && !inRounded(x, y, 12)) continue
          cover++
          if (inPolygon(x, y, star)) gold++
        }
      const o = (py * size + px) * 4
      const g = cover ? gold / cover : 0
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(RED[c] * (1 - g) + GOLD[c] * g)
      rgba[o + 3] = Math.round((255 * cover) / (n * n))
    }
  return rgba
}

const CRC = new Int32Array(256).map((_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c
})
const crc32 = (buf) => {
  let c = -1
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ -1) >>> 0
}
const chunk = (type, data) => {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([8, 6, 0, 0, 0], 8) // 8 bits, RGBA, deflate, no filter method variants, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}

const dir = new URL('./', import.meta.url)
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
]) {
  const file = png(size, draw(size, maskable))
  writeFileSync(new URL(name, dir), file)
  console.log(name, file.length, 'bytes')
}
