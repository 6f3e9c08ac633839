/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fake-directory - provisiond/directory.h without slapd, for unit tests
 * SYNOPSIS
 *	#include "fake-directory.h"
 *
 *	static const struct fake_dir_entry catalogue[] = {
 *		{ "ou=units,dc=example,dc=org", "ou", "tributaria", 0 },
 *		{ "ou=positions,dc=example,dc=org", "cn", "jefe-tributario", 1 },	// one holder
 *	};
 *	fake_dir_set(catalogue, 2);
 * DESCRIPTION
 *	The catalogue is a table of entries attr=value directly below base.
 *	dir_catalogue_entry and dir_child_exists find an entry the way slapd
 *	compares these attributes (case and surrounding spaces do not matter)
 *	and answer with the table's spelling; with fake_dir_down(1) they
 *	answer -1 (the directory could not be asked), as when slapd is down.
 *	Every lookup is counted (fake_dir_lookups).
 *
 *	Sign-in, passwords and group mail answer "unavailable": a test of
 *	those needs the real directory (tests/integration). The escaping
 *	helpers the plugin host hands plugins return the value unescaped.
 *
 *	Link fake-directory.o before libprovisiond.la: it defines every
 *	function of directory.h, so directory.o is never taken from the
 *	archive.
 */
#ifndef PVD_FAKE_DIRECTORY_H
#define PVD_FAKE_DIRECTORY_H

#include <stddef.h>
#include "directory.h"

struct fake_dir_entry {
	const char *base;
	const char *attr;
	const char *value;	/* as the catalogue spells it */
	int single_holder;	/* pvdSingleHolder: TRUE */
};

void fake_dir_set(const struct fake_dir_entry *entries, size_t n);	/* used in place */
void fake_dir_down(int down);
int fake_dir_lookups(void);

#endif
