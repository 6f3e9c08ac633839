/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/registry - one line per procedure (see registry.h)
 */
#include "config.h"
#include "buf.h"
#include "procedures/registry.h"
#include "engine/procedure.h"

extern const struct procedure hire_procedure, exit_procedure, transfer_procedure, access_procedure,
	callcode_procedure;

static const struct procedure *const all[] = {
	&hire_procedure,	/* PR05 */
	&exit_procedure,	/* PR06 */
	&transfer_procedure,
	&access_procedure,
	&callcode_procedure,	/* PR01 */
};

void procedures_register_all(void)
{
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		procedure_register(all[i]);
}
