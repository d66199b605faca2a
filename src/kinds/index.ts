import { generic } from './generic.js';
import { notification } from './notification.js';
import { sliProvider } from './sli-provider.js';
import { testTool } from './test-tool.js';
import type { Kind } from './types.js';

export type { Kind } from './types.js';

export const KINDS: readonly Kind[] = [testTool, notification, sliProvider, generic];

export function kindById(id: string | undefined): Kind | undefined {
  return KINDS.find((k) => k.id === id);
}
