import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SupabaseStorage } from './supabase.ts'

/**
 * A small Supabase Storage: the REST endpoints storage-js calls for upload, download and remove
 * (POST and GET /storage/v1/object/<bucket>/<path>, DELETE /storage/v1/object/<bucket> with
 * {"prefixes": [...]}), answering as the real service does, errors included.
 */
const objects = new Map<string, { contentType: string; bytes: Buffer }>()
const requests: { method: string; path: string; headers: IncomingMessage['headers'] }[] = []
/** paths (after /storage/v1) that answer 500, to see a failure reported */
const failing = new Set<string>()
let server: Server
let url: string

const body = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/storage\/v1/, '')
    requests.push({ method: req.method ?? '', path, headers: req.headers })
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(value))
    }
    const bytes = await body(req)
    if (failing.has(path)) return json(500, { statusCode: '500', error: 'internal', message: 'disk on fire' })
    if (req.headers.authorization !== 'Bearer service-role-key' || req.headers.apikey !== 'service-role-key')
      return json(403, { statusCode: '403', error: 'Unauthorized', message: 'bad key' })
    const object = /^\/object\/([^/]+)\/(.+)$/.exec(path)
    if (req.method === 'POST' && object) {
      const key = `${object[1]}/${object[2]}`
      if (objects.has(key) && req.headers['x-upsert'] !== 'true')
        return json(400, { statusCode: '409', error: 'Duplicate', message: 'The resource already exists' })
      objects.set(key, { contentType: String(req.headers['content-type']), bytes })
      return json(200, { Id: crypto.randomUUID(), Key: key })
    }
    if (req.method === 'GET' && object) {
      const found = objects.get(`${object[1]}/${object[2]}`)
      // as Supabase Storage answers a missing object
      if (!found) return json(400, { statusCode: '404', error: 'not_found', message: 'Object not found' })
      res.writeHead(200, { 'Content-Type': found.contentType })
      return res.end(found.bytes)
    }
    const bucket = /^\/object\/([^/]+)$/.exec(path)
    if (req.method === 'DELETE' && bucket) {
      const { prefixes } = JSON.parse(bytes.toString()) as { prefixes: string[] }
      const removed = prefixes.filter((p) => objects.delete(`${bucket[1]}/${p}`))
      return json(
        200,
        removed.map((name) => ({ name })),
      )
    }
    json(404, { statusCode: '404', error: 'not_found', message: `no route ${req.method} ${path}` })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('Supabase Storage adapter (supabase-js)', () => {
  it('uploads, downloads and removes an object in the bucket, with the service key', async () => {
    const storage = new SupabaseStorage(url, 'service-role-key', 'files')
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 255])
    await storage.put(null as never, { key: 'minutes/abc-1', contentType: 'application/pdf', bytes })
    expect(objects.get('files/minutes/abc-1')).toEqual({ contentType: 'application/pdf', bytes: Buffer.from(bytes) })
    expect(requests.at(-1)).toMatchObject({ method: 'POST', path: '/object/files/minutes/abc-1', headers: { 'x-upsert': 'false' } })

    expect(await storage.get(null as never, 'minutes/abc-1')).toEqual(bytes)
    expect(await storage.get(null as never, 'minutes/missing')).toBeNull()

    await storage.remove(null as never, 'minutes/abc-1')
    expect(requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/object/files' })
    expect(objects.has('files/minutes/abc-1')).toBe(false)
    expect(await storage.get(null as never, 'minutes/abc-1')).toBeNull()
    // removing what is already gone is no error
    await storage.remove(null as never, 'minutes/abc-1')
  })

  it('reports failures instead of swallowing them: a 500, a refused key, a duplicate', async () => {
    const storage = new SupabaseStorage(url, 'service-role-key', 'files')
    const bytes = new Uint8Array([1, 2, 3])
    await storage.put(null as never, { key: 'minutes/x-1', contentType: 'application/pdf', bytes })

    failing.add('/object/files/minutes/x-1')
    await expect(storage.get(null as never, 'minutes/x-1')).rejects.toThrow(/read of minutes\/x-1 failed: 500 disk on fire/)
    await expect(storage.put(null as never, { key: 'minutes/x-1', contentType: 'application/pdf', bytes })).rejects.toThrow(/refused the upload.*500/)
    failing.delete('/object/files/minutes/x-1')
    failing.add('/object/files')
    await expect(storage.remove(null as never, 'minutes/x-1')).rejects.toThrow(/delete of minutes\/x-1 failed: 500/)
    failing.delete('/object/files')

    await expect(storage.put(null as never, { key: 'minutes/x-1', contentType: 'application/pdf', bytes })).rejects.toThrow(/already exists/)
    await expect(new SupabaseStorage(url, 'wrong-key', 'files').get(null as never, 'minutes/x-1')).rejects.toThrow(/403 bad key/)
    // the object is intact after all that
    expect(await storage.get(null as never, 'minutes/x-1')).toEqual(bytes)
    // a key we did not make is refused before any request
    await expect(storage.get(null as never, '../etc/passwd')).rejects.toThrow(/invalid storage key/)
  })
})
