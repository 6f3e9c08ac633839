/* The contract test: every route the daemon serves is in api/openapi.yaml
 * and every path+method there is served, and an operation only some roles
 * may call names each of them (a reader must not have to guess who may).
 * Reads the paths block in its plain layout: "  /path:" then "    get:"
 * lines, the operation's text until the next one. */
#include "config.h"
#include "api.h"
#include "unit.h"

#include <ctype.h>
#include <stdlib.h>

#define MAXOPS 512
static char ops[MAXOPS][1100];
static char *text[MAXOPS];	/* the operation's lines, joined */
static int nops;

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

static void load(const char *file)
{
	FILE *fp = fopen(file, "r");
	char line[1024], path[1024] = "";
	int in_paths = 0;
	CHECK(fp != NULL, "cannot open %s", file);
	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "paths:", 6) == 0) { in_paths = 1; continue; }
		if (!in_paths)
			continue;
		if (line[0] != ' ' && line[0] != '#' && line[0] != '\0')
			break;	/* next top-level key */
		if (strncmp(line, "  /", 3) == 0 && line[3 - 1] == '/') {
			char *colon = strrchr(line, ':');
			if (colon) { *colon = '\0'; snprintf(path, sizeof(path), "%s", line + 2); }
			continue;
		}
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
	for (int k = 0; k < nops; k++)
		free(text[k]);
	return unit_done("test-openapi");
}
