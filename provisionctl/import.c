/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	import - provisionctl import hires|exits FILE.csv: a staff list filed
 *	through the batch endpoint
 * SYNOPSIS
 *	provisionctl import hires FILE [--dry-run] [--map H=FIELD,...] [--map-file FILE]
 *		[--separator comma|semicolon] [--results FILE] [--results-format csv|jsonl] [--chunk N]
 * DESCRIPTION
 *	The whole file is read and checked first (csv.h: encoding, quoting,
 *	field counts; then the header mapped onto the fields of POST
 *	/v1/hires or /v1/exits), so a malformed file sends nothing. The rows
 *	then go to POST /v1/{hires,exits}/batch in chunks of at most 1000;
 *	each row is answered on its own and the answer kept per line.
 *
 *	Rerun safety: a chunk is sent with Idempotency-Key
 *	"csv-<sha256 of the kind, the chunk's index and its rows>", and the
 *	server files row i under "KEY#i" bound to its content; the same file
 *	imported again (after an interruption, a lost connection, a kill)
 *	makes the same chunks and keys, so the rows already filed are
 *	replayed (answered as before) and only the rest are filed.
 *
 *	--dry-run sends the chunks with "dry_run": true: the server runs
 *	every check of filing and rolls it back, so the report says what
 *	would be filed and what is refused, and nothing is written.
 *
 *	Progress goes to stderr: a bar redrawn on a terminal, one line a
 *	chunk otherwise. The per-row answers are the command's output (a
 *	table on a terminal, JSON otherwise) and, with --results, a CSV or
 *	JSON-lines file written as each chunk is answered.
 * DIAGNOSTICS
 *	Exit 0 when every row was filed (or replayed, or would be); 1 when a
 *	row was refused or the server refused a chunk; 2 for a malformed file
 *	or mapping (its line named); 3 when the server cannot be reached
 *	(rerun the same command: nobody is filed twice).
 */
#include "config.h"
#include "ctl.h"
#include "csv.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IMPORT_MAX_BYTES (64u << 20)	/* 64 MiB: some 200,000 rows; split larger lists */
#define CHUNK_MAX 1000			/* the batch endpoint's limit */
#define CHUNK_MAX_BYTES (512u << 10)	/* half the server's default http_max_body */

/* ------------------------------------------------------------------ the fields and their headers */

enum fkind { F_TEXT, F_DATE };

struct field_def {
	const char *name;	/* the field of POST /v1/hires or /v1/exits */
	int required;
	enum fkind kind;
	const char *headers;	/* the headers taken for it by default, normalized, '|' between */
};

/* Spanish and English names, as normalize() leaves them (lower case, no
 * accents, '_' for every run of other characters). */
static const struct field_def hire_fields[] = {
	{ "employee_number", 1, F_TEXT, "employee_number|employee_no|employee_id|numero_empleado|"
	  "numero_de_empleado|n_empleado|no_empleado|nro_empleado|num_empleado|codigo_empleado|legajo|ficha" },
	{ "national_id", 1, F_TEXT, "national_id|id_number|rut|run|dni|cedula|ci|cedula_de_identidad|"
	  "documento|numero_documento|numero_de_documento" },
	{ "given_names", 1, F_TEXT, "given_names|given_name|first_names|first_name|nombres|nombre" },
	{ "family_names", 1, F_TEXT, "family_names|family_name|last_names|last_name|surnames|surname|"
	  "apellidos|apellido" },
	{ "unit", 1, F_TEXT, "unit|department|unidad|departamento|area" },
	{ "position", 1, F_TEXT, "position|job|job_title|cargo|puesto" },
	{ "contract_type", 1, F_TEXT, "contract_type|contract|tipo_contrato|tipo_de_contrato|contrato" },
	{ "start_date", 1, F_DATE, "start_date|start|fecha_inicio|fecha_de_inicio|fecha_ingreso|"
	  "fecha_de_ingreso|inicio|ingreso" },
	{ "end_date", 0, F_DATE, "end_date|end|fecha_termino|fecha_de_termino|fecha_fin|fecha_de_fin|"
	  "termino|fin" },
	{ "private_email", 0, F_TEXT, "private_email|personal_email|email_personal|correo_personal|"
	  "correo_privado|email_privado" },
	{ NULL, 0, F_TEXT, NULL }
};

