import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState } from '../components/Field.tsx'
import { OrgChildren, type OrgNodeView } from './OrgChildren.tsx'

export function OrgTreePage(props: { viewer: Viewer; roots: OrgNodeView[] }) {
  return (
    <Layout title="Tổ chức đảng" viewer={props.viewer} current="/orgs">
      <h1>Tổ chức đảng</h1>
      {props.roots.length === 0 ? (
        <EmptyState title="Bạn chưa quản lý tổ chức nào.">
          <p>Cây tổ chức hiện ra với bí thư, cấp ủy viên và cán bộ văn phòng.</p>
        </EmptyState>
      ) : (
        <div class="tree card">
          <OrgChildren nodes={props.roots} />
        </div>
      )}
    </Layout>
  )
}
