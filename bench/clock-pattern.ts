// Reads the capture clock a simulated camera draws (sim/cameras/clock_band.py) from RGBA pixels: self-contained, it also runs in the page.

/** RGBA pixels as a canvas's getImageData gives them. */
export interface Pixels {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/**
 * The capture time (ms since the epoch) drawn in the band at the bottom of the picture, or null when
 * the band is not there or not readable (markers wrong, too little contrast, a parity bit wrong).
 * The picture may be scaled to any size: cells are found by fractions of the frame.
 * Keep free of references outside its body: the bench passes its source to the page.
 */
export function decodeClock(img: Pixels): number | null {
  const COLS = 26;
  const BITS = 21;
  const { data, width, height } = img;
  if (width < COLS * 2 || height < 30 || data.length < width * height * 4) return null;
  const cellH = height / 15;
  const cellW = width / COLS;
  // mean luma of the middle half of a cell
  const cell = (row: number, col: number): number => {
    const top = height - (2 - row) * cellH;
    const y0 = Math.floor(top + cellH * 0.25);
    const y1 = Math.max(y0 + 1, Math.floor(top + cellH * 0.75));
    const x0 = Math.floor(col * cellW + cellW * 0.25);
    const x1 = Math.max(x0 + 1, Math.floor(col * cellW + cellW * 0.75));
    let sum = 0;
    let n = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
        n++;
      }
    return sum / n;
  };
  let ms = 0;
  for (let row = 0; row < 2; row++) {
    const whites = [cell(row, 0), cell(row, COLS - 1)];
    const blacks = [cell(row, 1), cell(row, COLS - 2)];
    const lo = Math.max(...blacks);
    const hi = Math.min(...whites);
    if (hi - lo < 80) return null;
    const threshold = (hi + lo) / 2;
    let ones = 0;
    for (let k = 0; k < BITS; k++) {
      const bit = cell(row, 2 + k) > threshold ? 1 : 0;
      ones += bit;
      ms = ms * 2 + bit;
    }
    const parity = cell(row, 2 + BITS) > threshold ? 1 : 0;
    if ((ones + parity) % 2 !== 0) return null;
  }
  return ms;
}
