/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-throttle - failed sign-ins: free failures, then waits that double;
 * a success clears the pair; a login guessed from many addresses is
 * protected, except from where its owner signed in before.
 */
#include "config.h"
#include "throttle.h"
#include "unit.h"

int main(void)
{
	struct throttle_policy p = { 3, 20, 5, 300, 900 };
	throttle_configure(&p);

	/* three free failures per (address, login), then a wait */
	for (int i = 0; i < 3; i++) {
		CHECK_INT(throttle_check("10.0.0.1", "ana"), 0);
		throttle_failed("10.0.0.1", "ana");
	}
	CHECK_INT(throttle_check("10.0.0.1", "ana"), 0);
	throttle_failed("10.0.0.1", "ana");
	CHECK(throttle_check("10.0.0.1", "ana") >= 1, "the fifth attempt waits");
	CHECK(throttle_check("10.0.0.1", " ANA ") >= 1, "the login as the directory compares it");
	CHECK_INT(throttle_check("10.0.0.2", "bob"), 0);	/* others are not touched */
	throttle_failed("10.0.0.1", "ana");
	CHECK(throttle_check("10.0.0.1", "ana") >= 2, "the wait doubles");

	/* a success from an address clears that pair */
	throttle_reset();
	for (int i = 0; i < 4; i++)
		throttle_failed("10.0.0.3", "carla");
	throttle_succeeded("10.0.0.3", "carla");
	CHECK_INT(throttle_check("10.0.0.3", "carla"), 0);

	/* guesses from many addresses: after five the login is closed to
	 * strangers, never to where its owner signed in */
	throttle_reset();
	throttle_succeeded("10.0.0.9", "jefe");
	for (int a = 1; a <= 5; a++) {
		char addr[32];
		snprintf(addr, sizeof(addr), "10.1.0.%d", a);
		CHECK_INT(throttle_check(addr, "jefe"), 0);
		throttle_failed(addr, "jefe");
	}
	CHECK(throttle_check("10.1.0.6", "jefe") > 300, "a stranger waits out the window");
	CHECK_INT(throttle_check("10.0.0.9", "jefe"), 0);
	CHECK_INT(throttle_check("10.1.0.6", "otro"), 0);

	/* one address guessing many logins */
	throttle_reset();
	for (int i = 0; i < 21; i++) {
		char login[32];
		snprintf(login, sizeof(login), "user%d", i);
		throttle_failed("10.2.0.1", login);
	}
	CHECK(throttle_check("10.2.0.1", "someone") >= 1, "the address waits after its free failures");
	CHECK(throttle_check("10.2.0.1", NULL) >= 1, "tokens from it too");
	return unit_done("test-throttle");
}
