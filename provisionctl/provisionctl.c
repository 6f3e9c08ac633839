/*
 * NAME
 *	provisionctl - the command line for TIM and auditors, over the REST API
 * SYNOPSIS
 *	provisionctl [-u URL] [-T TOKEN_FILE | -U LOGIN] COMMAND ...
 *
 *	requests list [--type T] [--state S] [--employee N] [--limit N]
 *	requests show ID
 *	requests act ID ACTION [--note TEXT]
 *	changelog query [--employee N] [--system S] [--action A] [--actor A]
 *	                [--request ID] [--since T] [--until T] [--order asc|desc]
 *	                [--limit N] [--format json|csv|jsonl]
 *	changelog verify
 *	health
 * DESCRIPTION
 *	It speaks only the REST API, with the same authentication as any
 *	client: a bearer token (the first line of -T FILE, or PROVISIONCTL_TOKEN)
 *	or a directory login (-U, the password from PROVISIONCTL_PASSWORD or
 *	asked on the terminal). -t TOKEN still works but warns: an argument is
 *	visible to every user of the machine (ps, /proc) while the command runs.
 *	The URL is -u, PROVISIONCTL_URL, or http://127.0.0.1:8080. csv and jsonl
 *	exports are copied to stdout as they stream; json answers are printed
 *	indented. Exit 0 on a 2xx answer; otherwise the error envelope's
 *	message goes to stderr and the exit status is 1 (2 for usage errors,
 *	3 when the server cannot be reached).
 *	Example: provisionctl -U control.rojas changelog query --employee E07001 --format csv > e07001.csv
 */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct body {
	CURL *curl;
	char *data;
	size_t len;
	int stream;	/* a successful export goes to stdout as it comes: flat memory */
};

static size_t on_data(char *ptr, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t len = size * n;
	if (b->stream) {
		long status = 0;
		curl_easy_getinfo(b->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status < 300)
			return fwrite(ptr, 1, len, stdout);
	}
	char *p = realloc(b->data, b->len + len + 1);
	if (p == NULL)
		return 0;
	b->data = p;
	memcpy(b->data + b->len, ptr, len);
	b->len += len;
	b->data[b->len] = '\0';
	return len;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: provisionctl [-u URL] [-T TOKEN_FILE | -U LOGIN] COMMAND ...\n"
		"  (or the token in PROVISIONCTL_TOKEN; -t TOKEN works but shows it to ps)\n"
		"  requests list [--type T] [--state S] [--employee N] [--limit N]\n"
		"  requests show ID\n"
		"  requests act ID ACTION [--note TEXT]\n"
		"  changelog query [--employee N] [--system S] [--action A] [--actor A] [--request ID]\n"
		"                  [--since T] [--until T] [--order asc|desc] [--limit N] [--format json|csv|jsonl]\n"
		"  changelog verify\n"
		"  health\n");
	return 2;
}

static char *ask_password(const char *login)
{
	char buf[512];
	struct termios old, quiet;
	fprintf(stderr, "password for %s: ", login);
	int tty = tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	char *r = fgets(buf, sizeof(buf), stdin);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
	fputc('\n', stderr);
	if (r == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	char *s = strdup(buf);
	memset(buf, 0, sizeof(buf));
	return s;
}

/* Adds "&name=value" (URL-encoded) to the query when value is set. */
static void add_param(CURL *c, char *q, size_t size, const char *name, const char *value)
{
	if (value == NULL)
		return;
	char *enc = curl_easy_escape(c, value, 0);
	size_t n = strlen(q);
	snprintf(q + n, size - n, "%s%s=%s", n ? "&" : "?", name, enc ? enc : "");
	curl_free(enc);
}

/* The token, wherever it came from: a static buffer, wiped at exit. */
static char token_buf[512];

static void wipe_token(void)
{
	memset(token_buf, 0, sizeof(token_buf));
}

/* The first line of a file holding the token, into token_buf; NULL with a message. */
static const char *read_token_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		fprintf(stderr, "provisionctl: -T %s: %s\n", path, strerror(errno));
		return NULL;
	}
	char *r = fgets(token_buf, sizeof(token_buf), fp);
	fclose(fp);
	token_buf[strcspn(token_buf, "\r\n")] = '\0';
	if (r == NULL || token_buf[0] == '\0') {
		fprintf(stderr, "provisionctl: -T %s: the file is empty\n", path);
		return NULL;
	}
	return token_buf;
}

static const char *optv(const char *opt[][2], int n, const char *name)
{
	const char *v = NULL;
	for (int k = 0; k < n; k++)
		if (strcmp(opt[k][0], name) == 0)
			v = opt[k][1];
	return v;
}

