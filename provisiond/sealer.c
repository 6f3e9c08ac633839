/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	sealer - the change log's sealer thread (see sealer.h)
 */
#include "config.h"
#include "sealer.h"
#include "bgthread.h"
#include "db.h"
#include "directory.h"
#include "log.h"
#include "outbox.h"
#include "tpool.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SEAL_BATCH 5000

static struct bg_thread bg = BG_THREAD_INIT("sealer");
static struct signkey *key;
static char *head_path;
static pthread_mutex_t head_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cl_known_head head;		/* under head_lock */

/* realtime µs up to which every committed entry is sealed; 0: not running */
static atomic_llong sealed_through;
static atomic_ullong sealed_total, seal_failures;

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "<pos> <hash>\n", or nothing when the file does not exist. */
static int read_head(const char *path, struct cl_known_head *h, const char **error_r)
{
	FILE *fp = fopen(path, "re");
	memset(h, 0, sizeof(*h));
	if (fp == NULL)
		return errno == ENOENT ? 0 : (*error_r = t_printf("%s: %s", path, strerror(errno)), -1);
	int n = fscanf(fp, "%lld %64[0-9a-f]", &h->pos, h->hash);
	fclose(fp);
	if (n != 2 || h->pos < 1 || strlen(h->hash) != 64) {
		*error_r = t_printf("%s: not a change-log head (\"<pos> <sha-256 hex>\")", path);
		return -1;
	}
	return 0;
}

static void write_head(const struct cl_known_head *h)
{
	char *tmp = xasprintf("%s.tmp", head_path);
	FILE *fp = fopen(tmp, "we");
	int ok = fp != NULL && fprintf(fp, "%lld %s\n", h->pos, h->hash) > 0;
	if (fp != NULL && fclose(fp) != 0)
		ok = 0;
	if (!ok || rename(tmp, head_path) < 0)
		log_warn("sealer: recording the head in %s failed: %s", head_path, strerror(errno));
	free(tmp);
}

int sealer_setup(const struct conf *c, int create, const char **error_r)
{
	int created = 0;
	if ((key = signkey_load(c->changelog_key_file, create, &created, error_r)) == NULL)
		return -1;
	if (created)
		log_info("changelog: made a new signing key %s (key id %s, public key %s)", c->changelog_key_file,
			 signkey_id(key), signkey_public_b64(key));
	head_path = xasprintf("%s.head", c->changelog_key_file);
	if (read_head(head_path, &head, error_r) < 0)
		return -1;
	return 0;
}

const struct signkey *sealer_key(void) { return key; }

struct cl_known_head sealer_recorded_head(void)
{
	pthread_mutex_lock(&head_lock);
	struct cl_known_head h = head;
	pthread_mutex_unlock(&head_lock);
	return h;
}

void sealer_shutdown(void)
{
	signkey_free(key);
	key = NULL;
	free(head_path);
	head_path = NULL;
}

/* Seals until nothing is left; 0, or -1 after logging the failure. */
static int seal_round(void)
{
	long long started = now_us();
	for (;;) {
		const char *err = NULL;
		int n = 0;
		struct cl_known_head h = sealer_recorded_head(), before = h;
		if (changelog_seal(key, SEAL_BATCH, &h, &n, &err) < 0) {
			atomic_fetch_add(&seal_failures, 1);
			log_error("sealer: %s", err ? err : "sealing failed");
			return -1;
		}
		if (h.pos != before.pos) {
			pthread_mutex_lock(&head_lock);
			head = h;
			pthread_mutex_unlock(&head_lock);
			write_head(&h);
		}
		atomic_fetch_add(&sealed_total, (unsigned long long)n);
		if (n < SEAL_BATCH)
			break;
	}
	atomic_store(&sealed_through, started);
	return 0;
}

