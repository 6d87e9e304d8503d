import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Input,
  InputNumber,
  Radio,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get, post } from '../../api/client.ts';
import { useMe } from '../../app/auth.ts';
import { DASH, fmtDate, fmtDateTime, fmtMoney } from '../../ui/format.ts';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states.tsx';
import type { Dispute } from './types.ts';

type Touch = Dispute['evidence']['owner']['touches'][number];

/** «Споры» (C11): the list (open first) and, at /disputes/:id, the frozen evidence and the head's decision. */
export default function DisputesPage() {
  const { id } = useParams();
  return id ? <DisputeView id={Number(id)} /> : <DisputeList />;
}

function DisputeList() {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['disputes', 'list'],
    queryFn: async () => {
      const [open, resolved] = await Promise.all([
        get<{ items: Dispute[] }>('/api/disputes', { status: 'open' }),
        get<{ items: Dispute[] }>('/api/disputes', { status: 'resolved' }),
      ]);
      return [...open.items, ...resolved.items];
    },
  });
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('disputes.title')}
      </Typography.Title>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorAlert error={list.error} />
      ) : (
        <Table<Dispute>
          aria-label={t('disputes.title')}
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={list.data}
          locale={{ emptyText: <EmptyState text={t('disputes.empty')} /> }}
          columns={[
            {
              title: t('disputes.col.client'),
              dataIndex: 'clientName',
              render: (v: string, r) => <Link to={`/disputes/${r.id}`}>{v}</Link>,
            },
            { title: t('disputes.col.owner'), render: (_, r) => r.evidence.owner.name },
            { title: t('disputes.col.claimant'), render: (_, r) => r.evidence.claimant.name },
            {
              title: t('disputes.col.trigger'),
              dataIndex: 'trigger',
              render: (v: string) => t(`disputes.trigger.${v}`),
            },
            {
              title: t('disputes.col.status'),
              dataIndex: 'status',
              render: (v: string) => (
                <Tag color={v === 'open' ? 'orange' : 'green'}>{t(`disputes.status.${v}`)}</Tag>
              ),
            },
            {
              title: t('disputes.col.resolution'),
              dataIndex: 'resolution',
              render: (v: string | null) => (v ? t(`disputes.resolution.${v}`) : DASH),
            },
            { title: t('disputes.col.deadline'), dataIndex: 'deadlineAt', render: (v: string) => fmtDate(v) },
          ]}
        />
      )}
    </Space>
  );
}

