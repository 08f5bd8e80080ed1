import * as z from 'zod'
import { field } from '../../kernel/http/validation.ts'

export const ORG_KINDS = ['province_committee', 'commune_committee', 'grassroots_committee', 'grassroots_cell', 'sub_committee', 'cell', 'party_group'] as const

export const nameForm = z.object({ name: field.text('Tên tổ chức', 200) })
export const childForm = z.object({
  name: field.text('Tên tổ chức', 200),
  kind: z.enum(ORG_KINDS, { error: 'Chọn loại tổ chức.' }),
})
/** A human organization code: what the database's check allows (letters without accents, digits, . - _). */
export const SHORT_CODE = /^[A-Za-z0-9._-]{1,30}$/
export const shortCodeForm = z.object({
  short_code: z
    .string()
    .transform((v) => v.normalize('NFC').trim())
    .refine((v) => v === '' || SHORT_CODE.test(v), { message: 'Mã tổ chức: chỉ gồm chữ không dấu, số và dấu . - _ (tối đa 30 ký tự).' })
    .transform((v) => v || null),
})
export const targetForm = z.object({ target: field.uuid('Tổ chức đích') })
/** Its own field name: the move and merge forms share a page, and field ids follow names. */
export const mergeForm = z.object({ into: field.uuid('Tổ chức đích') })

/** What a plain form post did, named by `?done=<key>` on the page it goes to (303). */
export const done = {
  created: 'Đã tạo tổ chức.',
  renamed: 'Đã đổi tên.',
  coded: 'Đã lưu mã tổ chức.',
  moved: 'Đã chuyển tổ chức (cùng toàn bộ tổ chức trực thuộc).',
  merged: 'Đã hợp nhất vào tổ chức này; đảng viên và tổ chức trực thuộc đã được chuyển sang. Tổ chức cũ được lưu trong lịch sử.',
}

export const messages = {
  merged: (n: number) => `Đã hợp nhất; ${n} đảng viên được chuyển sang tổ chức mới. Tổ chức cũ được lưu trong lịch sử.`,
  badTarget: 'Không chuyển được: nơi đến không hợp lệ hoặc nằm trong chính tổ chức này.',
  sameCode: 'Nơi đến đã có tổ chức trùng mã.',
  shortCodeTaken: 'Mã này đã dùng cho một tổ chức khác đang hoạt động.',
  mergeSelf: 'Không thể hợp nhất một tổ chức vào chính nó.',
  duplicateChild: 'Đã có tổ chức cùng tên trực thuộc tổ chức này. Đặt tên khác (ví dụ thêm số hoặc địa bàn), hoặc mở tổ chức đã có.',
  inTransit:
    'Không thực hiện được: có đảng viên của tổ chức này đang chuyển sinh hoạt (đã cấp giấy giới thiệu). Hãy để bên nhận tiếp nhận, hoặc thu hồi giấy, rồi làm lại.',
  badMergeTarget: 'Không hợp nhất được: chỉ hợp nhất vào một tổ chức cùng loại, ngoài tổ chức này, trong phạm vi bạn quản lý.',
  kindRefused: (child: string, parent: string) => `Không thể đặt ${child} trực thuộc ${parent}. Chọn một loại trong danh sách.`,
  moveKindRefused: (node: string, target: string) => `Không chuyển được: ${node} không thể trực thuộc ${target}.`,
}
