/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	replay - run a fuzz target over its corpus, without libFuzzer
 * SYNOPSIS
 *	tests/fuzz/fuzz-NAME-replay [FILE | DIR]...
 * DESCRIPTION
 *	Linked with one target (gcc, the daemon's own build) it calls the
 *	target's LLVMFuzzerTestOneInput once for every file named, or for
 *	every file in every folder named. Without arguments it replays
 *	$abs_top_srcdir/tests/fuzz/corpus/NAME, which is how "make check"
 *	runs it: every input that ever mattered is tried again on every build,
 *	under the sanitizers in the sanitizer pass.
 *
 *	Each input is handed over in a buffer of exactly its size, so a read
 *	past the end is an AddressSanitizer error here too.
 * DIAGNOSTICS
 *	"fuzz-NAME: N inputs replayed (DIR)" and exit 0. A broken invariant
 *	or a sanitizer error ends the run; the input being replayed is named
 *	on stderr first ("fuzz-NAME: crashed on FILE"). Exit 1 when a file
 *	cannot be read, or there is nothing to replay.
 */
#include "config.h"
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* libFuzzer calls it when the target has one; so do we */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

static const char *current;	/* the input being replayed, for the crash message */

static void say_current(void)
{
	if (current == NULL)
		return;
	/* only async-signal-safe calls: this may run in a signal handler */
	const char *parts[] = { fuzz_target_name, ": crashed on ", current, "\n" };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (write(2, parts[i], strlen(parts[i])) < 0)
			return;
}

static void on_fatal_signal(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int replay_file(const char *path, long *count)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		fprintf(stderr, "%s: open(%s) failed: %s\n", fuzz_target_name, path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, len = 0, n;
	uint8_t *data = malloc(cap);
	while (data != NULL && (n = fread(data + len, 1, cap - len, fp)) > 0) {
		len += n;
		if (len == cap)
			data = realloc(data, cap *= 2);
	}
	int bad = data == NULL || ferror(fp);
	fclose(fp);
	if (bad) {
		fprintf(stderr, "%s: read(%s) failed\n", fuzz_target_name, path);
		free(data);
		return -1;
	}
	/* exactly len bytes, so an overread is caught */
	uint8_t *exact = malloc(len ? len : 1);
	if (exact == NULL)
		abort();
	memcpy(exact, data, len);
	free(data);
	current = path;
	LLVMFuzzerTestOneInput(exact, len);
	current = NULL;
	free(exact);
	(*count)++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder's files in name order (the order of the log is the same on
 * every machine); dot files are skipped. */
static int replay_dir(const char *dir, long *count)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "%s: opendir(%s) failed: %s\n", fuzz_target_name, dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (names == NULL || (names[n] = strdup(e->d_name)) == NULL)
			abort();
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(dir) + strlen(names[i]) + 2;
		char *path = malloc(plen);
		if (path == NULL)
			abort();
		snprintf(path, plen, "%s/%s", dir, names[i]);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && replay_file(path, count) < 0)
			rc = -1;
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	char *deflt = NULL;
	const char *src = getenv("abs_top_srcdir");
	long count = 0;
	int rc = 0;

	if (argc < 2) {
		if (src == NULL) {
			fprintf(stderr, "usage: %s FILE|DIR... (or set abs_top_srcdir to replay "
				"tests/fuzz/corpus/%s)\n", argv[0], fuzz_target_name + strlen("fuzz-"));
			return 1;
		}
		size_t n = strlen(src) + strlen(fuzz_target_name) + 32;
		deflt = malloc(n);
		if (deflt == NULL)
			abort();
		snprintf(deflt, n, "%s/tests/fuzz/corpus/%s", src, fuzz_target_name + strlen("fuzz-"));
	}
	signal(SIGABRT, on_fatal_signal);
	signal(SIGSEGV, on_fatal_signal);
	signal(SIGBUS, on_fatal_signal);
	signal(SIGFPE, on_fatal_signal);
	signal(SIGILL, on_fatal_signal);
#if defined(__SANITIZE_ADDRESS__)
	/* a sanitizer that exits rather than aborts still names the input */
	__sanitizer_set_death_callback(say_current);
#endif
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);

	const char *const *paths = deflt ? (const char *const *)&deflt : (const char *const *)argv + 1;
	int npaths = deflt ? 1 : argc - 1;
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) < 0) {
			fprintf(stderr, "%s: %s: %s\n", fuzz_target_name, paths[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode) ? replay_dir(paths[i], &count) < 0 : replay_file(paths[i], &count) < 0)
			rc = 1;
	}
	if (rc == 0 && count == 0) {
		fprintf(stderr, "%s: nothing to replay\n", fuzz_target_name);
		rc = 1;
	}
	if (rc == 0)
		printf("%s: %ld inputs replayed (%s)\n", fuzz_target_name, count,
		       deflt ? deflt + strlen(src) + 1 : npaths == 1 ? paths[0] : "the files named");
	free(deflt);
	return rc;
}
