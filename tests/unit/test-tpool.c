/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tpool: strings live until their frame ends, frames nest, and a thread's
 * last frame gives everything back. */
#include "config.h"
#include "tpool.h"
#include "unit.h"

#include <pthread.h>
#include <string.h>

static const char *fails(const char **error_r)
{
	*error_r = t_printf("ldap_add(dn=%s) failed: %s", "uid=jperez,ou=people", "Already exists");
	return NULL;
}

static void *other_thread(void *arg)
{
	unsigned f = t_push();
	const char **out = arg;
	/* another thread's pool is its own: this string does not disturb the caller's */
	*out = t_strdup("other") != NULL ? "ok" : "no";
	t_pop(f);
	return NULL;
}

int main(void)
{
	unsigned outer = t_push();
	const char *error = NULL;
	CHECK(fails(&error) == NULL && error != NULL, "the callee answers an error");
	CHECK_STR(error, "ldap_add(dn=uid=jperez,ou=people) failed: Already exists");

	unsigned inner = t_push();
	const char *a = t_strdup("inner");
	CHECK(inner > outer, "a nested frame starts after what the outer one holds");
	CHECK_STR(a, "inner");
	t_pop(inner);
	/* the outer frame's string is still there after the inner one ended */
	CHECK_STR(error, "ldap_add(dn=uid=jperez,ou=people) failed: Already exists");
	CHECK(t_push() == inner, "popping gives the inner frame's strings back");

	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(strlen(t_printf("%s%s", big, big)) == 2 * (sizeof(big) - 1), "long strings are whole, never cut");
	CHECK_STR(t_strdup(NULL), "");

	pthread_t th;
	const char *res = NULL;
	pthread_create(&th, NULL, other_thread, &res);
	pthread_join(th, NULL);
	CHECK_STR(res, "ok");
	t_pop(outer);
	CHECK(t_push() == 0, "the last frame empties the pool");
	return unit_done("test-tpool");
}
