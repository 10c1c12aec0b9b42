import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

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

  @GenerateSql({ params: ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'] })
  async findActiveBySecretHash(secretHash: string): Promise<ApiKeyRow | undefined> {
    const rows = await this.db.query<ApiKeyRow>(`select ${COLUMNS} from api_key where secret_hash = $1 and revoked_at is null`, [secretHash]);
    return rows[0];
  }

  @GenerateSql({
    params: [
      {
        id: '6b1f3c2e-8f0a-4d7e-9c55-2a1b3c4d5e6f',
        name: 'checkout',
        prefix: 'csk_AbCdEfGh',
        secretHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        scopes: ['decisions:read'],
        createdBy: 'admin',
      },
    ],
  })
  async insert(key: { id: string; name: string; prefix: string; secretHash: string; scopes: string[]; createdBy: string }): Promise<ApiKeyRow> {
    const rows = await this.db.query<ApiKeyRow>(
      `insert into api_key (id, name, prefix, secret_hash, scopes, created_by) values ($6, $1, $2, $3, $4, $5) returning ${COLUMNS}`,
      [key.name, key.prefix, key.secretHash, key.scopes, key.createdBy, key.id],
    );
    return rows[0];
  }

  @GenerateSql({ params: [] })
  listAll(): Promise<ApiKeyRow[]> {
    return this.db.query<ApiKeyRow>(`select ${COLUMNS} from api_key order by created_at, id`);
  }

  /** Returns the key's secret hash when it was active, so that caches can forget it. */
  @GenerateSql({ params: ['6b1f3c2e-8f0a-4d7e-9c55-2a1b3c4d5e6f'] })
  async revoke(id: string): Promise<{ secret_hash: string; name: string; prefix: string } | undefined> {
    const rows = await this.db.query<{ secret_hash: string; name: string; prefix: string }>(
      `update api_key set revoked_at = now() where id = $1 and revoked_at is null returning secret_hash, name, prefix`,
      [id],
    );
    return rows[0];
  }

  @GenerateSql({ params: ['6b1f3c2e-8f0a-4d7e-9c55-2a1b3c4d5e6f'] })
  async exists(id: string): Promise<boolean> {
    const rows = await this.db.query(`select 1 from api_key where id = $1`, [id]);
    return rows.length > 0;
  }
}
