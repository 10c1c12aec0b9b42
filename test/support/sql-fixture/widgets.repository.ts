import type { Db } from '../../../src/database/db';
import { GenerateSql } from '../../../src/database/generate-sql';

/** A repository for the SQL-file generator's own test: one method with an example, one without. */
export class WidgetsRepository {
  constructor(private readonly db: Db) {}

  @GenerateSql({ params: ['w-1'] })
  async findById(id: string): Promise<unknown> {
    return (await this.db.query(`select * from widget where id = $1`, [id]))[0];
  }

  async countAll(): Promise<unknown> {
    return (await this.db.query(`select count(*) from widget`))[0];
  }

  private helper(): string {
    return 'not a query';
  }
}
