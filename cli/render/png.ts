// Pictures of data points as PNG: a grid of tiles with a thin separator between them, values
// in [0, 1] as grey levels (1 = white), hidden entries of a masked point in a distinct colour.
import { PNG } from 'pngjs';
import { UserError } from '../../api/index.js';

export interface Tile {
  /** rows * cols values, row-major. */
  values: ArrayLike<number>;
  /** rows * cols flags: 1 = hidden (drawn in HIDDEN_RGB instead of its value). */
  hidden?: ArrayLike<number>;
}

export interface GridLayout {
  /** Tiles down and across. */
  rows: number;
  cols: number;
  /** Pixels of one tile. */
  tileRows: number;
  tileCols: number;
  /** Each value becomes a scale x scale block (default 1). */
  scale?: number;
  /** Separator width in pixels (default 1). */
  separator?: number;
  /** Values mapped to black and white (default [0, 1]; outside is clipped). */
  range?: [number, number];
}

export const SEPARATOR_RGB: readonly [number, number, number] = [86, 110, 160];
export const HIDDEN_RGB: readonly [number, number, number] = [150, 40, 40];

export function gridSize(l: GridLayout): { width: number; height: number } {
  const s = l.scale ?? 1;
  const sep = l.separator ?? 1;
  return { width: l.cols * l.tileCols * s + (l.cols + 1) * sep, height: l.rows * l.tileRows * s + (l.rows + 1) * sep };
}

/** Tiles fill the grid row by row; a missing tile is left in the separator colour. */
export function renderGrid(tiles: readonly (Tile | undefined)[], l: GridLayout): Buffer {
  const s = l.scale ?? 1;
  const sep = l.separator ?? 1;
  const [lo, hi] = l.range ?? [0, 1];
  const span = hi - lo || 1;
  const { width, height } = gridSize(l);
  const png = new PNG({ width, height });
  const px = png.data;
  for (let i = 0; i < width * height; i++) {
    px[4 * i] = SEPARATOR_RGB[0];
    px[4 * i + 1] = SEPARATOR_RGB[1];
    px[4 * i + 2] = SEPARATOR_RGB[2];
    px[4 * i + 3] = 255;
  }
  tiles.forEach((tile, t) => {
    if (!tile || t >= l.rows * l.cols) return;
    const top = sep + Math.floor(t / l.cols) * (l.tileRows * s + sep);
    const left = sep + (t % l.cols) * (l.tileCols * s + sep);
    for (let r = 0; r < l.tileRows; r++) {
      for (let c = 0; c < l.tileCols; c++) {
        const k = r * l.tileCols + c;
        let rgb: readonly [number, number, number];
        if (tile.hidden?.[k]) rgb = HIDDEN_RGB;
        else {
          const v = Math.round(255 * Math.min(1, Math.max(0, (tile.values[k]! - lo) / span)));
          rgb = [v, v, v];
        }
        for (let dy = 0; dy < s; dy++) {
          for (let dx = 0; dx < s; dx++) {
            const at = 4 * ((top + r * s + dy) * width + left + c * s + dx);
            px[at] = rgb[0];
            px[at + 1] = rgb[1];
            px[at + 2] = rgb[2];
          }
        }
      }
    }
  });
  return PNG.sync.write(png);
}

/** A PNG as grey levels in [0, 1] (the mean of R, G and B, times alpha). */
export function decodePngGrey(buf: Buffer, origin: string): { width: number; height: number; grey: Float32Array } {
  let png: PNG;
  try {
    png = PNG.sync.read(buf);
  } catch (e) {
    throw new UserError(`${origin}: not a readable PNG (${e instanceof Error ? e.message : String(e)})`);
  }
  const grey = new Float32Array(png.width * png.height);
  for (let i = 0; i < grey.length; i++) {
    const d = png.data;
    grey[i] = ((d[4 * i]! + d[4 * i + 1]! + d[4 * i + 2]!) / (3 * 255)) * (d[4 * i + 3]! / 255);
  }
  return { width: png.width, height: png.height, grey };
}
