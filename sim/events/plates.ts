// Plates for the demo's checkpoints: a fleet of vehicles of the Changde area (湘J), some from elsewhere, and regulars who pass often.
import { pick, rng } from '../random';

/** Issuing offices and their weight: Changde 湘J most, the rest of Hunan and the neighbouring provinces seldom. */
const PREFIXES: Array<[string, number]> = [
  ['湘J', 78],
  ['湘A', 7],
  ['湘D', 3],
  ['湘G', 2],
  ['湘C', 2],
  ['湘F', 2],
  ['湘E', 1],
  ['鄂A', 2],
  ['渝A', 1],
  ['粤B', 1],
  ['贵A', 1],
];
/** Letters of Chinese plates (I and O are not used, they read as 1 and 0). */
const LETTERS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];
const DIGITS = [...'0123456789'];

export interface Vehicle {
  plate: string;
  /** blue: a car; yellow: a truck or bus; green: new energy (8 characters). */
  plateColor: 'blue' | 'yellow' | 'green';
  vehicleType: 'car' | 'suv' | 'van' | 'truck' | 'bus';
}

function prefix(r: () => number): string {
  const total = PREFIXES.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [p, w] of PREFIXES) if ((x -= w) < 0) return p;
  return PREFIXES[0]![0];
}

/** One plausible vehicle: 湘J·5 characters (a letter or two among digits), new energy 湘J·D/F + 5 characters. */
export function randomVehicle(r: () => number): Vehicle {
  const p = prefix(r);
  const kind = r();
  if (kind < 0.18) {
    const tail = Array.from({ length: 5 }, () => pick(r, DIGITS)).join('');
    return { plate: `${p}${pick(r, ['D', 'F'])}${tail}`, plateColor: 'green', vehicleType: r() < 0.8 ? 'car' : 'suv' };
  }
  const letters = r() < 0.5 ? 1 : 2;
  const chars = Array.from({ length: 5 }, (_, i) => (i < letters ? pick(r, LETTERS) : pick(r, DIGITS)));
  // the letters sit anywhere among the five
  for (let i = chars.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  const heavy = kind > 0.9;
  return {
    plate: `${p}${chars.join('')}`,
    plateColor: heavy ? 'yellow' : 'blue',
    vehicleType: heavy ? (r() < 0.5 ? 'truck' : 'bus') : pick(r, ['car', 'car', 'car', 'suv', 'van'] as const),
  };
}

/**
 * The vehicles the checkpoints see: `regulars` (commuters, taxis, buses) make `regularShare` of the reads, so
 * their plates repeat across checkpoints and a plate track exists; the others are drawn from a larger fleet.
 */
export class PlateFleet {
  private readonly r: () => number;
  readonly regulars: Vehicle[];
  private readonly fleet: Vehicle[];
  private readonly share: number;

  constructor(seed: number, o: { regulars?: number; fleet?: number; regularShare?: number } = {}) {
    this.r = rng(seed);
    const seen = new Set<string>();
    const draw = (n: number): Vehicle[] => {
      const out: Vehicle[] = [];
      while (out.length < n) {
        const v = randomVehicle(this.r);
        if (!seen.has(v.plate)) (seen.add(v.plate), out.push(v));
      }
      return out;
    };
    this.regulars = draw(o.regulars ?? 24);
    this.fleet = draw(o.fleet ?? 2000);
    this.share = o.regularShare ?? 0.35;
  }

  /** The next vehicle passing a checkpoint. */
  next(): Vehicle {
    return pick(this.r, this.r() < this.share ? this.regulars : this.fleet);
  }
}
