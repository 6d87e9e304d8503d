import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import { useEffect, useRef } from 'react';

// Only the parts the dashboard draws are bundled (into the dashboard's chunk). The SVG renderer keeps
// the DOM inspectable (browser tests count the drawn bars) and stays sharp when printed.
echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  SVGRenderer,
]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
>;

/**
 * One chart: a labelled figure whose `data-series` is the number of series drawn and whose
 * `data-drawn` turns true once ECharts has finished rendering (the browser tests wait for it).
 */
export function EChart({
  option,
  label,
  height = 320,
  onClick,
}: {
  option: ChartOption;
  label: string;
  height?: number;
  onClick?: (dataIndex: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const el = ref.current!;
    const c = echarts.init(el, undefined, { renderer: 'svg' });
    chart.current = c;
    c.on('finished', () => el.setAttribute('data-drawn', 'true'));
    c.on('click', (p) => {
      if (typeof p.dataIndex === 'number') click.current?.(p.dataIndex);
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    ref.current?.setAttribute('data-drawn', 'false');
    c.setOption(option, { notMerge: true });
    const series = Array.isArray(option.series) ? option.series.length : option.series ? 1 : 0;
    ref.current?.setAttribute('data-series', String(series));
  }, [option]);

  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