static const struct field_def exit_fields[] = {
	{ "employee_number", 1, F_TEXT, "employee_number|employee_no|employee_id|numero_empleado|"
	  "numero_de_empleado|n_empleado|no_empleado|nro_empleado|num_empleado|codigo_empleado|legajo|ficha" },
	{ "effective_at", 1, F_TEXT, "effective_at|effective|exit_at|fecha_efectiva|fecha_salida|"
	  "fecha_de_salida|fecha_egreso|fecha_de_egreso|fecha_baja|fecha_de_baja|salida|egreso" },
	{ "reason", 1, F_TEXT, "reason|motivo|razon|causa" },
	{ NULL, 0, F_TEXT, NULL }
};

/* Lower case, Latin accents and the ordinal signs off, every run of other
 * characters one '_', none at the ends: "Número de Empleado" and
 * "numero_de_empleado" are the same header, "N° Empleado" is "n_empleado". */
static void normalize(const char *in, char *out, size_t size)
{
	static const struct { const char *from; char to; } folds[] = {
		{ "á", 'a' }, { "à", 'a' }, { "ä", 'a' }, { "â", 'a' }, { "ã", 'a' }, { "Á", 'a' }, { "À", 'a' },
		{ "Ä", 'a' }, { "Â", 'a' }, { "Ã", 'a' }, { "é", 'e' }, { "è", 'e' }, { "ë", 'e' }, { "ê", 'e' },
		{ "É", 'e' }, { "È", 'e' }, { "Ë", 'e' }, { "Ê", 'e' }, { "í", 'i' }, { "ì", 'i' }, { "ï", 'i' },
		{ "î", 'i' }, { "Í", 'i' }, { "Ì", 'i' }, { "Ï", 'i' }, { "Î", 'i' }, { "ó", 'o' }, { "ò", 'o' },
		{ "ö", 'o' }, { "ô", 'o' }, { "õ", 'o' }, { "Ó", 'o' }, { "Ò", 'o' }, { "Ö", 'o' }, { "Ô", 'o' },
		{ "Õ", 'o' }, { "ú", 'u' }, { "ù", 'u' }, { "ü", 'u' }, { "û", 'u' }, { "Ú", 'u' }, { "Ù", 'u' },
		{ "Ü", 'u' }, { "Û", 'u' }, { "ñ", 'n' }, { "Ñ", 'n' }, { "ç", 'c' }, { "Ç", 'c' },
		{ "°", 0 }, { "º", 0 }, { "ª", 0 },
	};
	size_t n = 0;
	int gap = 0;
	for (const char *p = in; *p && n + 2 < size;) {
		char c = 0;
		size_t adv = 1;
		int folded = 0;
		for (size_t f = 0; f < sizeof(folds) / sizeof(folds[0]); f++) {
			size_t len = strlen(folds[f].from);
			if (strncmp(p, folds[f].from, len) == 0) {
				c = folds[f].to;
				adv = len;
				folded = 1;
				break;
			}
		}
		if (!folded)
			c = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
		p += adv;
		if (folded && c == 0)
			continue;	/* an ordinal sign: nothing */
		if (c == '_') {
			gap = n > 0;
			continue;
		}
		if (gap)
			out[n++] = '_';
		gap = 0;
		out[n++] = c;
	}
	out[n] = '\0';
}

static int field_index(const struct field_def *defs, const char *name)
{
	for (int i = 0; defs[i].name; i++)
		if (strcmp(defs[i].name, name) == 0)
			return i;
	return -1;
}

static char *field_names(const struct field_def *defs)
{
	struct str s;
	str_init(&s);
	for (int i = 0; defs[i].name; i++)
		str_add(&s, "%s%s%s", i ? ", " : "", defs[i].name, defs[i].required ? "" : " (optional)");
	return str_done(&s);
}

/* ------------------------------------------------------------------ the mapping */

