/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	migrate - apply schema/sql/NNNN_name.sql in order, once each
 * DESCRIPTION
 *	Each file runs in its own transaction together with the row that
 *	records it in schema_migrations (version, name, sha256, applied_at).
 *	A session advisory lock serialises daemons that start together; the
 *	second one finds the work done. A file changed after it was applied
 *	is refused: the database would no longer match the files.
 */
#ifndef PVD_MIGRATE_H
#define PVD_MIGRATE_H

/* 0 ok (applied_r = how many new), -1 error (*error_r),
 * -2 PostgreSQL unreachable (*error_r says why; retry later). */
int migrate_run(const char *schema_dir, int *applied_r, const char **error_r);

#endif
