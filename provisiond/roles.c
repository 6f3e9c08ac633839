/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	roles - role names (see roles.h)
 */
#include "config.h"
#include "roles.h"

#include <stdio.h>
#include <string.h>

static const char *const names[ROLE_COUNT] = {
	"hr", "unit_head", "tim_head", "tim_lead", "tim_tech",
	"employee", "auditor", "admin", "monitor",
};

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? names[r] : "?";
}

int role_parse(const char *name, enum role *role_r)
{
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (strcmp(name, names[i]) == 0) {
			*role_r = (enum role)i;
			return 0;
		}
	}
	return -1;
}

char *role_mask_format(role_mask m, char *buf, unsigned int size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; i < ROLE_COUNT && off < size; i++) {
		if (!(m & ROLE_BIT(i)))
			continue;
		int n = snprintf(buf + off, size - off, "%s%s", off ? ", " : "", names[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}
