import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { post } from '../../api/client.ts';
import { ErrorAlert } from '../../ui/states.tsx';
import type { Dispute } from './types.ts';

/** «Спорить за клиента» on the client card of someone else's client (POST /api/disputes). */
export function OpenDisputeButton({ clientId }: { clientId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const send = useMutation({
    mutationFn: () => post<Dispute>('/api/disputes', { clientId, reason: reason.trim() }),
    onSuccess: async (d) => {
      message.success(t('disputes.opened'));
      setOpen(false);
      await qc.invalidateQueries({ queryKey: ['disputes'] });
      navigate(`/disputes/${d.id}`);
    },
  });
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('disputes.claim')}</Button>
      <Modal
        open={open}
        title={t('disputes.claimTitle')}
        okText={t('disputes.send')}
        okButtonProps={{ disabled: !reason.trim(), loading: send.isPending }}
        onOk={() => send.mutate()}
        onCancel={() => setOpen(false)}
      >
        <Input.TextArea
          aria-label={t('disputes.reason')}
          placeholder={t('disputes.reasonHint')}
          rows={4}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        {send.error ? <ErrorAlert error={send.error} /> : null}
      </Modal>
    </>
  );
}
