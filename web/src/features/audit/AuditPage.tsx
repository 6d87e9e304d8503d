import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, DatePicker, Input, Select, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { auditPageOut } from '../../../../src/contract/audit.ts';
import { get } from '../../api/client.ts';
import { DASH, fmtDateTime } from '../../ui/format.ts';
import { ErrorAlert } from '../../ui/states.tsx';

type AuditPage = z.output<typeof auditPageOut>;
type AuditRecord = AuditPage['items'][number];

const ACTIONS = [
  'policy.set',
  'user.create',
  'user.update',
  'user.password_reset',
  'sessions.revoke_all',
  'token.create',
  'token.revoke',
  'import.apply',
] as const;

/** «Журнал действий» (issue 8): who changed what as head or admin, newest first, with before/after. */
export default function AuditPage() {
  const { t } = useTranslation();
  const [action, setAction] = useState<string | undefined>();
  const [target, setTarget] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [targetType, targetId] = target.trim() ? target.trim().split(':', 2) : [undefined, undefined];
  const query = {
    action,
    targetType: targetType || undefined,
    targetId: targetId || undefined,
    from: range?.[0]?.startOf('day').toISOString(),
    to: range?.[1]?.endOf('day').toISOString(),
    limit: 50,
  };
  const list = useInfiniteQuery({
    queryKey: ['audit', query],
    queryFn: ({ pageParam }) => get<AuditPage>('/api/audit', { ...query, cursor: pageParam ?? undefined }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('audit.title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('audit.hint')}</Typography.Text>
      <Space wrap>
        <Select
          allowClear
          aria-label={t('audit.filter.action')}
          placeholder={t('audit.filter.action')}
          style={{ minWidth: 240 }}
          value={action}
          onChange={setAction}
          options={ACTIONS.map((a) => ({ value: a, label: t(`audit.action.${a}`) }))}
        />
        <Input
          allowClear
          aria-label={t('audit.filter.target')}
          placeholder={t('audit.filter.targetPlaceholder')}
          style={{ width: 200 }}
          value={target}
          onChange={(e) => setTarget(e.target.value)}
        />
        <DatePicker.RangePicker value={range} onChange={(v) => setRange(v)} />
      </Space>
      <ErrorAlert error={list.error} />
      <Table<AuditRecord>
        aria-label={t('audit.title')}
        rowKey="id"
        size="small"
        loading={list.isPending}
        pagination={false}
        dataSource={items}
        locale={{ emptyText: t('audit.empty') }}
        expandable={{
          expandedRowRender: (r) => <Diff before={r.before} after={r.after} />,
          rowExpandable: (r) => r.before !== null || r.after !== null,
        }}
        columns={[
          { title: t('audit.col.at'), dataIndex: 'at', width: 170, render: (v: string) => fmtDateTime(v) },
          {
            title: t('audit.col.actor'),
            key: 'actor',
            render: (_, r) =>
              r.actorName ?? t(`audit.actorLabel.${r.actorLabel}`, { defaultValue: r.actorLabel }),
          },
          {
            title: t('audit.col.action'),
            dataIndex: 'action',
            render: (a: string) => t(`audit.action.${a}`, { defaultValue: a }),
          },
          {
            title: t('audit.col.target'),
            key: 'target',
            render: (_, r) =>
              `${t(`audit.targetType.${r.targetType}`, { defaultValue: r.targetType })}${r.targetId ? ` #${r.targetId}` : ''}`,
          },
          {
            title: t('audit.col.change'),
            key: 'change',
            render: (_, r) => summary(r) || DASH,
          },
        ]}
      />
      {list.hasNextPage && (
        <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('audit.more')}
        </Button>
      )}
    </Space>
  );
}

/** One line: the changed fields as before → after (small objects only; the row expands to the full JSON). */
function summary(r: AuditRecord): string {
  const b = (r.before ?? {}) as Record<string, unknown>;
  const a = (r.after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (k) => typeof (a[k] ?? b[k]) !== 'object' || (a[k] ?? b[k]) === null,
  );
  const show = (v: unknown) => (v === undefined || v === null ? DASH : String(v));
  return keys
    .slice(0, 4)
    .map((k) => (k in b ? `${k}: ${show(b[k])} → ${show(a[k])}` : `${k}: ${show(a[k])}`))
    .join('; ');
}

function Diff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation();
  const pre = { margin: 0, whiteSpace: 'pre-wrap' as const, fontSize: 12, maxHeight: 320, overflow: 'auto' };
  return (
    <Space align="start" size="large" wrap>
      <div>
        <Typography.Text strong>{t('audit.before')}</Typography.Text>
        <pre style={pre}>{before === null ? DASH : JSON.stringify(before, null, 2)}</pre>
      </div>
      <div>
        <Typography.Text strong>{t('audit.after')}</Typography.Text>
        <pre style={pre}>{after === null ? DASH : JSON.stringify(after, null, 2)}</pre>
      </div>
    </Space>
  );
}
