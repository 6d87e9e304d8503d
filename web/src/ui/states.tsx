import { Alert, Empty, Spin } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { fmtDate } from './format.ts';

export function Loading() {
  const { t } = useTranslation();
  return (
    <div role="status" aria-label={t('common.loading')} style={{ padding: 48, textAlign: 'center' }}>
      <Spin />
    </div>
  );
}

export function EmptyState({ text }: { text: string }) {
  return <Empty description={text} />;
}

/** The server's answer to show: the translated message of its code, and the server's own words. */
export function errorText(t: TFunction, err: unknown): { title: string; detail: string | null } {
  if (err instanceof ApiError) {
    const title = t(err.messageKey, { defaultValue: err.message, ...stringify(err.details) });
    const issues = Array.isArray(err.details.issues)
      ? (err.details.issues as { path: string; message: string }[])
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ')
      : null;
    return { title, detail: issues ?? (title === err.message ? null : err.message) };
  }
  return { title: t('errors.NETWORK'), detail: err instanceof Error ? err.message : String(err) };
}

function stringify(d: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d)) {
    if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) out[k] = fmtDate(v);
    else if (typeof v !== 'object') out[k] = String(v);
  }
  return out;
}

export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const { title, detail } = errorText(t, error);
  return <Alert type="error" showIcon role="alert" message={title} description={detail ?? undefined} />;
}
