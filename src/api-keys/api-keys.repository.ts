import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, prefix, scopes, created_at, created_by, revoked_at';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: Db) {}

  async findActiveBySecretHash(secretHash: string): Promise<ApiKeyRow | undefined> {
    const rows = await this.db.query<ApiKeyRow>(`select ${COLUMNS} from api_key where secret_hash = $1 and revoked_at is null`, [secretHash]);
    return rows[0];
  }

  async insert(key: { name: string; prefix: string; secretHash: string; scopes: string[]; createdBy: string }): Promise<ApiKeyRow> {
    const rows = await this.db.query<ApiKeyRow>(
      `insert into api_key (id, name, prefix, secret_hash, scopes, created_by) values ($6, $1, $2, $3, $4, $5) returning ${COLUMNS}`,
      [key.name, key.prefix, key.secretHash, key.scopes, key.createdBy, randomUUID()],
    );
    return rows[0];
  }

  listAll(): Promise<ApiKeyRow[]> {
    return this.db.query<ApiKeyRow>(`select ${COLUMNS} from api_key order by created_at, id`);
  }

  /** Returns the key's secret hash when it was active, so that caches can forget it. */
  async revoke(id: string): Promise<{ secret_hash: string; name: string; prefix: string } | undefined> {
    const rows = await this.db.query<{ secret_hash: string; name: string; prefix: string }>(
      `update api_key set revoked_at = now() where id = $1 and revoked_at is null returning secret_hash, name, prefix`,
      [id],
    );
    return rows[0];
  }

  async exists(id: string): Promise<boolean> {
    const rows = await this.db.query(`select 1 from api_key where id = $1`, [id]);
    return rows.length > 0;
  }
}
