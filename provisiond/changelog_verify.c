/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	changelog_verify - walk the change log's chain and its signed heads
 * DESCRIPTION
 *	One REPEATABLE READ snapshot: first the seals (each signature checked
 *	with the key file's public key), then every chained entry in position
 *	order by COPY, hashed here in C (the database's own sha256 and
 *	to_char per row cost ten times more). The walk names the earliest
 *	position that is wrong:
 *	- a position missing: removed (the missing one, not the one after);
 *	- an entry whose content no longer gives its hash: altered;
 *	- an entry that gives its hash but whose successor was chained to
 *	  another: it was replaced (rehashed) or inserted (the successor was
 *	  chained to the entry before it) — the successor vouches for it, so
 *	  the fault is named at the entry, not one too late at its successor;
 *	- a whole stretch rewritten consistently: no link breaks, but the
 *	  signed head (or a head an auditor recorded) at its end differs:
 *	  rewritten, from the first position after the last good head;
 *	- entries chained past the newest seal, or seals and recorded heads
 *	  past the end of the chain: unsigned, truncated.
 */
#include "config.h"
#include "changelog.h"
#include "buf.h"
#include "tpool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AT_US(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct seal {
	long long no, last_pos;
	char head[65];
	int good;	/* signature valid (or unchecked: no key) */
};

struct walk {
	struct seal *seals;
	int nseals, si;
	const struct cl_known_head *heads;
	int nheads, hi;
	long long anchor;		/* position after the last head found good */
	/* the entry before the current one */
	long long prev_pos, prev_seq;
	char prev_hash[65], prevprev_hash[65];
	int prev_content_ok, prev_vouched;
	/* a signed head that did not match, waiting for the next entry to say
	 * whether only the head entry or the whole stretch changed */
	int pending;
	long long pending_from, pending_pos, pending_no;
	json_t *bad;
};

static json_t *bad_entry(long long pos, long long seq, const char *kind, const char *detail)
{
	return json_pack("{s:I, s:o, s:s, s:s}", "pos", (json_int_t)pos, "seq",
			 seq > 0 ? json_integer(seq) : json_null(), "kind", kind, "detail", detail);
}

/* A head that did not match, and the link after it held (or nothing came
 * after): the stretch since the last good head was rewritten. */
static json_t *rewritten(const struct walk *w)
{
	return bad_entry(w->pending_from, 0, "rewritten", t_printf(
		"the entries from pos %lld to %lld do not end in the head %s: rewritten from some point in that "
		"stretch", w->pending_from, w->pending_pos,
		w->pending_no > 0 ? t_printf("signed by seal #%lld", w->pending_no) : "an auditor recorded"));
}

/* Decodes one field of COPY's text format in place; NULL for \N. */
static char *copy_field(char *s)
{
	if (strcmp(s, "\\N") == 0)
		return NULL;
	char *o = s;
	for (char *p = s; *p; p++) {
		if (*p != '\\' || p[1] == '\0') {
			*o++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'v': *o++ = '\v'; break;
		case 'x': {
			int v = 0, k = 0;
			while (k < 2 && ((p[1] >= '0' && p[1] <= '9') || (p[1] >= 'a' && p[1] <= 'f') ||
					 (p[1] >= 'A' && p[1] <= 'F'))) {
				p++;
				v = v * 16 + (*p <= '9' ? *p - '0' : (*p | 32) - 'a' + 10);
				k++;
			}
			*o++ = (char)v;
			break;
		}
		default:
			if (*p >= '0' && *p <= '7') {
				int v = *p - '0';
				for (int k = 0; k < 2 && p[1] >= '0' && p[1] <= '7'; k++)
					v = v * 8 + (*++p - '0');
				*o++ = (char)v;
			} else
				*o++ = *p;
		}
	}
	*o = '\0';
	return s;
}

/* Checks one entry (16 fields: the digest's 14, prev_hash, hash). 0 to go
 * on, 1 when w->bad was set. */
