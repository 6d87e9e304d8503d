import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, withQuery } from '../../api/client.ts';
import type { ExportFormat, ExportKind, Line } from '../../api/types.ts';
import { useMe } from '../../app/auth.ts';
import { useManagers } from '../client/api.ts';

/**
 * «Экспорт» (C20): pick what (base, pool, ledger, touches), whose, which line and the format, then
 * download. The file is streamed by GET /api/exports/:kind; the browser saves it (Content-Disposition).
 */
export default function ExportPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  const isManager = me?.role === 'manager';
  const managers = useManagers();
  const lines = useQuery({ queryKey: ['lines'], queryFn: () => get<{ items: Line[] }>('/api/lines') });
  const [kind, setKind] = useState<ExportKind>('clients');
  const [manager, setManager] = useState<number | undefined>(undefined);
  const [line, setLine] = useState<number | undefined>(undefined);
  const [format, setFormat] = useState<ExportFormat>('xlsx');
  const kinds: ExportKind[] = isManager
    ? ['clients', 'pool', 'touches']
    : ['clients', 'pool', 'ledger', 'touches'];
  const url = withQuery(`/api/exports/${kind}`, {
    format,
    manager: isManager || kind === 'pool' ? undefined : manager,
    line,
  });
  return (
    <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 640 }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('export.title')}
      </Typography.Title>
      <Card>
        <Form layout="vertical">
          <Form.Item label={t('export.kind')}>
            <Select
              data-testid="export-kind"
              value={kind}
              onChange={setKind}
              options={kinds.map((k) => ({ value: k, label: t(`export.kinds.${k}`) }))}
            />
          </Form.Item>
          {!isManager && kind !== 'pool' && (
            <Form.Item label={t('export.manager')}>
              <Select
                data-testid="export-manager"
                allowClear
                placeholder={t('export.everyone')}
                value={manager}
                onChange={setManager}
                options={(managers.data?.items ?? []).map((m) => ({ value: m.id, label: m.name }))}
              />
            </Form.Item>
          )}
          {(lines.data?.items.length ?? 0) > 1 && (
            <Form.Item label={t('export.line')}>
              <Select
                allowClear
                placeholder={t('export.allLines')}
                value={line}
                onChange={setLine}
                options={(lines.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }))}
              />
            </Form.Item>
          )}
          <Form.Item label={t('export.format')}>
            <Select
              data-testid="export-format"
              value={format}
              onChange={setFormat}
              options={[
                { value: 'xlsx', label: t('export.formats.xlsx') },
                { value: 'csv', label: t('export.formats.csv') },
              ]}
            />
          </Form.Item>
          <Alert type="info" showIcon message={t(isManager ? 'export.scopeManager' : 'export.scopeHead')} />
          <Button type="primary" href={url} download data-testid="export-download" style={{ marginTop: 16 }}>
            {t('export.download')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
