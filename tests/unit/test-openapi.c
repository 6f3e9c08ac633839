/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contract test: every route the daemon serves is in api/openapi.yaml
 * and every path+method there is served, and an operation only some roles
 * may call names each of them (a reader must not have to guess who may).
 * Every operation has tags, each declared with a description in the
 * top-level tags list, and the route that files a procedure's request
 * carries that procedure's tag (a reader looking for PR05 finds it under
 * "hire").
 * Reads the file in its plain layout: "tags:" then "  - name: x" and
 * "    description: ..." lines; "paths:" then "  /path:" and "    get:"
 * lines, the operation's text until the next one, its tags on one line
 * "      tags: [a, b]". */
#include "config.h"
#include "api.h"
#include "unit.h"

#include <ctype.h>
#include <stdlib.h>

#define MAXOPS 512
#define MAXTAGS 64
static char ops[MAXOPS][1100];
static char *text[MAXOPS];	/* the operation's lines, joined */
static char optags[MAXOPS][256];	/* ",a,b," from "tags: [a, b]"; "" none */
static int nops;

/* the top-level tags list */
static char tags[MAXTAGS][64];
static int tag_described[MAXTAGS];
static int ntags;

/* The route that files each procedure's request, and the procedure's tag. */
static const struct { const char *op, *tag; } filing[] = {
	{ "POST /v1/hires", "hire" },				/* PR05 */
	{ "POST /v1/exits", "exit" },				/* PR06 */
	{ "POST /v1/transfers", "transfer" },
	{ "POST /v1/access-requests", "access" },
	{ "POST /v1/call-code-requests", "call-code" },		/* PR01 */
};

/* word appears in s as a whole word ("hr", not the hr of "through") */
static int has_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = s; (p = strstr(p, word)) != NULL; p++) {
		int before = p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		int after = !(isalnum((unsigned char)p[n]) || p[n] == '_');
		if (before && after)
			return 1;
	}
	return 0;
}

/* "  - name: x" declares a tag, "    description: ..." describes it */
static void load_tag_line(const char *line)
{
	if (strncmp(line, "  - name: ", 10) == 0 && ntags < MAXTAGS) {
		snprintf(tags[ntags], sizeof(tags[0]), "%.63s", line + 10);
		tag_described[ntags++] = 0;
	} else if (strncmp(line, "    description: ", 17) == 0 && ntags > 0 && line[17] != '\0') {
		tag_described[ntags - 1] = 1;
	}
}

/* " [a, b]" into ",a,b,", so that has_tag() is one strstr */
static void load_op_tags(int k, const char *v)
{
	char *o = optags[k];
	size_t n = 0, cap = sizeof(optags[0]);
	while (*v == ' ')
		v++;
	CHECK(*v == '[' && strchr(v, ']') != NULL, "'%s': tags must be one line, [a, b], got '%s'", ops[k], v);
	if (*v != '[')
		return;
	o[n++] = ',';
	for (v++; *v && *v != ']' && n + 2 < cap; v++)
		if (*v != ' ')
			o[n++] = *v;
	if (o[n - 1] != ',')
		o[n++] = ',';
	o[n] = '\0';
	if (n == 1)
		o[0] = '\0';	/* "[]" */
}

static int has_tag(int k, const char *tag)
{
	char want[80];
	snprintf(want, sizeof(want), ",%s,", tag);
	return strstr(optags[k], want) != NULL;
}

static int tag_declared(const char *tag, size_t len)
{
	for (int i = 0; i < ntags; i++)
		if (strlen(tags[i]) == len && strncmp(tags[i], tag, len) == 0)
			return 1;
	return 0;
}

static void check_tags(void)
{
	CHECK(ntags > 0, "api/openapi.yaml declares no tags (a top-level tags: list)");
	for (int i = 0; i < ntags; i++) {
		CHECK(tag_described[i], "tag '%s' has no description", tags[i]);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(tags[i], tags[j]) != 0, "tag '%s' is declared twice", tags[i]);
	}
	for (int k = 0; k < nops; k++) {
		CHECK(optags[k][0] != '\0', "'%s' has no tag", ops[k]);
		for (const char *t = optags[k]; t[0] == ',' && t[1] != '\0'; t += strcspn(t + 1, ",") + 1) {
			size_t len = strcspn(t + 1, ",");
			CHECK(tag_declared(t + 1, len), "'%s' has the tag '%.*s', which the tags list does not declare",
			      ops[k], (int)len, t + 1);
		}
	}
	for (size_t f = 0; f < sizeof(filing) / sizeof(filing[0]); f++) {
		int k;
		for (k = 0; k < nops; k++)
			if (strcmp(ops[k], filing[f].op) == 0)
				break;
		CHECK(k < nops, "'%s' (filing a %s request) is missing from api/openapi.yaml", filing[f].op,
		      filing[f].tag);
		if (k < nops)
			CHECK(has_tag(k, filing[f].tag), "'%s': got tags '%s', want the procedure's tag '%s'",
			      filing[f].op, optags[k], filing[f].tag);
	}
}

