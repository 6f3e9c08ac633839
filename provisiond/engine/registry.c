/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	engine/registry - the procedures the engine knows
 * DESCRIPTION
 *	main() registers every procedure (procedures/registry.c) before
 *	anything else runs; the engine finds them here by type, so it never
 *	names one. A type with no procedure is an impossible state.
 */
#include "config.h"
#include "buf.h"
#include "engine/procedure.h"
#include "requests.h"
#include "log.h"

#include <string.h>

static const struct procedure *registered[WF_TYPE_COUNT];

void procedure_register(const struct procedure *p)
{
	if ((unsigned)p->type >= WF_TYPE_COUNT)
		log_panic("procedure %s: type %d is not one of workflow.h's", p->code, (int)p->type);
	registered[p->type] = p;
}

const struct procedure *procedure_of(enum wf_type t)
{
	const struct procedure *p = (unsigned)t < WF_TYPE_COUNT ? registered[t] : NULL;
	if (p == NULL)
		log_panic("no procedure is registered for request type %d (%s)", (int)t, wf_type_name(t));
	return p;
}

int requests_check_input(const struct conf *c, enum wf_type t, json_t *payload, struct outcome *o)
{
	struct person_in in;
	memset(o, 0, sizeof(*o));
	return procedure_of(t)->parse(c, payload, &in, o) < 0 ? o->status : 0;
}
