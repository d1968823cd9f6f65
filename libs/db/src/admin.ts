import { Client } from 'pg';
import { databaseName, withDatabase } from './database-url';

/** Create a database (optionally from a template) unless it exists. Uses the server's `postgres` database. */
export async function createDatabase(url: string, opts: { template?: string; dropFirst?: boolean } = {}): Promise<void> {
  const name = databaseName(url);
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    if (opts.dropFirst) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return;
    const template = opts.template ? ` TEMPLATE ${quoteIdent(opts.template)}` : '';
    await client.query(`CREATE DATABASE ${quoteIdent(name)}${template}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