static void load(const char *file)
{
	FILE *fp = fopen(file, "r");
	char line[1024], path[1024] = "";
	enum { OTHER, TAGS, PATHS } in = OTHER;
	CHECK(fp != NULL, "cannot open %s", file);
	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != ' ' && line[0] != '#' && line[0] != '\0') {	/* a top-level key */
			in = strcmp(line, "tags:") == 0 ? TAGS : strcmp(line, "paths:") == 0 ? PATHS : OTHER;
			continue;
		}
		if (in == TAGS) {
			load_tag_line(line);
			continue;
		}
		if (in != PATHS)
			continue;
		if (strncmp(line, "  /", 3) == 0 && line[3 - 1] == '/') {
			char *colon = strrchr(line, ':');
			if (colon) { *colon = '\0'; snprintf(path, sizeof(path), "%s", line + 2); }
			continue;
		}
		if (nops > 0 && strncmp(line, "      tags:", 11) == 0)
			load_op_tags(nops - 1, line + 11);
		if (nops > 0) {
			size_t have = text[nops - 1] ? strlen(text[nops - 1]) : 0;
			text[nops - 1] = realloc(text[nops - 1], have + strlen(line) + 2);
			snprintf(text[nops - 1] + have, strlen(line) + 2, "%s\n", line);
		}
		static const char *const verbs[] = { "get", "post", "put", "patch", "delete", NULL };
		for (int v = 0; verbs[v]; v++) {
			char want[32];
			snprintf(want, sizeof(want), "    %s:", verbs[v]);
			if (strcmp(line, want) == 0 && nops < MAXOPS) {
				char up[16];
				size_t k;
				for (k = 0; verbs[v][k]; k++) up[k] = (char)toupper((unsigned char)verbs[v][k]);
				up[k] = '\0';
				snprintf(ops[nops++], sizeof(ops[0]), "%s %s", up, path);
			}
		}
	}
	fclose(fp);
}

int main(void)
{
	const char *src = getenv("abs_top_srcdir");
	char file[4096];
	snprintf(file, sizeof(file), "%s/api/openapi.yaml", src ? src : ".");
	load(file);
	CHECK(nops > 0, "no operations found in %s", file);
	for (size_t i = 0; i < api_route_count; i++) {
		char want[300];
		int found = 0;
		snprintf(want, sizeof(want), "%s %s", api_routes[i].method, api_routes[i].pattern);
		for (int k = 0; k < nops; k++)
			found |= strcmp(ops[k], want) == 0;
		CHECK(found, "served route '%s' is missing from api/openapi.yaml", want);
		role_mask roles = api_routes[i].roles;
		if (roles == ROUTE_PUBLIC || roles == ROLES_ANY)
			continue;
		for (int k = 0; k < nops; k++) {
			if (strcmp(ops[k], want) != 0)
				continue;
			CHECK(text[k] != NULL && strstr(text[k], "Role") != NULL,
			      "'%s' may be called by some roles only, and its description does not say which", want);
			for (int r = 0; r < ROLE_COUNT && text[k]; r++)
				if (roles & ROLE_BIT(r)) {
					const char *word = role_name((enum role)r);
					CHECK(has_word(text[k], word), "'%s' does not name the role %s", want, word);
				}
		}
	}
	for (int k = 0; k < nops; k++) {
		int found = 0;
		for (size_t i = 0; i < api_route_count; i++) {
			char have[300];
			snprintf(have, sizeof(have), "%s %s", api_routes[i].method, api_routes[i].pattern);
			found |= strcmp(ops[k], have) == 0;
		}
		CHECK(found, "api/openapi.yaml documents '%s' which the daemon does not serve", ops[k]);
	}
	check_tags();
	for (int k = 0; k < nops; k++)
		free(text[k]);
	return unit_done("test-openapi");
}
