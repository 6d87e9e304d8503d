import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Modal, Radio, Space, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api/client.ts';
import { fmtDate } from '../../ui/format.ts';
import { ProtectionBadge } from '../../ui/ProtectionBadge.tsx';
import { ErrorAlert, Loading } from '../../ui/states.tsx';
import { useMyBase } from '../base/api.ts';

/**
 * At the cap: take the pool client by giving one of mine back, in one step (swap).
 * Proposed first: the clients I claimed longest ago (touches will refine this when they exist).
 */
export function SwapDialog({
  target,
  onClose,
}: {
  target: { id: number; displayName: string } | null;
  onClose: (swapped: boolean) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const base = useMyBase();
  const candidates = useMemo(
    () => [...(base.data?.items ?? [])].sort((a, b) => a.since.localeCompare(b.since)).slice(0, 10),
    [base.data],
  );
  const [choice, setChoice] = useState<number | null>(null);
  useEffect(() => {
    if (target) setChoice(candidates[0]?.id ?? null);
  }, [target, candidates]);
  const swap = useMutation({
    mutationFn: () => post(`/api/clients/${target!.id}/swap`, { releaseClientId: choice }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['base'] });
      await qc.invalidateQueries({ queryKey: ['pool'] });
      await qc.invalidateQueries({ queryKey: ['client'] });
      message.success(t('pool.swapped', { name: target?.displayName }));
      swap.reset();
      onClose(true);
    },
  });
  return (
    <Modal
      open={!!target}
      title={t('pool.swapTitle')}
      okText={t('pool.swapOk')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !choice, loading: swap.isPending }}
      onOk={() => swap.mutate()}
      onCancel={() => {
        swap.reset();
        onClose(false);
      }}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {t('pool.swapExplain', {
          name: target?.displayName,
          count: base.data?.manager.baseCount,
          cap: base.data?.manager.cap,
        })}
      </Typography.Paragraph>
      {base.isPending ? <Loading /> : null}
      {base.error ? <ErrorAlert error={base.error} /> : null}
      <Radio.Group
        aria-label={t('pool.swapChoose')}
        value={choice}
        onChange={(e) => setChoice(e.target.value as number)}
        style={{ width: '100%' }}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          {candidates.map((c) => (
            <Radio key={c.id} value={c.id}>
              <Space>
                <span>{c.displayName}</span>
                <Typography.Text type="secondary">
                  {t('pool.swapSince', { date: fmtDate(c.since) })}
                </Typography.Text>
                <ProtectionBadge until={c.protectedUntil} />
              </Space>
            </Radio>
          ))}
        </Space>
      </Radio.Group>
      {swap.error ? (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={swap.error} />
        </div>
      ) : null}
    </Modal>
  );
}
