// SPDX-License-Identifier: MIT
/* catalog: the table of experiments. See catalog.h. */
#include "experiments/catalog.h"

#include <string.h>

extern const struct experiment exp_create;
extern const struct experiment exp_crash;
extern const struct experiment exp_ipc;
extern const struct experiment exp_isolation;
extern const struct experiment exp_memory;
extern const struct experiment exp_parallel;
extern const struct experiment exp_server;
extern const struct experiment exp_switch;
extern const struct experiment exp_sync;

const struct experiment *const catalog[] = {
	&exp_crash,    &exp_create, &exp_ipc,	 &exp_isolation, &exp_memory,
	&exp_parallel, &exp_server, &exp_switch, &exp_sync,	 NULL,
};

const struct experiment *catalog_find(const char *name)
{
	for (size_t i = 0; catalog[i]; i++)
		if (strcmp(catalog[i]->name, name) == 0)
			return catalog[i];
	return NULL;
}

const struct experiment *catalog_feeding(const char *claim_id)
{
	for (size_t i = 0; catalog[i]; i++)
		for (const char *const *c = catalog[i]->claims; c && *c; c++)
			if (strcmp(*c, claim_id) == 0)
				return catalog[i];
	return NULL;
}

char *catalog_phrase(const char *name, const struct ev_msg *m, char *buf, size_t size)
{
	const struct ev_form *forms[4];
	exp_forms(name ? catalog_find(name) : NULL, forms);
	return ev_render(m, forms, buf, size);
}

char *catalog_outcome(const struct exp_result *e, char *buf, size_t size)
{
	char reason[512];
	catalog_phrase(e->name, &e->reason, reason, sizeof(reason));
	return outcome_describe(e, reason, buf, size);
}