/* The newest head to the auditors, once every changelog_heads_every. */
static void mail_head(const struct conf *c)
{
	const char *err = NULL;
	enum db_status st;
	char every[16];
	snprintf(every, sizeof(every), "%d", c->changelog_heads_every);
	if (db_begin(&err) != DB_OK)
		return;
	const char *p[1] = { every };
	/* the sealers' lock: two daemons do not both mail the same head */
	PGresult *r = db_query("sealer.head_due",
		"SELECT 1 FROM (SELECT pg_advisory_xact_lock(" CHANGELOG_SEALER_LOCK ")) l "
		"WHERE EXISTS (SELECT 1 FROM changelog_seals) AND NOT EXISTS (SELECT 1 FROM outbox "
		"WHERE kind = 'changelog_head' AND created_at > now() - make_interval(secs => $1::int))",
		1, p, &st, &err);
	if (r == NULL || PQntuples(r) == 0) {
		if (r == NULL)
			log_warn("sealer: %s", err ? err : "head mail check failed");
		PQclear(r);
		db_rollback();
		return;
	}
	PQclear(r);
	json_t *h = changelog_head(key, &st, &err), *rcpts = NULL;
	if (h == NULL || !json_is_object(h)) {
		json_decref(h);
		db_rollback();
		return;
	}
	if (c->changelog_heads_to[0] != '\0')
		rcpts = json_pack("[s]", c->changelog_heads_to);
	else if (dir_group_mails(c, c->role_group[ROLE_AUDITOR], &rcpts, &err) < 0)
		log_warn("sealer: the auditors' addresses could not be read: %s", err ? err : "?");
	char *text = json_dumps(h, JSON_INDENT(2) | JSON_SORT_KEYS);
	const char *subject = t_printf("provisiond change log head #%lld (pos %lld)",
				       (long long)json_integer_value(json_object_get(h, "no")),
				       (long long)json_integer_value(json_object_get(h, "pos")));
	const char *body = t_printf(
		"The change log's newest signed head. Keep this mail: it is a copy the database\n"
		"cannot rewrite. To check that the log still holds it:\n\n"
		"    GET /v1/changelog/verify?heads=%lld:%s\n\n"
		"To check the signature with openssl alone: write signed_text to a file\n"
		"(exactly, with its final newline), the public key as PEM, and run\n"
		"openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in head.txt -sigfile sig.bin\n\n%s\n",
		(long long)json_integer_value(json_object_get(h, "pos")),
		json_string_value(json_object_get(h, "hash")), text);
	free(text);
	size_t i;
	json_t *v;
	int sent = 0;
	st = DB_OK;
	json_array_foreach(rcpts, i, v) {
		const char *to = json_string_value(v);
		if (to == NULL || !outbox_address_ok(to))
			continue;
		if ((st = outbox_add("changelog_head", to, subject, body, 0, 0, &err)) != DB_OK)
			break;
		sent++;
	}
	json_decref(rcpts);
	json_decref(h);
	if (st == DB_OK && sent > 0 && db_commit(&err) == DB_OK)
		log_info("sealer: head mailed to %d auditor address(es)", sent);
	else {
		if (st != DB_OK)
			log_warn("sealer: mailing the head failed: %s", err ? err : "?");
		db_rollback();
	}
}

static void *run(void *arg)
{
	(void)arg;
	long long next_mail = 0;
	while (!bg_stopping(&bg)) {
		unsigned frame = t_push();	/* one round's messages */
		struct conf *c = conf_get();	/* a reload may free the one we started with */
		int interval = c->changelog_seal_interval_ms;
		seal_round();
		if (c->changelog_heads_every > 0 && now_us() >= next_mail) {
			mail_head(c);
			next_mail = now_us() + 60LL * 1000000;	/* the outbox says when it was last sent */
		}
		db_end_of_unit("sealer");
		conf_put(&c);
		t_pop(frame);
		bg_sleep(&bg, interval);
	}
	unsigned frame = t_push();
	seal_round();	/* what the last requests wrote */
	t_pop(frame);
	db_thread_close();
	dir_thread_close();
	return NULL;
}

int sealer_start(const struct conf *c, const char **error_r)
{
	if (!c->changelog_sealer || key == NULL)
		return 0;
	atomic_store(&sealed_through, now_us());
	if (bg_start(&bg, run, error_r) < 0)
		return -1;
	log_info("sealer: started (every %d ms, key id %s)", c->changelog_seal_interval_ms, signkey_id(key));
	return 0;
}

void sealer_stop(void)
{
	bg_stop(&bg);
	atomic_store(&sealed_through, 0);
}

void sealer_render_metrics(struct buf *out)
{
	long long through = atomic_load(&sealed_through);
	buf_puts(out, "# HELP provisiond_changelog_seal_lag_seconds How long ago the sealer last had sealed every "
		      "committed change-log entry.\n# TYPE provisiond_changelog_seal_lag_seconds gauge\n");
	if (through > 0)
		buf_printf(out, "provisiond_changelog_seal_lag_seconds %.3f\n", (double)(now_us() - through) / 1e6);
	buf_printf(out, "# HELP provisiond_changelog_sealed_entries_total Change-log entries this daemon chained "
		       "and signed.\n# TYPE provisiond_changelog_sealed_entries_total counter\n"
		       "provisiond_changelog_sealed_entries_total %llu\n"
		       "# HELP provisiond_changelog_seal_failures_total Sealing rounds that failed or refused.\n"
		       "# TYPE provisiond_changelog_seal_failures_total counter\n"
		       "provisiond_changelog_seal_failures_total %llu\n",
		   (unsigned long long)atomic_load(&sealed_total), (unsigned long long)atomic_load(&seal_failures));
}
