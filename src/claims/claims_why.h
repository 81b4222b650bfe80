// SPDX-License-Identifier: MIT
/*
 * claims_why: the paragraphs of every claim's explanation, with their
 * guards (claims/claims_why.c), one table per claim, each ending with id
 * NULL. Only the catalogue (claims/claims.c) refers to them.
 */
#ifndef PTLAB_CLAIMS_CLAIMS_WHY_H
#define PTLAB_CLAIMS_CLAIMS_WHY_H

#include "claims/mechanism.h"

extern const struct mechanism why_def_unit[];
extern const struct mechanism why_mem_separate[];
extern const struct mechanism why_mem_shared[];
extern const struct mechanism why_mem_stack[];
extern const struct mechanism why_res_fd[];
extern const struct mechanism why_res_env[];
extern const struct mechanism why_iso_crash_process[];
extern const struct mechanism why_iso_crash_thread[];
extern const struct mechanism why_iso_error_thread[];
extern const struct mechanism why_iso_corruption[];
extern const struct mechanism why_sec_isolation[];
extern const struct mechanism why_create_cost[];
extern const struct mechanism why_create_memory[];
extern const struct mechanism why_switch_cost[];
extern const struct mechanism why_switch_alloc[];
extern const struct mechanism why_switch_tlb[];
extern const struct mechanism why_ipc_needed[];
extern const struct mechanism why_ipc_faster_threads[];
extern const struct mechanism why_ipc_mechanisms[];
extern const struct mechanism why_sync_race[];
extern const struct mechanism why_sync_cost[];
extern const struct mechanism why_sync_process[];
extern const struct mechanism why_mem_footprint[];
extern const struct mechanism why_par_speedup[];
extern const struct mechanism why_par_comm[];
extern const struct mechanism why_app_server[];

#endif
