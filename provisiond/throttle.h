/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	throttle - slow down password guessing without handing out lockouts
 * SYNOPSIS
 *	int wait = throttle_check(addr, login);	// seconds to wait, 0: go on
 *	... ask the directory ...
 *	throttle_failed(addr, login);  or  throttle_succeeded(addr, login);
 * DESCRIPTION
 *	Failed sign-ins are counted per client address and per (address,
 *	login). After a few free failures each further one doubles the wait
 *	(1 s, 2 s, 4 s ... up to auth_backoff_max); an attempt made while
 *	waiting is answered 429 with Retry-After and never reaches the
 *	directory. A success clears the (address, login) count.
 *
 *	Lockout as a weapon: the directory locks an account after its own
 *	number of failures (ppolicy pwdMaxFailure), whoever made them. So the
 *	failures forwarded for one login are capped too: once a login has
 *	auth_login_max_failures of them within auth_failure_window, further
 *	attempts on it are refused here, except from an address where that
 *	login signed in successfully before. Set the cap below the directory's
 *	pwdMaxFailure and a stranger cannot lock anybody out; the owner, from
 *	the workstation they use, still gets in.
 *
 *	Memory is bounded: a fixed table, oldest entries reused first.
 *	Logins are compared the way the directory does (case and surrounding
 *	spaces ignored).
 */
#ifndef PVD_THROTTLE_H
#define PVD_THROTTLE_H

struct throttle_policy {
	int free_per_login;		/* failures per (address, login) before waits start */
	int free_per_address;		/* failures per address, any login */
	int login_max_failures;		/* per login from strangers, within the window */
	int backoff_max;		/* seconds */
	int window;			/* seconds a failure is remembered */
};

void throttle_configure(const struct throttle_policy *p);
/* Seconds the caller must wait before this attempt is heard (0: now). */
int throttle_check(const char *addr, const char *login);
void throttle_failed(const char *addr, const char *login);
void throttle_succeeded(const char *addr, const char *login);
/* Forgets everything (tests). */
void throttle_reset(void);

#endif