static int check_entry(struct walk *w, char **f)
{
	long long pos = atoll(f[CLD_POS]), seq = atoll(f[CLD_SEQ]);
	const char *prev = f[14] ? f[14] : "", *hash = f[15] ? f[15] : "";
	long long expected = w->prev_pos + 1;
	if (pos != expected) {
		w->bad = bad_entry(expected, 0, "removed", t_printf("the entries at positions %lld to %lld are missing",
								     expected, pos - 1));
		return 1;
	}
	char h[65];
	changelog_digest((const char *const *)f, prev, h);
	int content_ok = strcmp(h, hash) == 0;
	if (strcmp(prev, w->prev_hash) != 0) {
		if (w->prev_pos > 0 && w->prev_content_ok && !w->prev_vouched) {
			int inserted = strcmp(prev, w->prevprev_hash) == 0;
			w->bad = bad_entry(w->prev_pos, w->prev_seq, inserted ? "inserted" : "replaced",
				inserted ? "it was put into the chain: the entry after it is chained to the one before it"
					 : "its hash was recomputed or it was put in place of the original: the entry "
					   "after it is chained to another");
		} else
			w->bad = bad_entry(pos, seq, content_ok ? "replaced" : "altered",
				"it is not chained to the entry before it");
		return 1;
	}
	if (w->pending) {
		/* the link held: the stretch was rewritten consistently */
		w->bad = rewritten(w);
		return 1;
	}
	if (!content_ok) {
		w->bad = bad_entry(pos, seq, "altered", "its content no longer matches its hash");
		return 1;
	}
	int vouched = 0;
	while (w->si < w->nseals && w->seals[w->si].last_pos < pos)
		w->si++;
	if (w->si < w->nseals && w->seals[w->si].last_pos == pos) {
		struct seal *s = &w->seals[w->si++];
		if (strcmp(s->head, hash) != 0) {
			w->pending = 1;
			w->pending_from = w->anchor;
			w->pending_pos = pos;
			w->pending_no = s->no;
		} else if (!s->good) {
			w->bad = bad_entry(w->anchor, 0, "bad_signature", t_printf(
				"seal #%lld (up to pos %lld) is not signed by this daemon's key", s->no, pos));
			return 1;
		} else {
			vouched = 1;
			w->anchor = pos + 1;
		}
	}
	while (w->hi < w->nheads && w->heads[w->hi].pos < pos)
		w->hi++;
	for (; w->hi < w->nheads && w->heads[w->hi].pos == pos; w->hi++) {
		if (strcmp(w->heads[w->hi].hash, hash) != 0 && !w->pending) {
			w->pending = 1;
			w->pending_from = w->anchor;
			w->pending_pos = pos;
			w->pending_no = 0;
		}
	}
	memcpy(w->prevprev_hash, w->prev_hash, 65);
	snprintf(w->prev_hash, sizeof(w->prev_hash), "%s", hash);
	w->prev_pos = pos;
	w->prev_seq = seq;
	w->prev_content_ok = content_ok;
	w->prev_vouched = vouched;
	return 0;
}

/* Loads every seal, checking signatures when k is given. 0 or -1. */
static int load_seals(PGconn *c, const struct signkey *k, struct walk *w, const char **error_r)
{
	PGresult *r = PQexec(c, "DECLARE seals NO SCROLL CURSOR FOR SELECT no, last_pos, head_hash, "
			     AT_US("sealed_at") ", key_id, signature FROM changelog_seals ORDER BY no");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		*error_r = t_printf("changelog verify: reading the seals failed: %s", PQerrorMessage(c));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	int cap = 0;
	for (;;) {
		r = PQexec(c, "FETCH 10000 FROM seals");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			*error_r = t_printf("changelog verify: reading the seals failed: %s", PQerrorMessage(c));
			PQclear(r);
			return -1;
		}
		int n = PQntuples(r);
		for (int i = 0; i < n; i++) {
			if (w->nseals == cap) {
				cap = cap ? cap * 2 : 256;
				w->seals = realloc(w->seals, (size_t)cap * sizeof(*w->seals));
				if (w->seals == NULL)
					abort();
			}
			struct seal *s = &w->seals[w->nseals++];
			s->no = atoll(PQgetvalue(r, i, 0));
			s->last_pos = atoll(PQgetvalue(r, i, 1));
			snprintf(s->head, sizeof(s->head), "%s", PQgetvalue(r, i, 2));
			s->good = 1;
			if (k != NULL) {
				char *text = changelog_head_text(s->no, s->last_pos, s->head, PQgetvalue(r, i, 3));
				s->good = strcmp(PQgetvalue(r, i, 4), signkey_id(k)) == 0 &&
					  signkey_verify(k, text, strlen(text), PQgetvalue(r, i, 5));
				free(text);
			}
		}
		PQclear(r);
		if (n == 0)
			break;
	}
	PQclear(PQexec(c, "CLOSE seals"));
	/* seal numbers go 1, 2, 3 and their positions only forward */
	for (int i = 0; i < w->nseals && w->bad == NULL; i++) {
		long long from = i ? w->seals[i - 1].last_pos + 1 : 1;
		if (w->seals[i].no != i + 1 || (i && w->seals[i].last_pos <= w->seals[i - 1].last_pos))
			w->bad = bad_entry(from, 0, "removed", t_printf("the seals jump from #%lld to #%lld: a seal was removed",
				i ? w->seals[i - 1].no : 0, w->seals[i].no));
	}
	return 0;
}

