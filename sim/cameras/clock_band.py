"""The capture clock drawn into a simulated camera's picture: 44 bits as black and white cells in a band.

Layout (bench/clock-pattern.ts reads it back from a canvas; keep both in step): the band is the
bottom 2 × H/15 rows of the frame, two rows of 26 cells of W/26 × H/15 pixels (24 × 24 at 640 × 360).
Each row: white, black (start marker), 21 bits of the clock (most significant first), one even-parity
bit over those 21, black, white (stop marker). Row 0 holds bits 41..21 of the time, row 1 bits 20..0.
The time is the wall clock (ms since the epoch) when the source handed the raw frame on, before
encoding: what a camera would stamp at sensor readout.
"""

COLS = 26
ROWS = 2
BITS_PER_ROW = 21
WHITE_Y = 235  # video range, shown as 255 by a browser
BLACK_Y = 16


def cell_bits(ms):
    """The 2 × 26 cell values (True = white) for a time in ms (0 ≤ ms < 2**42)."""
    if not 0 <= ms < 1 << (ROWS * BITS_PER_ROW):
        raise ValueError(f'clock out of range: {ms}')
    rows = []
    for r in range(ROWS):
        shift = (ROWS - 1 - r) * BITS_PER_ROW
        bits = [bool((ms >> (shift + BITS_PER_ROW - 1 - k)) & 1) for k in range(BITS_PER_ROW)]
        parity = sum(bits) % 2 == 1
        rows.append([True, False] + bits + [parity, False, True])
    return rows


class ClockBand:
    """Paints the band into I420 frames of one size."""

    def __init__(self, width, height):
        self.w, self.h = width, height
        self.cell_h = height // 15
        self.top = height - ROWS * self.cell_h
        self.edges = [c * width // COLS for c in range(COLS + 1)]
        # the chroma under the band is neutral, so the cells are pure black and white
        cw = width // 2
        self.chroma_row = bytes([128]) * cw

    def paint(self, frame, ms):
        """Draws the clock into `frame` (a bytearray holding one I420 picture)."""
        w, h = self.w, self.h
        for r, cells in enumerate(cell_bits(ms)):
            row = bytearray(w)
            for c, white in enumerate(cells):
                x0, x1 = self.edges[c], self.edges[c + 1]
                row[x0:x1] = bytes([WHITE_Y if white else BLACK_Y]) * (x1 - x0)
            y0 = self.top + r * self.cell_h
            for y in range(y0, y0 + self.cell_h):
                frame[y * w:(y + 1) * w] = row
        cw, ch = w // 2, h // 2
        for plane in (w * h, w * h + cw * ch):
            for y in range(self.top // 2, ch):
                frame[plane + y * cw:plane + (y + 1) * cw] = self.chroma_row
