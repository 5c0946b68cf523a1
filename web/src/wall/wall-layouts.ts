// The layouts offered by the console's wall controls: the fixed ones and two custom ones (one large pane + small ones).
import { FIXED_LAYOUTS } from '../../../gis/wall-layout';

export const WALL_LAYOUTS: readonly string[] = [...FIXED_LAYOUTS, 'L4-2', 'L5-3'];
