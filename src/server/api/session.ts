import { z } from 'zod';
import type { ApiContext } from './context.js';
import { type ApiRoute, defineRoute } from './route.js';

const sessionSchema = z.object({
  kind: z.enum(['session', 'token']).describe('how this request authenticated'),
  csrfToken: z
    .string()
    .optional()
    .describe('send as X-CSRF-Token on state-changing requests (sessions only)'),
  expiresAt: z.string().optional(),
  tokenId: z.string().optional(),
  name: z.string().optional(),
});

/** `GET /api/session`: who is calling, and the CSRF token a session's fetch calls send. */
export function sessionRoutes(_ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/session',
      operationId: 'getSession',
      summary: 'The caller: session (with its CSRF token) or API token',
      tags: ['auth'],
      response: sessionSchema,
      handler: (_input, c) => {
        const auth = c.get('auth');
        if (auth?.kind === 'session') {
          return {
            kind: 'session' as const,
            csrfToken: auth.csrfToken,
            expiresAt: auth.expiresAt.toISOString(),
          };
        }
        return { kind: 'token' as const, ...(auth ? { tokenId: auth.tokenId, name: auth.name } : {}) };
      },
    }),
  ];
}
