/**
 * Charts and readings of training runs. Importing this module loads neither
 * chart.js nor the native canvas: the render functions load them on first use.
 */
export { renderLossChart, chartMarks, SERIES_COLOURS, type LossChartOptions } from './loss-chart.ts';
export { renderKernelGrid, renderKernelsBeforeAfter, renderRunImages, kernelsFromFlat, type KernelGridOptions, type KernelInput } from './kernels.ts';
export { readRun, diagnoseRun, kindName, verdictName, finalFiguresLine, variantOf, knownLearningRate, READING_MAX_CHARS } from './reading.ts';
export { diagnose, contextOf, chanceLossOf, lossAxisSpan, THRESHOLDS, type Diagnosis, type DiagnosisKind, type DiagnosisReason, type DiagnoseContext } from './diagnose.ts';
export { ensureJapaneseFont, CJK_FAMILY, CJK_FONT_CANDIDATES, type FontStatus, type FontOptions } from './canvas.ts';
