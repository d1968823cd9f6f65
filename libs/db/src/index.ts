export * from './entities';
export { ormOptions, type OrmOptionsInput } from './orm-options';
export { migrateUp, pendingMigrations, schemaDrift } from './migrate';
export { createDatabase, dropDatabase } from './admin';
export { withDatabase, databaseName, redactUrl } from './database-url';
