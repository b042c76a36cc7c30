/**
 * Vega-Lite specs to SVG markup, headless on Node (issue 10, point 3): vega-lite compiles a spec to
 * Vega, and a Vega `View` with no renderer writes the SVG (`toSVG()`). No canvas package: Vega then
 * estimates text widths at 0.8 em per character, which is too wide for Latin and too narrow for
 * Chinese, so this file installs a per-character estimate through the hook Vega offers for it
 * (`textMetrics.width`, as vl-convert does). Strict: any warning or error of either library fails
 * the chart, so a broken spec never ships as an empty picture.
 *
 * vega and vega-lite are optional dependencies of sealpost (like better-sqlite3, src/center/deps.ts):
 * only the center's tally needs them, and a client installs without them.
 */
import { InputError } from '../../../errors.js';
import { CENTER_PACKAGES } from '../../deps.js';
import { englishText } from '../messages.js';

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');
/** A Vega-Lite spec (the top level of `vega-lite`'s `compile`). */
export type ChartSpec = Parameters<VegaLite['compile']>[0];

let libs: Promise<{ vega: Vega; vl: VegaLite }> | undefined;

/** The width of one character in em of a sans-serif font: CJK and full-width forms are square. */
function charEm(code: number): number {
  if ((code >= 0x2e80 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xff00 && code <= 0xffef)) return 1;
  if (code >= 0x30 && code <= 0x39) return 0.56; // digits are tabular in most UI fonts
  if (code === 0x20 || code === 0x2c || code === 0x2e || code === 0x27 || code === 0x28 || code === 0x29) return 0.3;
  if (code >= 0x41 && code <= 0x5a) return 0.68;
  return 0.55;
}

/** Estimated width in pixels of `text` at `fontSize`; errs wide so labels are not cut. */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += charEm(ch.codePointAt(0)!);
  return Math.ceil(em * fontSize);
}

/**
 * Loads vega and vega-lite once. Throws InputError `center-deps-missing` (key
 * `center.tally.charts-missing`) when they are not installed.
 */
export function loadCharts(): Promise<{ vega: Vega; vl: VegaLite }> {
  libs ??= Promise.all([import('vega'), import('vega-lite')]).then(
    ([vega, vl]) => {
      // Exported by vega (from vega-scenegraph) but missing from its typings.
      const metrics = (vega as unknown as { textMetrics: { width: (item: { fontSize?: number; text?: unknown }, t?: unknown) => number } }).textMetrics;
      metrics.width = (item, t) =>
        estimateTextWidth(String(t ?? item.text ?? ''), item.fontSize != null ? +item.fontSize || 0 : 11);
      return { vega, vl };
    },
    (err: unknown) => {
      libs = undefined;
      const params = { package: 'vega', version: CENTER_PACKAGES.vega, vegaLite: CENTER_PACKAGES['vega-lite'] };
      throw new InputError('center-deps-missing', englishText('center.tally.charts-missing', params), {
        cause: err,
        key: 'center.tally.charts-missing',
        params,
      });
    },
  );
  return libs;
}

/** A Vega/Vega-Lite logger that records warnings and errors instead of printing them. */
function strictLogger(found: string[]) {
  const logger = {
    level: () => logger,
    warn: (...a: unknown[]) => (found.push(a.map(String).join(' ')), logger),
    error: (...a: unknown[]) => (found.push(a.map(String).join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * The SVG markup of a Vega-Lite spec, ready to inline in HTML (no XML namespace attributes: inline
 * SVG in HTML needs none, and the report then names no URL at all).
 * @throws Error when vega-lite or vega warns or fails (a broken spec, a field missing from the data).
 */
export async function renderChart(spec: ChartSpec): Promise<string> {
  const { vega, vl } = await loadCharts();
  const found: string[] = [];
  let svg: string;
  try {
    const compiled = vl.compile(spec, { logger: strictLogger(found) as never });
    const loader = vega.loader();
    // The charts' data is inline: reading a file or a URL would be a bug, and never happens silently.
    const refuse = () => Promise.reject(new Error('report charts load nothing'));
    loader.load = refuse;
    loader.sanitize = refuse;
    const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', loader, logger: strictLogger(found) as never, logLevel: vega.Warn });
    try {
      svg = await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (err) {
    throw new Error(`report chart failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (found.length > 0) throw new Error(`report chart failed: ${found.join('; ')}`);
  return svg.replace(/^<svg xmlns="[^"]*"(?: xmlns:xlink="[^"]*")?/, '<svg');
}
