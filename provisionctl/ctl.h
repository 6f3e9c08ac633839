/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ctl - what provisionctl's files share
 * DESCRIPTION
 *	provisionctl.c holds the table of commands, HTTP and the output;
 *	import.c the CSV import (provisionctl import), a run hook of that
 *	table; csv.c the CSV reader it uses. This header is what import.c
 *	needs of provisionctl.c, and nothing else.
 */
#ifndef PROVISIONCTL_CTL_H
#define PROVISIONCTL_CTL_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3

struct ctl {
	CURL *curl;
	const char *url;
	const char *token, *login;
	char *password;
};

#define MAXP 12		/* options of one command, at most */

struct cmd;
struct invocation {
	const struct cmd *cmd;
	const char *pos[4];
	const char *opt[MAXP];	/* by the index of cmd->opts; NULL when not given */
};

/* A string built with printf formats, in growing memory (open_memstream). */
struct str {
	char *s;
	size_t len;
	FILE *fp;
};

void die_oom(void) __attribute__((noreturn));
char *xstrdup(const char *s);
void str_init(struct str *b);
void str_add(struct str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *str_done(struct str *b);
/* Is word one of the '|'-separated words of list ("a|b|c")? */
int word_in_list(const char *list, const char *word);

/* The value of option --name (NULL: not given; a flag given: "yes"). */
const char *opt_value(const struct invocation *inv, const char *name);
/* The command's words and path template. */
const char *inv_sub(const struct invocation *inv);
const char *inv_path(const struct invocation *inv);

/* One call: METHOD url+path, the JSON body if any, one more header line
 * if any ("Idempotency-Key: ..."). 0 with *answer_r; otherwise the error
 * is printed and the exit status returned (*status_r: the HTTP status,
 * 0 when the server was not reached). */
int http_call(struct ctl *k, const char *method, const char *path, json_t *json, const char *header,
	      long *status_r, json_t **answer_r);

/* A progress bar is drawn on stderr's last line (import.c): whatever is
 * printed next ends that line first (ctl_end_bar). */
extern int ctl_bar_open;
void ctl_end_bar(void);

/* provisionctl import hires|exits FILE (import.c) */
int run_import(struct ctl *k, const struct invocation *inv, json_t **answer_r);

#endif
