/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	migrate - ordered, once-only SQL migrations (see migrate.h)
 */
#include "config.h"
#include "migrate.h"
#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "tpool.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "pvdmigr" as a number: the advisory lock every daemon takes to migrate. */
#define MIGRATE_LOCK_KEY "7076646d696772"

static int is_migration_name(const char *n)
{
	size_t len = strlen(n);
	if (len < 10 || strcmp(n + len - 4, ".sql") != 0)
		return 0;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)n[i]))
			return 0;
	return n[4] == '_';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, struct buf *out, const char **error_r)
{
	FILE *fp = fopen(path, "r");
	char chunk[8192];
	size_t n;
	if (fp == NULL) {
		*error_r = t_printf("open(%s) failed: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(out, chunk, n);
	fclose(fp);
	return 0;
}

static char *res_error(PGconn *c, PGresult *r)
{
	const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
	char *s = xstrdup(m && *m ? m : PQerrorMessage(c));
	size_t len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	return s;
}

/* Runs one statement without parameters; only our own fixed SQL and the
 * migration files themselves go through here. */
static int run(PGconn *c, const char *what, const char *sql, const char **error_r)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		char *m = res_error(c, r);
		*error_r = t_printf("%s failed: %s", what, m);
		free(m);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

int migrate_run(const char *schema_dir, int *applied_r, const char **error_r)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t count = 0;
	PGconn *c = NULL;
	int ret = -1;
	struct buf sql = BUF_INIT;

	*applied_r = 0;
	d = opendir(schema_dir);
	if (d == NULL) {
		*error_r = t_printf("opendir(%s) failed: %s (schema_dir)", schema_dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_migration_name(de->d_name))
			continue;
		names = xrealloc(names, sizeof(*names) * (count + 1));
		names[count++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (count == 0) {
		*error_r = t_printf("no NNNN_name.sql migrations in %s (schema_dir)", schema_dir);
		goto out;
	}
	qsort(names, count, sizeof(*names), cmp_str);
	for (size_t i = 1; i < count; i++) {
		if (strncmp(names[i - 1], names[i], 4) == 0) {
			*error_r = t_printf("migrations %s and %s in %s share version %.4s",
					    names[i - 1], names[i], schema_dir, names[i]);
			goto out;
		}
	}

	c = db_connect_new(error_r);
	if (c == NULL) {
		ret = -2;
		goto out;
	}
	if (run(c, "migrate lock", "SELECT pg_advisory_lock(x'" MIGRATE_LOCK_KEY "'::bigint)", error_r) < 0)
		goto out;
	if (run(c, "create schema_migrations",
		"CREATE TABLE IF NOT EXISTS schema_migrations ("
		" version integer PRIMARY KEY,"
		" name text NOT NULL,"
		" sha256 text NOT NULL,"
		" applied_at timestamptz NOT NULL DEFAULT now())", error_r) < 0)
		goto unlock;

	for (size_t i = 0; i < count; i++) {
		char path[4096], hash[65], version[8];
		snprintf(path, sizeof(path), "%s/%s", schema_dir, names[i]);
		snprintf(version, sizeof(version), "%d", atoi(names[i]));
		buf_reset(&sql);
		if (read_file(path, &sql, error_r) < 0)
			goto unlock;
		crypto_sha256_hex(sql.data, sql.len, hash);

		const char *params[3] = { version, names[i], hash };
		PGresult *r = PQexecParams(c, "SELECT sha256 FROM schema_migrations WHERE version = $1::int",
					   1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			char *m = res_error(c, r);
			*error_r = t_printf("reading schema_migrations failed: %s", m);
			free(m);
			PQclear(r);
			goto unlock;
		}
		if (PQntuples(r) == 1) {
			if (strcmp(PQgetvalue(r, 0, 0), hash) != 0) {
				*error_r = t_printf("migration %s was changed after it was applied "
						    "(file sha256 %.12s..., applied %.12s...): "
						    "add a new migration instead", path, hash,
						    PQgetvalue(r, 0, 0));
				PQclear(r);
				goto unlock;
			}
			PQclear(r);
			continue;
		}
		PQclear(r);

		if (run(c, "BEGIN", "BEGIN", error_r) < 0)
			goto unlock;
		char *what = xasprintf("migration %s", path);
		int rc = run(c, what, buf_str(&sql), error_r);
		free(what);
		if (rc == 0) {
			r = PQexecParams(c, "INSERT INTO schema_migrations (version, name, sha256) "
					 "VALUES ($1::int, $2, $3)", 3, NULL, params, NULL, NULL, 0);
			if (PQresultStatus(r) != PGRES_COMMAND_OK) {
				char *m = res_error(c, r);
				*error_r = t_printf("recording migration %s failed: %s", names[i], m);
				free(m);
				rc = -1;
			}
			PQclear(r);
		}
		if (rc < 0) {
			const char *ignored = NULL;
			run(c, "ROLLBACK", "ROLLBACK", &ignored);
			goto unlock;
		}
		if (run(c, "COMMIT", "COMMIT", error_r) < 0)
			goto unlock;
		log_info("applied migration %s", names[i]);
		(*applied_r)++;
	}

	PGresult *r = PQexec(c, "SELECT max(version) FROM schema_migrations");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && !PQgetisnull(r, 0, 0) &&
	    atoi(PQgetvalue(r, 0, 0)) > atoi(names[count - 1]))
		log_warn("the database has migration %s, newer than this provisiond knows (%.4s): "
			 "is an older provisiond running against a newer schema?",
			 PQgetvalue(r, 0, 0), names[count - 1]);
	PQclear(r);
	ret = 0;
unlock:
	{
		const char *ignored = NULL;
		run(c, "migrate unlock", "SELECT pg_advisory_unlock(x'" MIGRATE_LOCK_KEY "'::bigint)", &ignored);
	}
out:
	if (c != NULL)
		PQfinish(c);
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	buf_free(&sql);
	return ret;
}