function DisputeView({ id }: { id: number }) {
  const { t } = useTranslation();
  const me = useMe();
  const d = useQuery({ queryKey: ['disputes', id], queryFn: () => get<Dispute>(`/api/disputes/${id}`) });
  if (d.isPending) return <Loading />;
  if (d.error) return <ErrorAlert error={d.error} />;
  const x = d.data;
  const ev = x.evidence;
  const who = (uid: number | null, name: string | null) =>
    uid === ev.owner.id
      ? `${t('disputes.side.owner')} (${ev.owner.name})`
      : uid === ev.claimant.id
        ? `${t('disputes.side.claimant')} (${ev.claimant.name})`
        : (name ?? DASH);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Link to="/disputes">← {t('disputes.back')}</Link>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('disputes.viewTitle', { client: x.clientName })}
      </Typography.Title>
      <Descriptions size="small" bordered column={2}>
        <Descriptions.Item label={t('disputes.col.client')}>
          <Link to={`/clients/${x.clientId}`}>{x.clientName}</Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('disputes.col.status')}>
          <Tag color={x.status === 'open' ? 'orange' : 'green'}>{t(`disputes.status.${x.status}`)}</Tag>
          {x.resolution ? t(`disputes.resolution.${x.resolution}`) : null}
        </Descriptions.Item>
        <Descriptions.Item label={t('disputes.col.trigger')}>
          {t(`disputes.trigger.${x.trigger}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('disputes.col.deadline')}>{fmtDate(x.deadlineAt)}</Descriptions.Item>
        <Descriptions.Item label={t('disputes.reason')}>{x.reason ?? DASH}</Descriptions.Item>
        <Descriptions.Item label={t('disputes.protection')}>
          {ev.protection.active ? t('disputes.protectedUntil', { date: fmtDate(ev.protection.until) }) : DASH}
        </Descriptions.Item>
        {ev.deal ? (
          <Descriptions.Item label={t('disputes.deal')}>
            {ev.deal.title} · {fmtMoney(ev.deal.amountKopecks)}
          </Descriptions.Item>
        ) : null}
        {x.comment ? <Descriptions.Item label={t('disputes.comment')}>{x.comment}</Descriptions.Item> : null}
      </Descriptions>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Card size="small" title={t('disputes.ownerSide', { name: ev.owner.name })}>
            <Typography.Paragraph>
              {t('disputes.ownerSince', { date: fmtDate(ev.owner.since) })}
              <br />
              {t('disputes.lastQualifying', { date: fmtDateTime(ev.owner.lastQualifyingTouchAt) })}
              <br />
              {t('disputes.plannedWeeks', {
                weeks: ev.owner.plannedWeeks.length ? ev.owner.plannedWeeks.join(', ') : DASH,
              })}
              {ev.owner.newcomerProtected ? (
                <>
                  <br />
                  <Tag color="blue">{t('disputes.newcomer')}</Tag>
                </>
              ) : null}
            </Typography.Paragraph>
            <Touches
              label={t('disputes.ownerTouches')}
              items={ev.owner.touches}
              total={ev.owner.touchCount}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small" title={t('disputes.claimantSide', { name: ev.claimant.name })}>
            <Touches
              label={t('disputes.claimantTouches')}
              items={ev.claimant.touches}
              total={ev.claimant.touchCount}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('disputes.identifiers')}>
        <Table
          aria-label={t('disputes.identifiers')}
          rowKey={(r) => `${r.kind}:${r.value}`}
          size="small"
          pagination={false}
          dataSource={ev.identifiers}
          locale={{ emptyText: <EmptyState text={t('disputes.noIdentifiers')} /> }}
          columns={[
            {
              title: t('disputes.idCol.kind'),
              dataIndex: 'kind',
              render: (v: string) => t(`disputes.idKind.${v}`, { defaultValue: v }),
            },
            { title: t('disputes.idCol.value'), dataIndex: 'value' },
            { title: t('disputes.idCol.by'), render: (_, r) => who(r.createdBy, r.createdByName) },
            { title: t('disputes.idCol.at'), dataIndex: 'createdAt', render: (v: string) => fmtDate(v) },
          ]}
        />
      </Card>
      {me.data?.role === 'head' && x.status === 'open' ? <DecideForm dispute={x} /> : null}
    </Space>
  );
}

function Touches({ label, items, total }: { label: string; items: Touch[]; total: number }) {
  const { t } = useTranslation();
  return (
    <Table<Touch>
      aria-label={label}
      title={() => t('disputes.touchCount', { count: total })}
      rowKey={(r) => `${r.at}:${r.kind}`}
      size="small"
      pagination={false}
      dataSource={items}
      locale={{ emptyText: <EmptyState text={t('disputes.noTouches')} /> }}
      columns={[
        { title: t('disputes.touchCol.at'), dataIndex: 'at', render: (v: string) => fmtDateTime(v) },
        {
          title: t('disputes.touchCol.kind'),
          dataIndex: 'kind',
          render: (v: string) => t(`activity.kind.${v}`, { defaultValue: v }),
        },
        {
          title: t('disputes.touchCol.outcome'),
          dataIndex: 'outcome',
          render: (v: string | null) => (v ? t(`activity.outcome.${v}`, { defaultValue: v }) : DASH),
        },
      ]}
    />
  );
}

function DecideForm({ dispute }: { dispute: Dispute }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [resolution, setResolution] = useState<'keep' | 'transfer' | 'split'>('keep');
  const [ownerPct, setOwnerPct] = useState<number>(50);
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: () =>
      post<Dispute>(`/api/disputes/${dispute.id}/decide`, {
        resolution,
        ...(resolution === 'split' ? { ownerBps: Math.round(ownerPct * 100) } : {}),
        comment: comment.trim(),
      }),
    onSuccess: async () => {
      message.success(t('disputes.decided'));
      await qc.invalidateQueries({ queryKey: ['disputes'] });
      await qc.invalidateQueries({ queryKey: ['client', dispute.clientId] });
    },
  });
  return (
    <Card size="small" title={t('disputes.decision')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group
          aria-label={t('disputes.decision')}
          value={resolution}
          onChange={(e) => setResolution(e.target.value)}
          options={(['keep', 'transfer', 'split'] as const).map((r) => ({
            value: r,
            label: t(`disputes.decide.${r}`),
          }))}
        />
        {resolution === 'split' ? (
          <Space>
            <Typography.Text>{t('disputes.ownerShare')}</Typography.Text>
            <InputNumber<number>
              aria-label={t('disputes.ownerShare')}
              min={0}
              max={100}
              value={ownerPct}
              onChange={(v) => setOwnerPct(v ?? 0)}
              addonAfter="%"
            />
          </Space>
        ) : null}
        <Input.TextArea
          aria-label={t('disputes.comment')}
          placeholder={t('disputes.commentHint')}
          rows={3}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
        {decide.error ? <ErrorAlert error={decide.error} /> : null}
        <Button
          type="primary"
          disabled={!comment.trim()}
          loading={decide.isPending}
          onClick={() => decide.mutate()}
        >
          {t('disputes.submit')}
        </Button>
      </Space>
    </Card>
  );
}
