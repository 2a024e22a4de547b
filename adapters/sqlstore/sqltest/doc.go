// Package sqltest gives tests an isolated database for the SQL stores of
// adapters/sqlstore: a SQLite file in the test's temporary directory, or a
// fresh PostgreSQL schema in the database named by the environment
// variable TEST_POSTGRES_DSN.
//
// Without TEST_POSTGRES_DSN, PostgreSQL tests are skipped on a developer
// machine and fail when the environment variable CI is "true", so that a
// CI run cannot pass without having run them.
package sqltest
