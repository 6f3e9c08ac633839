/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	throttle - failed sign-in counting and backoff (see throttle.h)
 * DESCRIPTION
 *	A set-associative table: a key hashes (with a per-process random
 *	seed, so nobody can aim at a bucket) to one bucket of WAYS entries; a
 *	new key takes a free way or the least recently touched one. Lookups
 *	never walk chains, and memory is fixed whatever a client sends.
 */
#include "config.h"
#include "throttle.h"
#include "crypto.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BUCKETS 1024
#define WAYS 4
#define KEY_MAX 200
#define GOOD_ADDRS 4

struct entry {
	char key[KEY_MAX];		/* "" when free */
	int fails;
	double last_fail;		/* monotonic seconds */
	double touched;
	/* login entries: addresses this login signed in from */
	char good[GOOD_ADDRS][64];
	double good_at[GOOD_ADDRS];
};

static struct entry table[BUCKETS][WAYS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t seed;
static int seeded;
static struct throttle_policy policy = { 3, 20, 5, 300, 900 };

void throttle_configure(const struct throttle_policy *p)
{
	pthread_mutex_lock(&lock);
	policy = *p;
	pthread_mutex_unlock(&lock);
}

void throttle_reset(void)
{
	pthread_mutex_lock(&lock);
	memset(table, 0, sizeof(table));
	pthread_mutex_unlock(&lock);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* FNV-1a over the seed and the key */
static unsigned bucket_of(const char *key)
{
	uint64_t h = 1469598103934665603ULL ^ seed;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return (unsigned)(h % BUCKETS);
}

/* "Ana.Perez " and "ana.perez" are one login, as the directory sees it */
static void norm_login(const char *login, char out[128])
{
	size_t n = 0;
	int space = 0;
	while (*login == ' ')
		login++;
	for (; *login && n < 127; login++) {
		if (*login == ' ') {
			space = 1;
			continue;
		}
		if (space && n > 0 && n < 126)
			out[n++] = ' ';
		space = 0;
		out[n++] = (char)tolower((unsigned char)*login);
	}
	out[n] = '\0';
}

/* The entry of key (made when make is set), or NULL. Under the lock. */
static struct entry *find(const char *key, int make, double now)
{
	if (!seeded) {
		if (crypto_random((unsigned char *)&seed, sizeof(seed)) < 0)
			seed = (uint64_t)now;
		seeded = 1;
	}
	struct entry *b = table[bucket_of(key)], *victim = &b[0];
	for (int w = 0; w < WAYS; w++) {
		if (strcmp(b[w].key, key) == 0) {
			/* a failure older than the window is forgotten */
			if (b[w].fails > 0 && now - b[w].last_fail > policy.window)
				b[w].fails = 0;
			b[w].touched = now;
			return &b[w];
		}
		if (b[w].key[0] == '\0' || b[w].touched < victim->touched)
			victim = &b[w];
	}
	if (!make)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	snprintf(victim->key, sizeof(victim->key), "%s", key);
	victim->touched = now;
	return victim;
}

/* Seconds left of the backoff of e after its free failures. */
static int backoff_left(const struct entry *e, int free_fails, double now)
{
	if (e == NULL || e->fails <= free_fails)
		return 0;
	int n = e->fails - free_fails;
	double wait = n >= 20 ? policy.backoff_max : (double)(1u << (n - 1));
	if (wait > policy.backoff_max)
		wait = policy.backoff_max;
	double left = e->last_fail + wait - now;
	return left > 0 ? (int)left + 1 : 0;
}

static int is_good(const struct entry *l, const char *addr, double now)
{
	for (int i = 0; l != NULL && i < GOOD_ADDRS; i++)
		if (strcmp(l->good[i], addr) == 0 && now - l->good_at[i] < 30.0 * 86400)
			return 1;
	return 0;
}

int throttle_check(const char *addr, const char *login)
{
	char nl[128], key[KEY_MAX];
	double now = now_s();
	int wait = 0, w;
	norm_login(login ? login : "", nl);
	pthread_mutex_lock(&lock);
	snprintf(key, sizeof(key), "a|%.60s", addr);
	if ((w = backoff_left(find(key, 0, now), policy.free_per_address, now)) > wait)
		wait = w;
	if (nl[0] != '\0') {
		snprintf(key, sizeof(key), "p|%.60s|%.128s", addr, nl);
		if ((w = backoff_left(find(key, 0, now), policy.free_per_login, now)) > wait)
			wait = w;
		snprintf(key, sizeof(key), "l|%.128s", nl);
		struct entry *l = find(key, 0, now);
		if (l != NULL && l->fails >= policy.login_max_failures && !is_good(l, addr, now)) {
			double left = l->last_fail + policy.window - now;
			if (left > 0 && (int)left + 1 > wait)
				wait = (int)left + 1;
		}
	}
	pthread_mutex_unlock(&lock);
	return wait;
}

void throttle_failed(const char *addr, const char *login)
{
	char nl[128], key[KEY_MAX];
	double now = now_s();
	norm_login(login ? login : "", nl);
	pthread_mutex_lock(&lock);
	snprintf(key, sizeof(key), "a|%.60s", addr);
	struct entry *e = find(key, 1, now);
	e->fails++;
	e->last_fail = now;
	if (nl[0] != '\0') {
		snprintf(key, sizeof(key), "p|%.60s|%.128s", addr, nl);
		e = find(key, 1, now);
		e->fails++;
		e->last_fail = now;
		snprintf(key, sizeof(key), "l|%.128s", nl);
		e = find(key, 1, now);
		e->fails++;
		e->last_fail = now;
	}
	pthread_mutex_unlock(&lock);
}

void throttle_succeeded(const char *addr, const char *login)
{
	char nl[128], key[KEY_MAX];
	double now = now_s();
	norm_login(login ? login : "", nl);
	if (nl[0] == '\0')
		return;
	pthread_mutex_lock(&lock);
	snprintf(key, sizeof(key), "p|%.60s|%.128s", addr, nl);
	struct entry *e = find(key, 0, now);
	if (e != NULL)
		e->fails = 0;
	/* the directory forgets failures on a successful bind too */
	snprintf(key, sizeof(key), "l|%.128s", nl);
	e = find(key, 1, now);
	e->fails = 0;
	int slot = 0;
	for (int i = 0; i < GOOD_ADDRS; i++) {
		if (strcmp(e->good[i], addr) == 0) {
			slot = i;
			break;
		}
		if (e->good_at[i] < e->good_at[slot])
			slot = i;
	}
	snprintf(e->good[slot], sizeof(e->good[slot]), "%.60s", addr);
	e->good_at[slot] = now;
	pthread_mutex_unlock(&lock);
}
