// Runs in the preview page: draws the time-series widgets of the embedded data
// with the inlined Chart.js, then sets window.__previewReady for screenshots.
(() => {
  const data = JSON.parse(document.getElementById('preview-data').textContent);
  // CloudWatch's default line colours, in its order.
  const PALETTE = [
    '#1f77b4',
    '#ff7f0e',
    '#2ca02c',
    '#d62728',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#7f7f7f',
    '#bcbd22',
    '#17becf',
  ];
  const FONT = { family: '"DejaVu Sans", "Liberation Sans", Arial, sans-serif', size: 11 };
  const span = data.end - data.start;

  // A tick every round time step, at most 7 across the range.
  const STEPS = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  const timeStep = (STEPS.find((s) => span / (s * 1000) <= 7) || 86400) * 1000;

  const pad = (n) => String(n).padStart(2, '0');
  function formatTime(ms) {
    const d = new Date(ms);
    const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    return span <= 15 * 60_000 ? `${hm}:${pad(d.getUTCSeconds())}` : hm;
  }
  function formatNumber(v) {
    const abs = Math.abs(v);
    if (abs >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
    if (abs >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
    if (abs >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
    return String(+v.toPrecision(3));
  }
  const xy = (points) => points.map(([x, y]) => ({ x, y }));
  const withAlpha = (hex, alpha) => {
    const n = Number.parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  };

  // Horizontal annotations (objectives, thresholds) as labelled lines.
  const annotationPlugin = {
    id: 'previewAnnotations',
    afterDatasetsDraw(chart, _args, options) {
      const { ctx, chartArea } = chart;
      for (const a of options.lines || []) {
        const scale = chart.scales[a.yAxis === 'right' ? 'y1' : 'y'];
        if (!scale) continue;
        const y = scale.getPixelForValue(a.value);
        if (y < chartArea.top - 1 || y > chartArea.bottom + 1) continue;
        ctx.save();
        ctx.strokeStyle = a.color || '#d62728';
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(chartArea.left, y);
        ctx.lineTo(chartArea.right, y);
        ctx.stroke();
        ctx.fillStyle = a.color || '#d62728';
        ctx.font = `${FONT.size}px ${FONT.family}`;
        ctx.textBaseline = 'bottom';
        ctx.fillText(a.label, chartArea.left + 4, y - 2);
        ctx.restore();
      }
    },
  };

  // CloudWatch's "No data available." over an empty graph.
  const emptyPlugin = {
    id: 'previewEmpty',
    afterDraw(chart, _args, options) {
      if (!options.empty) return;
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.fillStyle = '#5f6b7a';
      ctx.font = `13px ${FONT.family}`;
      ctx.textAlign = 'center';
      ctx.fillText(
        'No data available.',
        (chartArea.left + chartArea.right) / 2,
        (chartArea.top + chartArea.bottom) / 2,
      );
      ctx.restore();
    },
  };

  function datasets(widget) {
    const out = [];
    widget.series.forEach((s, i) => {
      const color = s.color || PALETTE[i % PALETTE.length];
      const yAxisID = s.yAxis === 'right' ? 'y1' : 'y';
      const few = s.points.length < 30;
      const line = {
        label: s.label,
        data: xy(s.points),
        yAxisID,
        borderColor: color,
        backgroundColor: widget.stacked ? withAlpha(color, 0.35) : color,
        borderWidth: 1.5,
        pointRadius: few ? 2.5 : 0,
        pointHoverRadius: 4,
        // A point at the first or last period sits on the edge: draw it whole.
        clip: 6,
        tension: 0,
        fill: widget.stacked ? (out.length === 0 ? 'origin' : '-1') : false,
      };
      if (s.lower) {
        // A band: the lower edge, then the upper edge filled down to it.
        out.push({
          label: `${s.label} (lower)`,
          data: xy(s.lower),
          yAxisID,
          borderColor: withAlpha('#7f7f7f', 0.6),
          borderWidth: 1,
          pointRadius: 0,
          fill: false,
          previewHidden: true,
        });
        Object.assign(line, {
          borderColor: withAlpha('#7f7f7f', 0.6),
          backgroundColor: withAlpha('#7f7f7f', 0.2),
          borderWidth: 1,
          pointRadius: 0,
          fill: '-1',
        });
      }
      out.push(line);
    });
    return out;
  }

  function axis(position, bounds, stacked, annotations, display) {
    const values = annotations.map((a) => a.value);
    return {
      type: 'linear',
      position,
      display,
      stacked,
      beginAtZero: true,
      grace: bounds.max === undefined ? '5%' : 0,
      min: bounds.min,
      max: bounds.max,
      // Keep objective and threshold lines in view, as CloudWatch does.
      suggestedMax: values.length ? Math.max(...values) : undefined,
      suggestedMin: values.length ? Math.min(0, ...values) : undefined,
      title: bounds.label ? { display: true, text: bounds.label, font: FONT } : { display: false },
      ticks: { font: FONT, maxTicksLimit: 6, callback: (v) => formatNumber(v) },
      grid: { color: '#e9ebed', drawOnChartArea: position === 'left' },
    };
  }

  function draw(widget) {
    const canvas = document.querySelector(`#widget-${widget.index} canvas`);
    if (!canvas) return;
    const sets = datasets(widget);
    const left = widget.annotations.filter((a) => a.yAxis !== 'right');
    const right = widget.annotations.filter((a) => a.yAxis === 'right');
    const hasRight = widget.series.some((s) => s.yAxis === 'right') || right.length > 0;
    new Chart(canvas, {
      type: 'line',
      data: { datasets: sets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        spanGaps: true,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          legend: {
            position: 'bottom',
            labels: {
              font: FONT,
              boxWidth: 10,
              boxHeight: 10,
              filter: (item, chartData) => !chartData.datasets[item.datasetIndex].previewHidden,
            },
          },
          tooltip: {
            callbacks: { title: (items) => (items[0] ? formatTime(items[0].parsed.x) : '') },
          },
          previewAnnotations: { lines: widget.annotations },
          previewEmpty: { empty: sets.every((d) => d.data.length === 0) },
        },
        scales: {
          x: {
            type: 'linear',
            min: data.start,
            max: data.end,
            ticks: {
              font: FONT,
              stepSize: timeStep,
              maxRotation: 0,
              callback: (v) => formatTime(v),
            },
            grid: { color: '#e9ebed' },
          },
          y: axis('left', widget.yAxis.left, widget.stacked, left, true),
          y1: axis('right', widget.yAxis.right, widget.stacked, right, hasRight),
        },
      },
      plugins: [annotationPlugin, emptyPlugin],
    });
  }

  window.__previewErrors = [];
  for (const widget of data.widgets) {
    if (widget.kind !== 'timeSeries') continue;
    try {
      draw(widget);
    } catch (error) {
      window.__previewErrors.push(`${widget.title}: ${error.message}`);
      const body = document.querySelector(`#widget-${widget.index} .widget-body`);
      if (body) {
        const p = document.createElement('p');
        p.className = 'problem';
        p.textContent = `⚠ cannot draw this graph: ${error.message}`;
        body.append(p);
      }
    }
  }
  // Charts draw synchronously with animation off; wait one frame for layout.
  requestAnimationFrame(() => {
    window.__previewReady = true;
  });
})();
