import type { FastifyReply } from 'fastify';

/** For an answer that holds a secret: no cache may keep it (`Cache-Control: no-store`), set once the work succeeded. */
export function noStore<T>(reply: FastifyReply): (answer: T) => T {
  return (answer) => {
    reply.header('cache-control', 'no-store');
    return answer;
  };
}
