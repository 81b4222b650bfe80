// SPDX-License-Identifier: MIT
/* chart: the labels charts share. See chart.h. */
#include "runner/chart.h"

#include "util/i18n.h"

const struct ev_form chart_kind_labels[] = {
	{ "process", N_("processes") },
	{ "thread", N_("threads") },
	{ "clone_vm", N_("processes sharing one address space") },
	{ NULL, NULL },
};