static int walk_entries(PGconn *c, struct walk *w, long long *count_r, const char **error_r)
{
	PGresult *r = PQexec(c, "COPY (SELECT pos, seq, " AT_US("at") ", actor, actor_role, request_id, employee_number, "
			     "system, action, object, before, after, outcome, error, prev_hash, hash FROM changelog "
			     "WHERE pos IS NOT NULL ORDER BY pos) TO STDOUT");
	if (PQresultStatus(r) != PGRES_COPY_OUT) {
		*error_r = t_printf("changelog verify: reading the entries failed: %s", PQerrorMessage(c));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	char *line;
	int len;
	while ((len = PQgetCopyData(c, &line, 0)) > 0) {
		if (w->bad == NULL) {
			char *f[16];
			int nf = 0;
			if (len > 0 && line[len - 1] == '\n')
				line[len - 1] = '\0';
			for (char *p = line; nf < 16;) {
				char *tab = strchr(p, '\t');
				if (tab != NULL)
					*tab = '\0';
				f[nf++] = p;
				if (tab == NULL)
					break;
				p = tab + 1;
			}
			if (nf == 16) {
				for (int i = 0; i < 16; i++)
					f[i] = copy_field(f[i]);
				(*count_r)++;
				check_entry(w, f);
			}
		}
		PQfreemem(line);
	}
	r = PQgetResult(c);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		*error_r = t_printf("changelog verify: reading the entries failed: %s", PQerrorMessage(c));
	PQclear(r);
	while ((r = PQgetResult(c)) != NULL)
		PQclear(r);
	return ok ? 0 : -1;
}

/* After the last entry: what the heads say beyond it. */
static void check_end(struct walk *w)
{
	if (w->bad != NULL)
		return;
	if (w->pending) {
		/* nothing after the head entry to tell which: name the stretch */
		w->bad = rewritten(w);
		return;
	}
	long long end = w->prev_pos;
	for (int i = w->si; i < w->nseals; i++)
		if (w->seals[i].last_pos > end) {
			w->bad = bad_entry(end + 1, 0, "truncated", t_printf(
				"seal #%lld covers the chain up to pos %lld, but it ends at pos %lld: entries were removed "
				"from the end", w->seals[i].no, w->seals[i].last_pos, end));
			return;
		}
	for (int i = w->hi; i < w->nheads; i++)
		if (w->heads[i].pos > end) {
			w->bad = bad_entry(end + 1, 0, "truncated", t_printf(
				"a recorded head is at pos %lld, but the chain ends at pos %lld: entries were removed from "
				"the end", w->heads[i].pos, end));
			return;
		}
	if (w->nseals > 0 && end > w->seals[w->nseals - 1].last_pos)
		w->bad = bad_entry(w->seals[w->nseals - 1].last_pos + 1, 0, "unsigned", t_printf(
			"the entries from pos %lld to %lld are chained, but no signed head covers them",
			w->seals[w->nseals - 1].last_pos + 1, end));
}

static int cmp_heads(const void *a, const void *b)
{
	const struct cl_known_head *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int changelog_verify(PGconn *c, const struct signkey *k, const struct cl_known_head *heads, int nheads,
		     json_t **result_r, const char **error_r)
{
	struct walk w = { .anchor = 1 };
	struct cl_known_head *sorted = NULL;
	memcpy(w.prev_hash, ZERO_HASH, 65);
	memcpy(w.prevprev_hash, ZERO_HASH, 65);
	if (nheads > 0) {
		sorted = xcalloc((size_t)nheads, sizeof(*sorted));
		memcpy(sorted, heads, (size_t)nheads * sizeof(*sorted));
		qsort(sorted, (size_t)nheads, sizeof(*sorted), cmp_heads);
	}
	w.heads = sorted;
	w.nheads = nheads;
	long long count = 0;
	PQclear(PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
	int rc = load_seals(c, k, &w, error_r);
	if (rc == 0 && w.bad == NULL)
		rc = walk_entries(c, &w, &count, error_r);
	json_t *unsealed = NULL;
	if (rc == 0) {
		PGresult *r = PQexec(c, "SELECT count(*), " AT_US("min(at)") " FROM changelog WHERE pos IS NULL");
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
			unsealed = json_pack("{s:I, s:o}", "count", (json_int_t)atoll(PQgetvalue(r, 0, 0)), "oldest_at",
					     PQgetisnull(r, 0, 1) ? json_null() : json_string(PQgetvalue(r, 0, 1)));
		PQclear(r);
	}
	PQclear(PQexec(c, "ROLLBACK"));
	if (rc == 0)
		check_end(&w);
	free(w.seals);
	free(sorted);
	if (rc < 0) {
		json_decref(w.bad);
		json_decref(unsealed);
		return -1;
	}
	*result_r = json_pack("{s:b, s:I, s:o, s:s, s:I, s:I, s:b, s:o}", "ok", w.bad == NULL, "entries_checked",
			      (json_int_t)count, "first_bad", w.bad ? w.bad : json_null(), "head_hash", w.prev_hash,
			      "head_pos", (json_int_t)w.prev_pos, "seals_checked", (json_int_t)w.nseals,
			      "signatures_checked", k != NULL, "unsealed", unsealed ? unsealed : json_null());
	return 0;
}
