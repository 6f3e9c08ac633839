/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-scim-filter - SCIM filters into SQL (scim/filter.c)
 * DESCRIPTION
 *	Input: a filter as a client sends it in GET /scim/v2/Users?filter=.
 *
 *	Invariants: it is accepted or refused with a message, never a crash;
 *	accepted, its SQL holds no byte of the input's string values (they
 *	are parameters): no quote character at all, parentheses balanced,
 *	at most SCIM_FILTER_MAX_TERMS parameters, each numbered in order;
 *	refused, nothing is left allocated.
 */
#include "config.h"
#include "scim/filter.h"
#include "buf.h"
#include "tpool.h"
#include "fuzz.h"

#include <string.h>

const char fuzz_target_name[] = "fuzz-scim-filter";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct scim_sql q;
	const char *err = NULL;
	unsigned frame = t_push();
	int rc = scim_filter_sql(s, 1, &q, &err);
	if (rc < 0) {
		FUZZ_CHECK(err != NULL && *err != '\0', "'%s' refused without a message", s);
		FUZZ_CHECK(q.nparams == 0 && q.where.data == NULL, "'%s' refused, memory kept", s);
	} else {
		const char *w = buf_str(&q.where);
		int depth = 0;
		for (const char *p = w; *p; p++) {
			FUZZ_CHECK(*p != '"', "a double quote in the SQL of '%s': %s", s, w);
			depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
			FUZZ_CHECK(depth >= 0, "unbalanced SQL for '%s': %s", s, w);
		}
		FUZZ_CHECK(depth == 0, "unbalanced SQL for '%s': %s", s, w);
		FUZZ_CHECK(q.nparams <= SCIM_FILTER_MAX_TERMS, "%d parameters for '%s'", q.nparams, s);
		/* the only quotes in the SQL are the table's literal 'active' */
		char *bare = str_replace_all(w, "'active'", "");
		FUZZ_CHECK(strchr(bare, '\'') == NULL, "a quote the table did not write in the SQL of '%s': %s", s, w);
		free(bare);
		char last[16];
		snprintf(last, sizeof(last), "$%d", q.nparams + 1);
		FUZZ_CHECK(strstr(w, last) == NULL, "a parameter past the last in '%s': %s", s, w);
		scim_sql_free(&q);
	}
	t_pop(frame);
	free(s);
	return 0;
}
