import { join } from 'node:path'
import type { Config } from '../config.ts'
import { DatabaseStorage } from './database.ts'
import { FolderStorage } from './folder.ts'
import type { Storage } from './storage.ts'
import { SupabaseStorage } from './supabase.ts'

/** The storage the configuration asks for (see README: "Files"). */
export function openStorage(config: Config): Storage {
  if (config.STORAGE === 'folder') return new FolderStorage(config.STORAGE_DIR ?? join(config.DATA_DIR, 'files'))
  if (config.STORAGE === 'supabase') {
    if (!config.SUPABASE_URL || !config.SUPABASE_SERVICE_ROLE_KEY) throw new Error('STORAGE=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY')
    return new SupabaseStorage(config.SUPABASE_URL, config.SUPABASE_SERVICE_ROLE_KEY, config.STORAGE_BUCKET)
  }
  return new DatabaseStorage()
}
