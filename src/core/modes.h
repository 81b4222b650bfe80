// SPDX-License-Identifier: MIT
/*
 * modes: whether a sample set has more than one mode, and where they lie.
 *
 * A cross-CPU figure on a virtual machine is often two figures in one: the
 * host places the two vCPUs on one core's siblings, one die or two, and a
 * round trip is 180 ns on one placement and 470 ns on another. The median
 * of such a set is one mode's centre or a value between them that no
 * sample had, so a figure says which modes it holds, with their shares.
 *
 * The method (modes.c) is a kernel density estimate on the logarithm of
 * the samples at Silverman's normal-reference bandwidth, whose local
 * maxima are the candidate modes, then two conservative tests that every
 * mode must pass: it holds at least MODES_MIN_SHARE of the samples, and
 * it stands apart from its neighbour by Ashman's D of at least
 * MODES_MIN_D, and its median differs from its neighbour's by a factor of
 * MODES_MIN_RATIO (the verdicts' equivalence margin: two modes closer than
 * that could not change a verdict, however tight they are). A set that fails either is one mode: ptlab rather misses a
 * weak second mode than splits a skewed figure in two.
 */
#ifndef PTLAB_CORE_MODES_H
#define PTLAB_CORE_MODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODES_MAX 4		 /* at most this many modes are told apart */
#define MODES_MIN_N 30		 /* fewer samples: one mode, untested */
#define MODES_MIN_SHARE 0.10	 /* a mode holds at least this share of the samples */
#define MODES_MIN_D 3.0		 /* Ashman's D between neighbouring modes, at least */
#define MODES_MIN_RATIO 1.10	 /* neighbouring medians differ by this factor, at least */
#define MODES_MAX_SAMPLES 100000 /* a larger set is tested on a sample of this size */
#define MODES_STRETCH_Z (-3.0)	 /* runs test: modes in stretches of time below this z */

/* One mode: the samples v with lo <= v < hi (the last mode's hi is included). */
struct mode {
	double median; /* of the mode's samples */
	double share;  /* of all samples, in (0, 1] */
	double lo, hi; /* split points; the first lo is the minimum, the last hi the maximum */
	size_t n;      /* samples of the set in the mode */
};

struct modes {
	size_t count; /* 1..MODES_MAX; 0 only for an empty or invalid set */
	struct mode m[MODES_MAX];
	/*
	 * With count > 1, the modes in the order of the samples: runs is the
	 * number of stretches of consecutive samples in one mode, runs_z its
	 * z-score against samples in random order (Wald and Wolfowitz's runs
	 * test, for several categories). A strongly negative z says the modes
	 * came one after the other in time: the machine changed state during
	 * the figure, rather than each sample drawing a mode by chance.
	 */
	size_t runs;
	double runs_z;
};

/*
 * The modes of x[0..n), in the order the samples were taken (only the
 * runs test reads the order). Every value must be finite; a value <= 0,
 * fewer than MODES_MIN_N samples or no spread give one mode holding
 * everything. A set larger than MODES_MAX_SAMPLES is tested on a sample of
 * that size drawn with a fixed seed, so the same samples always give the
 * same modes; shares, medians and the runs test then count the whole set.
 * Returns 0, or -EINVAL for n == 0 or a non-finite value (out->count 0).
 */
int modes_find(const double *x, size_t n, struct modes *out);

/* The index of the mode that holds v (v below the first lo: 0; above the last hi: the last). */
size_t modes_index(const struct modes *md, double v);

/* Whether the modes came in stretches of time (count > 1 and runs_z below MODES_STRETCH_Z). */
bool modes_in_stretches(const struct modes *md);

#endif
