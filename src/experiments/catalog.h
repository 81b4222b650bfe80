// SPDX-License-Identifier: MIT
/*
 * catalog: every experiment ptlab knows, in one const table ending in
 * NULL, sorted by name. Adding an experiment is one line in catalog.c.
 */
#ifndef PTLAB_EXPERIMENTS_CATALOG_H
#define PTLAB_EXPERIMENTS_CATALOG_H

#include "runner/experiment.h"

extern const struct experiment *const catalog[];

/* The experiment of that name, or NULL. */
const struct experiment *catalog_find(const char *name);

/* The experiment that feeds a claim id, or NULL while none does. */
const struct experiment *catalog_feeding(const char *claim_id);

/*
 * m phrased in the reader's language with the forms of the experiment
 * called name (its own, core/limit's, the common ones); returns buf.
 */
char *catalog_phrase(const char *name, const struct ev_msg *m, char *buf, size_t size);
/* How e ended, with its reason phrased: outcome_describe() of model/run.h. */
char *catalog_outcome(const struct exp_result *e, char *buf, size_t size);

#endif
