import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { ASSET_VERSION } from '../../../views/layout/assets.ts'
import { serviceWorker, staticFiles } from './static.ts'

const app = new Hono()
app.route('/static', staticFiles())
app.get('/sw.js', serviceWorker)

/** width and height from a PNG's IHDR chunk */
const pngSize = (bytes: Uint8Array) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset)
  return [view.getUint32(16), view.getUint32(20)]
}

describe('the installable app and its service worker', () => {
  it('the service worker is told the asset version, so a release updates it, and is never cached long', async () => {
    const res = await app.request('/sw.js')
    expect(res.headers.get('Content-Type')).toContain('text/javascript')
    expect(res.headers.get('Cache-Control')).toBe('no-cache')
    const body = await res.text()
    expect(body).toContain(`const VERSION = '${ASSET_VERSION}'`)
    expect(body).not.toContain('__ASSET_VERSION__')
  })

  it('the offline and listening scripts are served', async () => {
    for (const name of ['offline.js', 'speak.js']) {
      const res = await app.request(`/static/js/${name}?v=${ASSET_VERSION}`)
      expect(res.status, name).toBe(200)
      expect(res.headers.get('Content-Type')).toContain('text/javascript')
    }
  })

  it('the manifest names the app, its scope, a standalone display and PNG icons of 192 and 512 px (one maskable) that exist', async () => {
    const manifest = await (await app.request('/static/manifest.webmanifest')).json()
    expect(manifest).toMatchObject({ name: 'Sổ tay đảng viên', short_name: 'Sổ tay ĐV', start_url: '/', scope: '/', display: 'standalone' })
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/)
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/)
    const pngs = manifest.icons.filter((i: { type: string }) => i.type === 'image/png')
    expect(pngs.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable'])
    for (const icon of pngs) {
      const res = await app.request(icon.src)
      expect(res.status, icon.src).toBe(200)
      expect(res.headers.get('Content-Type')).toBe('image/png')
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect([...bytes.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47])
      const [w, h] = pngSize(bytes)
      expect(`${w}x${h}`).toBe(icon.sizes)
    }
  })
})
