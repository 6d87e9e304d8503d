import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Input, type InputRef, Space, Tag, Typography } from 'antd';
import { lazy, type ReactNode, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { get } from '../../api/client.ts';
import type { LookupItem, LookupResult } from '../../api/types.ts';
import { useDebounced } from '../../ui/useDebounced.ts';

const CreateClientDialog = lazy(() => import('./CreateClientDialog.tsx'));
const CREATE = '__create__';

/** Marks the typed fragment inside the matched value, so the answer says *why* it matched. */
export function highlight(text: string, fragment: string): ReactNode {
  const needle = fragment.trim().toLocaleLowerCase('ru');
  if (!needle) return text;
  const i = text.toLocaleLowerCase('ru').indexOf(needle);
  if (i < 0) return text;
  return (
    <>
      {text.slice(0, i)}
      <mark>{text.slice(i, i + needle.length)}</mark>
      {text.slice(i + needle.length)}
    </>
  );
}

/** «Кто владелец?»: answers as you type from any fragment; Ctrl+K (⌘K) focuses it from anywhere. */
export function GlobalLookup({ canCreate }: { canCreate: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const input = useRef<InputRef>(null);
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState<string | null>(null);
  const query = useDebounced(q.trim(), 200);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const found = useQuery({
    queryKey: ['lookup', query],
    enabled: query.length > 1,
    queryFn: () => get<LookupResult>('/api/lookup', { q: query, limit: 8 }),
    staleTime: 10_000,
  });
  const items = query.length > 1 ? (found.data?.items ?? []) : [];
  const options = [
    ...items.map((it) => ({
      value: String(it.clientId),
      label: <LookupOption item={it} fragment={query} />,
    })),
    ...(canCreate && query.length > 1
      ? [{ value: CREATE, label: <Typography.Link>{t('lookup.create', { name: query })}</Typography.Link> }]
      : []),
  ];
  return (
    <>
      <AutoComplete
        value={q}
        options={options}
        onChange={(v) => setQ(v)}
        onSelect={(v: string) => {
          if (v === CREATE) setCreating(query);
          else navigate(`/clients/${v}`);
          setQ('');
        }}
        style={{ width: '100%' }}
        popupMatchSelectWidth={520}
        notFoundContent={query.length > 1 && found.isFetched ? t('lookup.nothing') : null}
      >
        <Input
          ref={input}
          aria-label={t('lookup.label')}
          placeholder={t('lookup.placeholder')}
          allowClear
          suffix={<Typography.Text type="secondary">Ctrl+K</Typography.Text>}
        />
      </AutoComplete>
      {creating !== null ? (
        <Suspense fallback={null}>
          <CreateClientDialog initialName={creating} onClose={() => setCreating(null)} />
        </Suspense>
      ) : null}
    </>
  );
}

function LookupOption({ item, fragment }: { item: LookupItem; fragment: string }) {
  const { t } = useTranslation();
  const owners = item.client.owners.filter((o) => o.ownerId !== null);
  return (
    <div>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Text strong>{item.client.displayName}</Typography.Text>
        {owners.length ? (
          owners.map((o) => (
            <Tag key={o.lineId} color="blue">
              {t('lookup.owner', { name: o.ownerName })}
            </Tag>
          ))
        ) : (
          <Tag>{t('client.inPool')}</Tag>
        )}
      </Space>
      {item.matched ? (
        <div>
          <Typography.Text type="secondary">
            {t(`identifier.${item.matched.kind}`, { defaultValue: item.matched.kind })}:{' '}
          </Typography.Text>
          <Typography.Text>{highlight(item.matched.display, fragment)}</Typography.Text>
        </div>
      ) : null}
    </div>
  );
}
