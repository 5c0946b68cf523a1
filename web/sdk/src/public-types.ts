// Compile-time check (tsc over the repository) that cloudeye.d.ts, the package's published types, fits this implementation.
import type * as Decl from '../cloudeye';
import type * as Impl from './index';

type Assignable<T extends U, U> = T;

export type PublicTypesMatch = [
  Assignable<typeof Impl.connect, typeof Decl.connect>,
  Assignable<typeof Impl.version, typeof Decl.version>,
  Assignable<Impl.EventMap, Decl.EventMap>,
  Assignable<Impl.ConnectOptions, Decl.ConnectOptions>,
  Assignable<Impl.CloudEyeMapElement, Decl.CloudEyeMapElement>,
  Assignable<Impl.CloudEyePlayerElement, Decl.CloudEyePlayerElement>,
  Assignable<Impl.CloudEyeError, Decl.CloudEyeError>,
];
