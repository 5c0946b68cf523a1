// /cameras/search and /cameras/tree: finding a camera by text, or by department → network/grid.
import { z } from 'zod';
import {
  cameraSearchHit,
  cameraSearchQuery,
  cameraTree,
  cameraTreeLeaves,
  cameraTreeLeavesQuery,
  cameraTreeQuery,
} from '../../contract';
import type { CameraFinder } from '../../cameras/camera-finder';
import type { ApiRouter } from '../api-router';

/** Registered before /cameras/{id}, which would otherwise take "search" and "tree" for ids. */
export function registerCameraFinderRoutes(api: ApiRouter, finder: CameraFinder): void {
  api.add({
    method: 'get',
    path: '/cameras/search',
    tag: 'cameras',
    action: 'camera-list',
    summary:
      'Visible cameras whose id equals q or whose name, tag or address contains it (case-insensitive), ' +
      'best first: id, name prefix, name, exact tag, the rest',
    query: cameraSearchQuery,
    response: z.object({ items: z.array(cameraSearchHit) }),
    handler: async ({ principal, query }) => ({ items: await finder.search(principal, query.q, query.limit) }),
  });
  api.add({
    method: 'get',
    path: '/cameras/tree',
    tag: 'cameras',
    action: 'camera-list',
    summary: 'Visible cameras counted by department, then by camera network or by grid (by=network|grid)',
    query: cameraTreeQuery,
    response: cameraTree,
    handler: ({ principal, query }) => finder.tree(principal, query.by),
  });
  api.add({
    method: 'get',
    path: '/cameras/tree/cameras',
    tag: 'cameras',
    action: 'camera-list',
    summary: 'The visible cameras of one group of the tree (group=none: of no network / in no grid), by name',
    query: cameraTreeLeavesQuery,
    response: cameraTreeLeaves,
    handler: ({ principal, query }) =>
      finder.leaves(
        principal,
        query.by,
        query.department,
        query.group === 'none' ? null : Number(query.group),
        query.limit,
      ),
  });
}
