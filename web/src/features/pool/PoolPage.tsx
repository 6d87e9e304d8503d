import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, get, post } from '../../api/client.ts';
import type { ClientListItem, Page } from '../../api/types.ts';
import { SELLERS, useMe } from '../../app/auth.ts';
import { CapMeter } from '../../ui/CapMeter.tsx';
import { fmtDate } from '../../ui/format.ts';
import { EmptyState, ErrorAlert } from '../../ui/states.tsx';
import { useDebounced } from '../../ui/useDebounced.ts';
import { useMyBase } from '../base/api.ts';
import { SwapDialog } from './SwapDialog.tsx';

const PAGE = 50;

/** The pool: searched and paged on the server (keyset cursors), so 100,000 clients cost one page each. */
export default function PoolPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const canClaim = !!me.data && SELLERS.includes(me.data.role);
  const base = useMyBase();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 300);
  // cursors[i] is the cursor of page i (page 0 has none).
  // A new search starts again at page one.
  const [paging, setPaging] = useState<{ query: string; cursors: (number | undefined)[] }>({
    query: '',
    cursors: [undefined],
  });
  const cursors = paging.query === query ? paging.cursors : [undefined];
  const setCursors = (f: (c: (number | undefined)[]) => (number | undefined)[]) =>
    setPaging({ query, cursors: f(cursors) });
  const pageNo = cursors.length - 1;
  const pool = useQuery({
    queryKey: ['pool', query, cursors[pageNo]],
    queryFn: () => get<Page<ClientListItem>>('/api/pool', { q: query, cursor: cursors[pageNo], limit: PAGE }),
    placeholderData: keepPreviousData,
  });
  const [swapTarget, setSwapTarget] = useState<ClientListItem | null>(null);
  const [claimError, setClaimError] = useState<unknown>(null);
  const claim = useMutation({
    mutationFn: (c: ClientListItem) => post(`/api/clients/${c.id}/claim`),
    onMutate: () => setClaimError(null),
    onSuccess: async (_r, c) => {
      message.success(t('pool.claimed', { name: c.displayName }));
      await qc.invalidateQueries({ queryKey: ['pool'] });
      await qc.invalidateQueries({ queryKey: ['base'] });
    },
    onError: (e, c) => {
      if (e instanceof ApiError && e.code === 'CAP_REACHED') setSwapTarget(c);
      else setClaimError(e);
    },
  });

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('pool.title')}
        </Typography.Title>
        {canClaim && base.data ? (
          <CapMeter count={base.data.manager.baseCount} cap={base.data.manager.cap} />
        ) : null}
      </Space>
      <Input.Search
        aria-label={t('pool.search')}
        placeholder={t('pool.searchPlaceholder')}
        allowClear
        value={q}
        onChange={(e) => setQ(e.target.value)}
        style={{ maxWidth: 420 }}
        loading={pool.isFetching}
      />
      {claimError ? <ErrorAlert error={claimError} /> : null}
      {pool.error ? <ErrorAlert error={pool.error} /> : null}
      <Table<ClientListItem>
        aria-label={t('pool.tableLabel')}
        rowKey="id"
        size="middle"
        loading={pool.isPending}
        dataSource={pool.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyState text={query ? t('pool.noMatches') : t('pool.empty')} /> }}
        columns={[
          {
            title: t('pool.col.client'),
            dataIndex: 'displayName',
            render: (name: string, r) => <Link to={`/clients/${r.id}`}>{name}</Link>,
          },
          { title: t('pool.col.inPoolSince'), dataIndex: 'since', render: (v: string) => fmtDate(v) },
          ...(canClaim
            ? [
                {
                  title: t('pool.col.action'),
                  key: 'claim',
                  render: (_: unknown, r: ClientListItem) => (
                    <Button
                      type="primary"
                      size="small"
                      aria-label={t('pool.claimClient', { name: r.displayName })}
                      loading={claim.isPending && claim.variables?.id === r.id}
                      onClick={() => claim.mutate(r)}
                    >
                      {t('pool.claim')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Space>
        <Button disabled={pageNo === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('common.prevPage')}
        </Button>
        <Typography.Text aria-live="polite">{t('common.pageNo', { n: pageNo + 1 })}</Typography.Text>
        <Button
          disabled={!pool.data?.nextCursor}
          onClick={() => setCursors((c) => [...c, pool.data!.nextCursor ?? undefined])}
        >
          {t('common.nextPage')}
        </Button>
      </Space>
      <SwapDialog
        target={swapTarget}
        onClose={() => {
          setSwapTarget(null);
        }}
      />
    </Space>
  );
}
