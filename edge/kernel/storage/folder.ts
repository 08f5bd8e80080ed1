import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { checkKey, type Storage, type StoredObject } from './storage.ts'

/** Files in a folder on the server's disk (STORAGE=folder). Written to a temporary name and renamed, so a crash never leaves half a file. */
export class FolderStorage implements Storage {
  readonly kind = 'folder'

  constructor(private root: string) {}

  async put(_tx: unknown, object: StoredObject) {
    const path = join(this.root, checkKey(object.key))
    await mkdir(dirname(path), { recursive: true })
    const temporary = `${path}.${crypto.randomUUID()}.part`
    await writeFile(temporary, object.bytes)
    await rename(temporary, path)
  }

  async get(_tx: unknown, key: string) {
    try {
      return new Uint8Array(await readFile(join(this.root, checkKey(key))))
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return null
      throw error
    }
  }

  async remove(_tx: unknown, key: string) {
    await rm(join(this.root, checkKey(key)), { force: true })
  }
}