#define IGNORE (-2)	/* a column mapped to "-": left out */
#define UNMAPPED (-1)

struct override {
	char header[256];	/* normalized */
	char field[64];		/* a field name or "-" */
	char origin[64];	/* "--map" or "FILE:LINE" */
	int used;
};

struct mapping {
	struct override *ov;
	size_t nov;
};

static __attribute__((format(printf, 1, 2))) int bad(const char *fmt, ...)
{
	va_list ap;
	fputs("provisionctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

/* One "header=field" of --map or a mapping file's line, later ones winning. */
static int add_override(struct mapping *m, const struct field_def *defs, const char *header, size_t hlen,
			const char *field, const char *origin)
{
	char raw[256], f[64];
	while (hlen > 0 && isspace((unsigned char)*header))
		header++, hlen--;
	while (hlen > 0 && isspace((unsigned char)header[hlen - 1]))
		hlen--;
	while (isspace((unsigned char)*field))
		field++;
	size_t flen = strlen(field);
	while (flen > 0 && isspace((unsigned char)field[flen - 1]))
		flen--;
	if (hlen == 0 || hlen >= sizeof(raw) || flen == 0 || flen >= sizeof(f))
		return bad("%s: want HEADER=FIELD (or HEADER=- to leave a column out)", origin);
	snprintf(raw, sizeof(raw), "%.*s", (int)hlen, header);
	snprintf(f, sizeof(f), "%.*s", (int)flen, field);
	if (strcmp(f, "-") != 0 && field_index(defs, f) < 0) {
		char *names = field_names(defs);
		int ret = bad("%s: '%s' is not a field; the fields are %s, or '-' to leave the column out", origin, f,
			      names);
		free(names);
		return ret;
	}
	m->ov = realloc(m->ov, (m->nov + 1) * sizeof(*m->ov));
	if (m->ov == NULL)
		die_oom();
	struct override *o = &m->ov[m->nov++];
	normalize(raw, o->header, sizeof(o->header));
	snprintf(o->field, sizeof(o->field), "%s", f);
	snprintf(o->origin, sizeof(o->origin), "%s", origin);
	o->used = 0;
	if (o->header[0] == '\0')
		return bad("%s: the header '%s' has no letters or digits", origin, raw);
	return 0;
}

static int read_map_file(struct mapping *m, const struct field_def *defs, const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[1024], origin[64];
	if (fp == NULL)
		return bad("--map-file %s: %s", path, strerror(errno));
	for (int no = 1; fgets(line, sizeof(line), fp) != NULL; no++) {
		line[strcspn(line, "\r\n")] = '\0';
		const char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		snprintf(origin, sizeof(origin), "%.40s:%d", path, no);
		const char *eq = strrchr(p, '=');
		if (eq == NULL) {
			fclose(fp);
			return bad("%s: want HEADER = FIELD", origin);
		}
		int ret = add_override(m, defs, p, (size_t)(eq - p), eq + 1, origin);
		if (ret != 0) {
			fclose(fp);
			return ret;
		}
	}
	fclose(fp);
	return 0;
}

static int parse_map_option(struct mapping *m, const struct field_def *defs, const char *spec)
{
	for (const char *p = spec; *p;) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		char one[600];
		if (eq == NULL || len >= sizeof(one))
			return bad("--map '%.*s': want HEADER=FIELD,...", (int)len, p);
		snprintf(one, sizeof(one), "%.*s", (int)(len - (size_t)(eq - p) - 1), eq + 1);
		int ret = add_override(m, defs, p, (size_t)(eq - p), one, "--map");
		if (ret != 0)
			return ret;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* cols[c]: the field index of column c, or IGNORE. Every header is
 * known, none twice, every required field has its column. */
static int map_header(const struct csv_row *h, const struct field_def *defs, struct mapping *m, const char *file,
		      int *cols)
{
	int nf = 0;
	while (defs[nf].name)
		nf++;
	int *col_of = malloc(sizeof(int) * (size_t)nf);
	if (col_of == NULL)
		die_oom();
	for (int f = 0; f < nf; f++)
		col_of[f] = -1;
	int ret = 0;
	for (size_t c = 0; c < h->nfields && ret == 0; c++) {
		char norm[256];
		normalize(h->fields[c], norm, sizeof(norm));
		cols[c] = UNMAPPED;
		for (size_t o = m->nov; o-- > 0;)	/* the last override for a header wins */
			if (strcmp(m->ov[o].header, norm) == 0) {
				m->ov[o].used = 1;
				if (cols[c] == UNMAPPED)
					cols[c] = strcmp(m->ov[o].field, "-") == 0 ? IGNORE
						  : field_index(defs, m->ov[o].field);
			}
		for (int f = 0; cols[c] == UNMAPPED && f < nf; f++)
			if (norm[0] && word_in_list(defs[f].headers, norm))
				cols[c] = f;
		if (norm[0] == '\0')
			ret = bad("%s: line %zu, column %zu: an empty header: name the column, or leave it out",
				  file, h->line, c + 1);
		else if (cols[c] == UNMAPPED) {
			char *names = field_names(defs);
			ret = bad("%s: line %zu, column %zu: unknown header '%s': map it with --map '%s=FIELD' "
				  "(or '%s=-' to leave it out); the fields are %s", file, h->line, c + 1,
				  h->fields[c], h->fields[c], h->fields[c], names);
			free(names);
		} else if (cols[c] >= 0 && col_of[cols[c]] >= 0)
			ret = bad("%s: line %zu: columns %d ('%s') and %zu ('%s') are both %s", file, h->line,
				  col_of[cols[c]] + 1, h->fields[col_of[cols[c]]], c + 1, h->fields[c],
				  defs[cols[c]].name);
		else if (cols[c] >= 0)
			col_of[cols[c]] = (int)c;
	}
	for (size_t o = 0; o < m->nov && ret == 0; o++)
		if (!m->ov[o].used)
			ret = bad("%s: no column '%s' in the header (line %zu) of %s", m->ov[o].origin, m->ov[o].header,
				  h->line, file);
	for (int f = 0; f < nf && ret == 0; f++)
		if (defs[f].required && col_of[f] < 0) {
			struct str s;
			str_init(&s);
			for (const char *p = defs[f].headers; *p; p++)
				str_add(&s, "%s", *p == '|' ? ", " : (char[2]){ *p, 0 });
			char *names = str_done(&s);
			ret = bad("%s: line %zu: no column for %s (a header such as %s, or --map HEADER=%s)", file,
				  h->line, defs[f].name, names, defs[f].name);
			free(names);
		}
	free(col_of);
	return ret;
}

/* ------------------------------------------------------------------ rows */

/* dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy (day first, as Spanish locales write
 * dates) and yyyy/mm/dd become yyyy-mm-dd; anything else is sent as it is,
 * for the server to accept or refuse. */
static char *date_value(const char *v)
{
	unsigned a, b, c;
	char s1, s2, tail;
	if (sscanf(v, "%u%c%u%c%u%c", &a, &s1, &b, &s2, &c, &tail) == 5 && s1 == s2 && strchr("/-.", s1)) {
		char out[16];
		if (a >= 1000 && a <= 9999 && b >= 1 && b <= 12 && c >= 1 && c <= 31 && s1 != '-')
			snprintf(out, sizeof(out), "%04u-%02u-%02u", a, b, c);
		else if (c >= 1000 && c <= 9999 && a >= 1 && a <= 31 && b >= 1 && b <= 12)
			snprintf(out, sizeof(out), "%04u-%02u-%02u", c, b, a);
		else
			return xstrdup(v);
		return xstrdup(out);
	}
	return xstrdup(v);
}

struct row {
	size_t line;
	const char *employee_number;	/* in item, or "" */
	json_t *item;
	const char *local_code;		/* not NULL: refused here, not sent */
	char local_message[200];
	json_t *result;			/* the line's answer, for the output and the results file */
};

static char *trimmed(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	char *s = malloc(n + 1);
	if (s == NULL)
		die_oom();
	memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

static int cmp_rows_by_number(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
	int c = strcmp(x->employee_number, y->employee_number);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The rows' bodies; a number twice in the file is refused on its later lines. */
static struct row *build_rows(const struct csv *csv, const struct field_def *defs, const int *cols, size_t *n_r)
{
	size_t n = csv->nrows - 1;
	struct row *rows = calloc(n ? n : 1, sizeof(*rows));
	struct row **by = calloc(n ? n : 1, sizeof(*by));
	if (rows == NULL || by == NULL)
		die_oom();
	for (size_t r = 0; r < n; r++) {
		const struct csv_row *cr = &csv->rows[r + 1];
		json_t *item = json_object();
		for (size_t c = 0; c < cr->nfields; c++) {
			if (cols[c] < 0)
				continue;
			char *v = trimmed(cr->fields[c]);
			if (*v && defs[cols[c]].kind == F_DATE) {
				char *d = date_value(v);
				free(v);
				v = d;
			}
			if (*v)	/* an empty cell is a field not given */
				json_object_set_new(item, defs[cols[c]].name, json_string(v));
			free(v);
		}
		rows[r].line = cr->line;
		rows[r].item = item;
		const char *num = json_string_value(json_object_get(item, "employee_number"));
		rows[r].employee_number = num ? num : "";
		by[r] = &rows[r];
	}
	qsort(by, n, sizeof(*by), cmp_rows_by_number);
	const struct row *first = NULL;		/* the first line of a number */
	for (size_t i = 0; i < n; i++) {
		if (first == NULL || strcmp(by[i]->employee_number, first->employee_number) != 0) {
			first = by[i];
			continue;
		}
		if (!by[i]->employee_number[0])
			continue;	/* no number: the server says what is missing */
		by[i]->local_code = "duplicate_in_file";
		snprintf(by[i]->local_message, sizeof(by[i]->local_message),
			 "employee_number %.40s is also on line %zu: one row a person", by[i]->employee_number,
			 first->line);
	}
	free(by);
	*n_r = n;
	return rows;
}

/* ------------------------------------------------------------------ results */

struct counts {
	size_t filed, replayed, would_file, refused, done;
};

static const char *result_name(long status, int replayed, int dry_run)
{
	if (status >= 200 && status < 300)
		return dry_run ? "would_file" : replayed ? "replayed" : "filed";
	return "refused";
}

/* One line's result: from the batch's row answer, or a local refusal. */
static json_t *line_result(const struct row *r, json_t *answer, int dry_run)
{
	json_t *o = json_pack("{s:I, s:s}", "line", (json_int_t)r->line, "employee_number", r->employee_number);
	if (answer == NULL) {
		json_object_set_new(o, "result", json_string("refused"));
		json_object_set_new(o, "status", json_null());
		json_object_set_new(o, "code", json_string(r->local_code));
		json_object_set_new(o, "message", json_string(r->local_message));
		return o;
	}
	long status = (long)json_integer_value(json_object_get(answer, "status"));
	json_t *body = json_object_get(answer, "body"), *err = json_object_get(answer, "error");
	json_object_set_new(o, "result", json_string(result_name(status, json_is_true(json_object_get(answer,
		"replayed")), dry_run)));
	json_object_set_new(o, "status", json_integer(status));
	if (body != NULL) {
		json_t *id = json_object_get(body, "id");
		json_object_set(o, "request_id", id ? id : json_null());
		json_object_set(o, "state", json_object_get(body, "state"));
		json_t *uid = json_object_get(json_object_get(body, "person"), "uid");
		json_object_set(o, "uid", uid ? uid : json_null());
	}
	if (err != NULL) {
		json_object_set(o, "code", json_object_get(err, "code"));
		json_t *field = json_object_get(err, "field");
		const char *msg = json_string_value(json_object_get(err, "message"));
		if (json_is_string(field) && msg != NULL && strstr(msg, json_string_value(field)) == NULL)
			json_object_set_new(o, "message", json_sprintf("%s (field %s)", msg, json_string_value(field)));
		else
			json_object_set(o, "message", json_object_get(err, "message"));
	}
	return o;
}

static void csv_cell(FILE *fp, json_t *v, int last)
{
	const char *s = json_string_value(v);
	char num[32];
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = num;
	}
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', fp);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else
		fputs(s, fp);
	fputs(last ? "\r\n" : ",", fp);
}

static const char *const result_keys[] = { "line", "employee_number", "result", "status", "request_id", "uid",
	"state", "code", "message", NULL };

static void write_result(FILE *fp, int jsonl, json_t *res)
{
	if (fp == NULL)
		return;
	if (jsonl) {
		json_dumpf(res, fp, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', fp);
		return;
	}
	for (int k = 0; result_keys[k]; k++)
		csv_cell(fp, json_object_get(res, result_keys[k]), result_keys[k + 1] == NULL);
}

/* ------------------------------------------------------------------ progress */

struct progress {
	int tty;
	const char *what;
	size_t total;
	struct timespec t0;
};

static double elapsed(const struct progress *p)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - p->t0.tv_sec) + (double)(now.tv_nsec - p->t0.tv_nsec) / 1e9;
}

static void show_progress(const struct progress *p, const struct counts *n, size_t first_line, size_t last_line,
			  int dry_run)
{
	double t = elapsed(p), rate = t > 0 ? (double)n->done / t : 0;
	char tally[160];
	if (dry_run)
		snprintf(tally, sizeof(tally), "%zu would be filed, %zu refused", n->would_file, n->refused);
	else
		snprintf(tally, sizeof(tally), "%zu filed, %zu replayed, %zu refused", n->filed, n->replayed,
			 n->refused);
	if (!p->tty) {
		fprintf(stderr, "%s: lines %zu-%zu: %zu of %zu rows: %s\n", p->what, first_line, last_line, n->done,
			p->total, tally);
		return;
	}
	int width = 30, full = p->total ? (int)((double)width * (double)n->done / (double)p->total) : width;
	char bar[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < full ? '#' : '-';
	bar[width] = '\0';
	/* \r and clear to the end of the line: the bar is redrawn in place */
	fprintf(stderr, "\r%s [%s] %3d%% %zu/%zu rows, %s, %.0f rows/s\033[K", p->what, bar,
		p->total ? (int)(100.0 * (double)n->done / (double)p->total) : 100, n->done, p->total, tally, rate);
	fflush(stderr);
	ctl_bar_open = 1;
}

/* ------------------------------------------------------------------ the run */

static int read_whole(const char *path, char **data_r, size_t *len_r)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (fp == NULL)
		return bad("%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	if (buf == NULL)
		die_oom();
	for (;;) {
		if (len == cap) {
			if (cap > IMPORT_MAX_BYTES)
				break;
			cap *= 2;
			if ((buf = realloc(buf, cap)) == NULL)
				die_oom();
		}
		size_t got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	int failed = ferror(fp);
	if (fp != stdin)
		fclose(fp);
	if (failed) {
		free(buf);
		return bad("%s: %s", path, strerror(errno ? errno : EIO));
	}
	if (len > IMPORT_MAX_BYTES) {
		free(buf);
		return bad("%s: larger than %u MiB: split the list and import each part", path, IMPORT_MAX_BYTES >> 20);
	}
	*data_r = buf;
	*len_r = len;
	return 0;
}

/* The key of chunk index: the same rows in the same place, the same key. */
static void chunk_key(const char *kind, size_t index, json_t *items, char out[80])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char *text = json_dumps(items, JSON_COMPACT | JSON_SORT_KEYS);
	struct str s;
	if (text == NULL)
		die_oom();
	str_init(&s);
	str_add(&s, "provisionctl import\n%s\n%zu\n%s", kind, index, text);
	free(text);
	char *all = str_done(&s);
	if (EVP_Digest(all, strlen(all), md, &mdlen, EVP_sha256(), NULL) != 1)
		die_oom();
	free(all);
	int n = snprintf(out, 80, "csv-");
	for (unsigned i = 0; i < 24 && i < mdlen; i++)	/* 192 bits: no two lists alike */
		n += snprintf(out + n, 80 - (size_t)n, "%02x", md[i]);
}

static void free_rows(struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_decref(rows[i].result);
		json_decref(rows[i].item);
	}
	free(rows);
}

int run_import(struct ctl *k, const struct invocation *inv, json_t **answer_r)
{
	const char *kind = inv_sub(inv), *file = inv->pos[0];
	const struct field_def *defs = strcmp(kind, "exits") == 0 ? exit_fields : hire_fields;
	const char *sep_opt = opt_value(inv, "separator"), *map = opt_value(inv, "map");
	const char *map_file = opt_value(inv, "map-file"), *results = opt_value(inv, "results");
	const char *fmt = opt_value(inv, "results-format"), *chunk_opt = opt_value(inv, "chunk");
	int dry_run = opt_value(inv, "dry-run") != NULL;
	long chunk_rows = chunk_opt ? strtol(chunk_opt, NULL, 10) : CHUNK_MAX;
	struct mapping m = { NULL, 0 };
	struct csv csv;
	char *data = NULL, *err = NULL;
	size_t len = 0, nrows = 0;
	int ret;

	if (chunk_rows < 1 || chunk_rows > CHUNK_MAX)
		return bad("--chunk %s: want 1 to %d rows", chunk_opt, CHUNK_MAX);
	if ((map_file && (ret = read_map_file(&m, defs, map_file)) != 0) ||
	    (map && (ret = parse_map_option(&m, defs, map)) != 0)) {
		free(m.ov);
		return ret;
	}
	if ((ret = read_whole(file, &data, &len)) != 0) {
		free(m.ov);
		return ret;
	}
	char sep = sep_opt == NULL ? 0 : strcmp(sep_opt, "semicolon") == 0 ? ';' : ',';
	if (csv_parse(data, len, sep, &csv, &err) < 0) {
		ret = bad("%s: %s", file, err ? err : "out of memory");
		free(err);
		free(data);
		free(m.ov);
		return ret;
	}
	free(data);
	int *cols = calloc(csv.rows[0].nfields, sizeof(int));
	if (cols == NULL)
		die_oom();
	ret = map_header(&csv.rows[0], defs, &m, file, cols);
	free(m.ov);
	if (ret != 0) {
		free(cols);
		csv_free(&csv);
		return ret;
	}
	struct row *rows = build_rows(&csv, defs, cols, &nrows);
	free(cols);
	csv_free(&csv);
	if (nrows == 0) {
		free_rows(rows, nrows);
		return bad("%s: a header and no rows: nothing to import", file);
	}

	FILE *rf = NULL;
	int jsonl = fmt ? strcmp(fmt, "jsonl") == 0
			: results && strlen(results) > 5 && (strcmp(results + strlen(results) - 5, ".json") == 0
							    || strcmp(results + strlen(results) - 6, ".jsonl") == 0);
	if (results != NULL) {
		if ((rf = fopen(results, "w")) == NULL) {
			free_rows(rows, nrows);
			return bad("--results %s: %s", results, strerror(errno));
		}
		if (!jsonl)
			for (int i = 0; result_keys[i]; i++)
				fprintf(rf, "%s%s", result_keys[i], result_keys[i + 1] ? "," : "\r\n");
	}

	char what[64];
	snprintf(what, sizeof(what), "import %s%s", kind, dry_run ? " (dry run)" : "");
	struct progress p = { isatty(STDERR_FILENO), what, nrows, { 0, 0 } };
	struct counts n = { 0, 0, 0, 0, 0 };
	clock_gettime(CLOCK_MONOTONIC, &p.t0);
	ret = 0;
	size_t next = 0, chunk = 0, stopped_line = 0;
	while (next < nrows && ret == 0) {
		/* a chunk: the next rows sent (local refusals answered in place) */
		json_t *items = json_array();
		size_t first = next, bytes = 0;
		size_t *sent = malloc(sizeof(size_t) * (size_t)chunk_rows);
		size_t nsent = 0;
		if (sent == NULL)
			die_oom();
		for (; next < nrows && nsent < (size_t)chunk_rows; next++) {
			if (rows[next].local_code != NULL)
				continue;
			char *one = json_dumps(rows[next].item, JSON_COMPACT);
			size_t sz = one ? strlen(one) : 0;
			free(one);
			if (nsent > 0 && bytes + sz > CHUNK_MAX_BYTES)
				break;
			bytes += sz + 1;
			json_array_append(items, rows[next].item);
			sent[nsent++] = next;
		}
		json_t *answer = NULL;
		if (nsent > 0) {
			char key[80], header[120];
			json_t *body = json_pack("{s:O}", "items", items);
			if (dry_run)
				json_object_set_new(body, "dry_run", json_true());
			chunk_key(kind, chunk, items, key);
			snprintf(header, sizeof(header), "Idempotency-Key: %s", key);
			long status = 0;
			ret = http_call(k, "POST", inv_path(inv), body, dry_run ? NULL : header, &status, &answer);
			json_decref(body);
			if (ret == 0 && json_array_size(json_object_get(answer, "results")) != nsent) {
				fprintf(stderr, "provisionctl: the server answered %zu results for %zu rows\n",
					json_array_size(json_object_get(answer, "results")), nsent);
				ret = EXIT_REFUSED;
			}
			if (ret != 0 && status == 413)
				fprintf(stderr, "provisionctl: the chunk is larger than the server's http_max_body: "
					"try a smaller --chunk\n");
			if (ret != 0)
				stopped_line = rows[first].line;
		}
		json_decref(items);
		if (ret != 0) {
			free(sent);
			json_decref(answer);
			break;
		}
		/* the answers, in line order: sent rows from the batch, the others refused here */
		size_t s = 0;
		for (size_t r = first; r < next; r++) {
			json_t *a = NULL;
			if (rows[r].local_code == NULL)
				a = json_array_get(json_object_get(answer, "results"), s++);
			rows[r].result = line_result(&rows[r], a, dry_run);
			const char *res = json_string_value(json_object_get(rows[r].result, "result"));
			if (strcmp(res, "filed") == 0)
				n.filed++;
			else if (strcmp(res, "replayed") == 0)
				n.replayed++;
			else if (strcmp(res, "would_file") == 0)
				n.would_file++;
			else
				n.refused++;
			n.done++;
			write_result(rf, jsonl, rows[r].result);
		}
		json_decref(answer);
		free(sent);
		if (rf != NULL)
			fflush(rf);
		show_progress(&p, &n, rows[first].line, rows[next - 1].line, dry_run);
		chunk++;
	}
	ctl_end_bar();
	if (rf != NULL && fclose(rf) != 0 && ret == 0)
		ret = bad("--results %s: %s", results, strerror(errno));

	if (stopped_line != 0)
		fprintf(stderr, "provisionctl: stopped at line %zu of %s (%zu of %zu rows answered); %s\n", stopped_line,
			file, n.done, nrows, dry_run ? "nothing was written"
			: "run the same command again to go on: the rows already filed are replayed, nobody is filed twice");
	else if (dry_run)
		fprintf(stderr, "%s: %zu rows: %zu would be filed, %zu refused; nothing was written\n", what, nrows,
			n.would_file, n.refused);
	else
		fprintf(stderr, "%s: %zu rows: %zu filed, %zu replayed (filed before), %zu refused\n", what, nrows,
			n.filed, n.replayed, n.refused);

	json_t *list = json_array();
	for (size_t r = 0; r < nrows; r++)
		if (rows[r].result != NULL)
			json_array_append(list, rows[r].result);
	json_t *out = json_pack("{s:s, s:s, s:b, s:I, s:I}", "file", file, "type", kind, "dry_run", dry_run,
				"rows", (json_int_t)nrows, "answered", (json_int_t)n.done);
	if (dry_run)
		json_object_set_new(out, "would_file", json_integer((json_int_t)n.would_file));
	else {
		json_object_set_new(out, "filed", json_integer((json_int_t)n.filed));
		json_object_set_new(out, "replayed", json_integer((json_int_t)n.replayed));
	}
	json_object_set_new(out, "refused", json_integer((json_int_t)n.refused));
	json_object_set_new(out, "results", list);
	free_rows(rows, nrows);
	*answer_r = out;
	if (ret == 0 && n.refused > 0)
		ret = EXIT_REFUSED;
	return ret;
}
