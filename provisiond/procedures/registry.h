/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procedures/registry - the institution's procedures, in one list
 */
#ifndef PVD_PROCEDURES_REGISTRY_H
#define PVD_PROCEDURES_REGISTRY_H

/* Registers every procedure with the engine; main() calls it first. */
void procedures_register_all(void);

#endif
