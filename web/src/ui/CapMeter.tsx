import { Progress, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** «143 / 200»: how full a base is; amber from 90 %, red at the cap. */
export function CapMeter({ count, cap }: { count: number; cap: number }) {
  const { t } = useTranslation();
  const pct = cap > 0 ? Math.min(100, Math.round((count / cap) * 100)) : 0;
  const color = count >= cap ? '#cf1322' : pct >= 90 ? '#d48806' : '#1f5fbf';
  return (
    <Space
      align="center"
      role="meter"
      aria-label={t('base.capMeter')}
      aria-valuemin={0}
      aria-valuemax={cap}
      aria-valuenow={count}
      aria-valuetext={`${count} / ${cap}`}
    >
      <Progress type="circle" percent={pct} size={56} strokeColor={color} format={() => `${pct}%`} />
      <div>
        <Typography.Text strong style={{ fontSize: 20 }}>
          {count} / {cap}
        </Typography.Text>
        <div>
          <Typography.Text type="secondary">{t('base.capCaption')}</Typography.Text>
        </div>
      </div>
    </Space>
  );
}
