/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Escaping through libldap: filter values and DN values with every
 * special character, leading/trailing spaces and Unicode. */
#include "config.h"
#include "directory.h"
#include "unit.h"

#include <stdlib.h>
#include <ldap.h>

int main(void)
{
	static const struct { const char *in, *want; } filt[] = {
		{ "jperez", "jperez" },
		{ "*)(uid=*", "\\2A\\29\\28uid=\\2A" },
		{ "a\\b", "a\\5Cb" },
		{ "Núñez", "N\\C3\\BA\\C3\\B1ez" },
		/* libldap hands back no buffer for an empty value: no memcpy from NULL (UBSan) */
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(filt) / sizeof(filt[0]); i++) {
		char *s = dir_filter_value(filt[i].in);
		CHECK(s && strcmp(s, filt[i].want) == 0, "filter(%s): got '%s' want '%s'", filt[i].in,
		      s ? s : "(null)", filt[i].want);
		free(s);
	}

	static const struct { const char *value, *want; } dns[] = {
		{ "jperez", "uid=jperez,ou=people,dc=example,dc=org" },
		/* libldap escapes specials as \\XX hex pairs (RFC 4514 allows both forms) */
		{ "a,b+c\"d\\e<f>g;h", "uid=a\\2Cb\\2Bc\\22d\\5Ce\\3Cf\\3Eg\\3Bh,ou=people,dc=example,dc=org" },
		{ "#lead", "uid=\\23lead,ou=people,dc=example,dc=org" },
		{ " both ", "uid=\\20both\\20,ou=people,dc=example,dc=org" },
		{ "a=b", "uid=a\\3Db,ou=people,dc=example,dc=org" },
		{ "Peña", "uid=Peña,ou=people,dc=example,dc=org" },
	};
	for (size_t i = 0; i < sizeof(dns) / sizeof(dns[0]); i++) {
		char *s = dir_child_dn("uid", dns[i].value, "ou=people,dc=example,dc=org");
		CHECK(s && strcmp(s, dns[i].want) == 0, "dn(%s): got '%s' want '%s'", dns[i].value,
		      s ? s : "(null)", dns[i].want);
		/* what we built must parse back to exactly the value we gave */
		LDAPDN dn = NULL;
		int rc = s ? ldap_str2dn(s, &dn, LDAP_DN_FORMAT_LDAPV3) : -1;
		CHECK(rc == LDAP_SUCCESS && dn && dn[0] && dn[0][0] &&
		      dn[0][0]->la_value.bv_len == strlen(dns[i].value) &&
		      memcmp(dn[0][0]->la_value.bv_val, dns[i].value, strlen(dns[i].value)) == 0 &&
		      dn[1] && dn[2] && dn[3] && !dn[4],
		      "dn(%s) does not parse back to the same value and depth", dns[i].value);
		if (dn)
			ldap_dnfree(dn);
		free(s);
	}
	CHECK(dir_child_dn("uid", "", "dc=x") == NULL, "empty value refused");

	char *a = dir_dn_normalize("CN=Provisiond-HR, OU=roles,dc=example,dc=org");
	CHECK(a != NULL && strcmp(a, "CN=Provisiond-HR,OU=roles,dc=example,dc=org") == 0,
	      "normalize: got '%s'", a ? a : "(null)");
	free(a);
	CHECK(dir_dn_normalize("not a dn") == NULL, "garbage DN refused");
	return unit_done("test-directory");
}
