/**
 * Members' names as the caller may know them, for lists: cell members know their cell-mates
 * through the roster (names only), managers through the member records their policy lets them
 * read. The roster is read once per statement (a CTE), never once per row.
 */
export const KNOWN_NAMES = `known_names as materialized (select r.id, r.full_name from public.my_cell_roster() r)`

/** The joins and the name expression for one member column (`alias` keeps several apart). */
export function knownName(memberColumn: string, alias = 'n'): { joins: string; name: string } {
  return {
    joins: `left join known_names ${alias}_r on ${alias}_r.id = ${memberColumn} left join public.members ${alias}_m on ${alias}_m.id = ${memberColumn}`,
    name: `coalesce(${alias}_r.full_name, ${alias}_m.full_name)`,
  }
}