int main(int argc, char **argv)
{
	const char *url = getenv("PROVISIONCTL_URL"), *token = getenv("PROVISIONCTL_TOKEN"), *login = NULL;
	int i = 1;
	atexit(wipe_token);
	if (url == NULL)
		url = "http://127.0.0.1:8080";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-u") == 0 && i + 1 < argc)
			url = argv[++i];
		else if (strcmp(argv[i], "-T") == 0 && i + 1 < argc) {
			if ((token = read_token_file(argv[++i])) == NULL)
				return 2;
		} else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			fprintf(stderr, "provisionctl: warning: -t shows the token to every user of this machine "
				"(ps, /proc) while the command runs; use -T FILE or PROVISIONCTL_TOKEN\n");
			/* keep a copy and blank the argument: it shortens the window */
			snprintf(token_buf, sizeof(token_buf), "%s", argv[++i]);
			memset(argv[i], 'x', strlen(argv[i]));
			token = token_buf;
		}
		else if (strcmp(argv[i], "-U") == 0 && i + 1 < argc)
			login = argv[++i];
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	const char *cmd = argv[i++];
	const char *sub = i < argc ? argv[i++] : "";

	/* options after the subcommand: --name value */
	const char *opt[16][2];
	int nopt = 0;
	const char *pos[4] = { NULL, NULL, NULL, NULL };
	int npos = 0;
	for (; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0 && i + 1 < argc && nopt < 16) {
			opt[nopt][0] = argv[i] + 2;
			opt[nopt][1] = argv[++i];
			nopt++;
		} else if (strncmp(argv[i], "--", 2) != 0 && npos < 4)
			pos[npos++] = argv[i];
		else
			return usage();
	}
#define OPT(name) optv(opt, nopt, name)

	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	char path[512] = "", query[2048] = "";
	char *post = NULL;
	int stream = 0;
	if (strcmp(cmd, "health") == 0) {
		snprintf(path, sizeof(path), "/v1/health");
	} else if (strcmp(cmd, "requests") == 0 && strcmp(sub, "list") == 0) {
		snprintf(path, sizeof(path), "/v1/requests");
		add_param(c, query, sizeof(query), "type", OPT("type"));
		add_param(c, query, sizeof(query), "state", OPT("state"));
		add_param(c, query, sizeof(query), "employee_number", OPT("employee"));
		add_param(c, query, sizeof(query), "limit", OPT("limit"));
	} else if (strcmp(cmd, "requests") == 0 && strcmp(sub, "show") == 0 && npos == 1) {
		char *e = curl_easy_escape(c, pos[0], 0);
		snprintf(path, sizeof(path), "/v1/requests/%s", e);
		curl_free(e);
	} else if (strcmp(cmd, "requests") == 0 && strcmp(sub, "act") == 0 && npos == 2) {
		char *e1 = curl_easy_escape(c, pos[0], 0), *e2 = curl_easy_escape(c, pos[1], 0);
		snprintf(path, sizeof(path), "/v1/requests/%s/%s", e1, e2);
		curl_free(e1);
		curl_free(e2);
		json_t *b = json_object();
		if (OPT("note"))
			json_object_set_new(b, "note", json_string(OPT("note")));
		post = json_dumps(b, JSON_COMPACT);
		json_decref(b);
	} else if (strcmp(cmd, "changelog") == 0 && strcmp(sub, "query") == 0) {
		snprintf(path, sizeof(path), "/v1/changelog");
		static const char *const map[][2] = { { "employee", "employee_number" }, { "system", "system" },
			{ "action", "action" }, { "actor", "actor" }, { "request", "request_id" }, { "since", "since" },
			{ "until", "until" }, { "order", "order" }, { "limit", "limit" }, { "format", "format" },
			{ "cursor", "cursor" } };
		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			add_param(c, query, sizeof(query), map[k][1], OPT(map[k][0]));
		stream = OPT("format") && strcmp(OPT("format"), "json") != 0;
	} else if (strcmp(cmd, "changelog") == 0 && strcmp(sub, "verify") == 0) {
		snprintf(path, sizeof(path), "/v1/changelog/verify");
	} else {
		curl_easy_cleanup(c);
		return usage();
	}

	char *full = malloc(strlen(url) + strlen(path) + strlen(query) + 1);
	sprintf(full, "%s%s%s", url, path, query);
	struct curl_slist *hdrs = NULL;
	char *password = NULL;
	if (token != NULL) {
		char *h = malloc(strlen(token) + 32);
		sprintf(h, "Authorization: Bearer %s", token);
		hdrs = curl_slist_append(hdrs, h);
		free(h);
	} else if (login != NULL) {
		password = getenv("PROVISIONCTL_PASSWORD") ? strdup(getenv("PROVISIONCTL_PASSWORD")) : ask_password(login);
		if (password == NULL)
			return 2;
		curl_easy_setopt(c, CURLOPT_USERNAME, login);
		curl_easy_setopt(c, CURLOPT_PASSWORD, password);
	}
	if (post != NULL) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
	}
	struct body b = { c, NULL, 0, stream };
	curl_easy_setopt(c, CURLOPT_URL, full);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "provisionctl/" PACKAGE_VERSION);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	int ret;
	if (rc != CURLE_OK) {
		fprintf(stderr, "provisionctl: %s: %s\n", full, curl_easy_strerror(rc));
		ret = 3;
	} else if (status >= 200 && status < 300) {
		json_t *j = stream ? NULL : json_loadb(b.data ? b.data : "", b.len, 0, NULL);
		if (j != NULL) {
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(j);
		} else if (b.data != NULL)
			fwrite(b.data, 1, b.len, stdout);	/* not JSON (or already streamed) */
		ret = 0;
	} else {
		json_t *j = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
		json_t *e = json_object_get(j, "error");
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		fprintf(stderr, "provisionctl: %ld %s: %s%s%s%s\n", status, code ? code : "error",
			msg ? msg : (b.data ? b.data : ""), field ? " (field " : "", field ? field : "", field ? ")" : "");
		json_decref(j);
		ret = 1;
	}
	if (password != NULL) {
		memset(password, 0, strlen(password));
		free(password);
	}
	free(b.data);
	free(full);
	free(post);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return ret;
}
