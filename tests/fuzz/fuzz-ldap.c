/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-ldap - filter values and DNs built with libldap's escaping
 * DESCRIPTION
 *	Input: a byte that picks the attribute and the parent entry, then the
 *	value (a login, a unit, a group name as a request names it), or, with
 *	the byte's top bit set, a DN to normalise.
 *
 *	Invariants: dir_filter_value leaves no '(' ')' '*' or NUL bare, every
 *	'\' starts a two-digit hex escape, and unescaping gives the value
 *	back. dir_child_dn of printable ASCII always succeeds, and whatever it
 *	builds parses (ldap_str2dn) into the parent's RDNs plus one RDN of one
 *	AVA with the attribute and exactly the value. dir_dn_normalize of
 *	such a DN succeeds, and normalising a normal form gives it again
 *	(dn_equal compares normal forms).
 */
#include "config.h"
#include "directory.h"
#include "fuzz.h"

#include <ldap.h>
#include <strings.h>

const char fuzz_target_name[] = "fuzz-ldap";

static const char *const attrs[] = { "uid", "cn", "ou", "mail" };
static const char *const parents[] = { "ou=people,dc=example,dc=org", "ou=groups,dc=example,dc=org", "", NULL };

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void check_filter(const char *v)
{
	char *e = dir_filter_value(v);
	FUZZ_CHECK(e != NULL, "dir_filter_value refused '%s'", v);
	char *back = malloc(strlen(e) + 1);
	size_t o = 0;
	for (size_t i = 0; e[i]; i++) {
		FUZZ_CHECK(e[i] != '(' && e[i] != ')' && e[i] != '*', "'%s' escapes to '%s'", v, e);
		if (e[i] == '\\') {
			FUZZ_CHECK(hex(e[i + 1]) >= 0 && hex(e[i + 2]) >= 0, "'%s' escapes to '%s'", v, e);
			back[o++] = (char)(hex(e[i + 1]) * 16 + hex(e[i + 2]));
			i += 2;
		} else
			back[o++] = e[i];
	}
	back[o] = '\0';
	FUZZ_CHECK(o == strlen(v) && memcmp(back, v, o) == 0, "'%s' escapes to '%s', which reads '%s'", v, e, back);
	free(back);
	free(e);
}

static int rdn_count(LDAPDN dn)
{
	int n = 0;
	while (dn != NULL && dn[n] != NULL)
		n++;
	return n;
}

static void check_normalize(const char *dn)
{
	char *n1 = dir_dn_normalize(dn);
	if (n1 == NULL)
		return;
	char *n2 = dir_dn_normalize(n1);
	FUZZ_CHECK(n2 != NULL && strcmp(n1, n2) == 0, "'%s' normalises to '%s', then to '%s'", dn, n1,
		   n2 ? n2 : "(refused)");
	free(n2);
	free(n1);
}

static void check_child(const char *attr, const char *v, const char *parent)
{
	char *dn = dir_child_dn(attr, v, parent);
	int printable = v[0] != '\0';
	for (const char *p = v; *p; p++)
		printable &= *p >= 0x20 && *p < 0x7f;
	if (dn == NULL) {
		FUZZ_CHECK(!printable, "dir_child_dn(%s, '%s') refused", attr, v);
		return;
	}
	LDAPDN parsed = NULL, pparsed = NULL;
	FUZZ_CHECK(ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS, "'%s' gives '%s', which does "
		   "not parse", v, dn);
	if (parent != NULL && *parent != '\0')
		FUZZ_CHECK(ldap_str2dn(parent, &pparsed, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS, "parent %s", parent);
	FUZZ_CHECK(rdn_count(parsed) == 1 + rdn_count(pparsed), "'%s' gives '%s': %d RDNs", v, dn, rdn_count(parsed));
	LDAPAVA **rdn = parsed[0];
	FUZZ_CHECK(rdn[0] != NULL && rdn[1] == NULL, "'%s' gives '%s': a multi-valued RDN", v, dn);
	LDAPAVA *a = rdn[0];
	FUZZ_CHECK(a->la_attr.bv_len == strlen(attr) && strncasecmp(a->la_attr.bv_val, attr, strlen(attr)) == 0,
		   "'%s' gives '%s': attribute %.*s", v, dn, (int)a->la_attr.bv_len, a->la_attr.bv_val);
	FUZZ_CHECK(a->la_value.bv_len == strlen(v) && memcmp(a->la_value.bv_val, v, strlen(v)) == 0,
		   "'%s' gives '%s', which holds '%.*s'", v, dn, (int)a->la_value.bv_len, a->la_value.bv_val);
	ldap_dnfree(parsed);
	if (pparsed != NULL)
		ldap_dnfree(pparsed);

	char *n = dir_dn_normalize(dn);
	FUZZ_CHECK(n != NULL, "'%s' (from '%s') does not normalise", dn, v);
	free(n);
	check_normalize(dn);
	free(dn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *v = fuzz_string(data + 1, size - 1);
	if (data[0] & 0x80)
		check_normalize(v);
	else {
		check_filter(v);
		check_child(attrs[data[0] % 4], v, parents[data[0] / 4 % 4]);
	}
	free(v);
	return 0;
}
