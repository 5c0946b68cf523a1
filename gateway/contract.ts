// The API contract: zod schemas that validate requests and generate the OpenAPI document, and their types.
// One file per domain in contract/; importers (gateway, console, SDK, tests) take everything from here.
export {
  CAMERA_STATUS,
  PROFILE,
  ROLE,
  httpUri,
  page,
  problem,
  pageQuery,
  queryNumber,
  streamUri,
  type Action,
  type Problem,
  type Role,
} from './contract/fields';
export * from './contract/geometry';
export * from './contract/cameras';
export * from './contract/camera-finder';
export * from './contract/spatial';
export * from './contract/devices';
export * from './contract/org';
export * from './contract/accounts';
export * from './contract/api-keys';
export * from './contract/shares';
export * from './contract/audit';
