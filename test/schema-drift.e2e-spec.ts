import { pendingSchemaChanges } from '../src/bin/schema-diff';
import { TestApp } from './support/test-app';

/** As immich does: after every migration ran, TypeORM must find nothing left to change. */
describe('entities and migrations', () => {
  it('agree', async () => {
    const t = await TestApp.start();
    try {
      expect(await pendingSchemaChanges(t.config.databaseUrl!)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
