/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-signkey - the change log's signing key file (made 0600, refused when
 * others may read it, read back as the same key), signatures that verify
 * and changed ones that do not, and the entry digest against vectors
 * computed from its definition (changelog.h) with Python's hashlib.
 */
#include "config.h"
#include "changelog.h"
#include "signkey.h"
#include "tpool.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_key_file(void)
{
	char dir[] = "/tmp/test-signkey-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	char path[128];
	snprintf(path, sizeof(path), "%s/changelog.key", dir);
	const char *err = NULL;
	int created = 0;
	CHECK(signkey_load(path, 0, &created, &err) == NULL && err != NULL && strstr(err, path) != NULL,
	      "a missing file without create: %s", err ? err : "(no error)");
	struct signkey *k = signkey_load(path, 1, &created, &err);
	CHECK(k != NULL && created == 1, "made: %s", err ? err : "");
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "mode 0600 (%o)", (unsigned)(sb.st_mode & 0777));
	CHECK(strlen(signkey_id(k)) == 16 && strlen(signkey_public_b64(k)) == 44, "id %s, public %s", signkey_id(k),
	      signkey_public_b64(k));

	const char *msg = "provisiond change log head v1\nseal 1\n";
	char sig[89];
	CHECK(signkey_sign(k, msg, strlen(msg), sig) == 0 && strlen(sig) == 88, "signed");
	CHECK(signkey_verify(k, msg, strlen(msg), sig), "verifies");
	CHECK(!signkey_verify(k, "provisiond change log head v1\nseal 2\n", strlen(msg), sig), "another text does not");
	char bad[89];
	memcpy(bad, sig, sizeof(bad));
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	CHECK(!signkey_verify(k, msg, strlen(msg), bad), "a changed signature does not");
	CHECK(!signkey_verify(k, msg, strlen(msg), "short") && !signkey_verify(k, msg, strlen(msg), NULL), "junk does not");

	struct signkey *again = signkey_load(path, 1, &created, &err);
	CHECK(again != NULL && created == 0 && strcmp(signkey_id(again), signkey_id(k)) == 0, "read back: same key");
	CHECK(again != NULL && signkey_verify(again, msg, strlen(msg), sig), "its signature verifies with the file read back");
	signkey_free(again);

	chmod(path, 0640);
	err = NULL;
	CHECK(signkey_load(path, 1, &created, &err) == NULL && err != NULL && strstr(err, "0640") != NULL,
	      "group-readable refused: %s", err ? err : "");
	chmod(path, 0600);
	FILE *fp = fopen(path, "w");
	fputs("not a key\n", fp);
	fclose(fp);
	err = NULL;
	CHECK(signkey_load(path, 1, &created, &err) == NULL && err != NULL, "garbage refused: %s", err ? err : "");
	signkey_free(k);
	unlink(path);
	rmdir(dir);
}

static void test_digest(void)
{
	const char *f[CLD_NFIELDS] = { "1", "1", "2026-01-02T03:04:05.000006Z", "ana.perez", "hr", NULL, "E1",
				       "workflow", "hire.submit", NULL, NULL, "{\"state\": \"submitted\"}", "ok", NULL };
	char h[65];
	changelog_digest(f, "0000000000000000000000000000000000000000000000000000000000000000", h);
	CHECK(strcmp(h, "6920742a7c97b9ee7f7d1130978b849ce5d26390569686973a67253c0d1c52d8") == 0, "vector 1: %s", h);
	f[CLD_POS] = "5";
	f[CLD_SEQ] = "9";
	f[CLD_ACTOR] = "jos\xc3\xa9";
	changelog_digest(f, "abababababababababababababababababababababababababababababababab", h);
	CHECK(strcmp(h, "e00fb35fec1687f12f22a1693464e61a45169f994c53dae7a0d99648449ea9d5") == 0,
	      "vector 2 (pos 5, seq 9): %s", h);
	char *text = changelog_head_text(3, 120, "ab", "2026-01-02T03:04:05.000006Z");
	CHECK(strcmp(text, "provisiond change log head v1\nseal 3\npos 120\nhash ab\nsealed_at 2026-01-02T03:04:05.000006Z\n") == 0,
	      "head text: %s", text);
	free(text);
}

int main(void)
{
	unsigned frame = t_push();
	test_key_file();
	test_digest();
	t_pop(frame);
	return unit_done("test-signkey");
}
