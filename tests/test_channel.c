// SPDX-License-Identifier: MIT
/*
 * Every channel, between two threads and between two processes, with the
 * same code: messages arrive whole and in order at every size, including
 * sizes that force partial I/O (the test build moves 7 bytes per call) and
 * sizes larger than a mechanism takes in one piece; a size a mechanism
 * cannot carry is refused with a reason; nothing named is left behind.
 * PTLAB_CHANNEL=name runs one mechanism only.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#include "core/channel.h"
#include "core/cleanup.h"
#include "core/shm.h"
#include "core/unit.h"
#include "suites.h"

#define ROUNDS 6

static const size_t sizes[] = { 1, 4, 7, 64, 1000, 4096, 65536 + 13, 140000 };
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))
#define MAX_MSG 140000

/* What both sides share: the channel and the size of this run. */
struct shared {
	struct chan c;
	size_t len;
	int b_result; /* 0, or the first failure of side B */
};

/* Byte i of message k in direction dir: order and content are both checked. */
static unsigned char pattern(size_t k, size_t i, int dir)
{
	return (unsigned char)(k * 31 + i * 7 + (size_t)dir * 101 + (i >> 8));
}

static void fill(unsigned char *buf, size_t len, size_t k, int dir)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(k, i, dir);
}

static int check(const unsigned char *buf, size_t len, size_t k, int dir)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern(k, i, dir))
			return -EBADMSG;
	return 0;
}

/* Checks pieces handed over in place against message k, in order. */
struct piece_check {
	size_t k, off;
	bool bad;
};

static void check_piece(void *arg, const void *piece, size_t n)
{
	struct piece_check *pc = arg;
	const unsigned char *p = piece;
	for (size_t i = 0; i < n; i++)
		pc->bad = pc->bad || p[i] != pattern(pc->k, pc->off + i, 0);
	pc->off += n;
}

/* Side B: receives each message, checks it, answers with one of its own. */
static int side_b(void *arg)
{
	struct shared *sh = arg;
	unsigned char *buf = malloc(sh->len);
	int err = buf ? channel_attach(&sh->c, CHAN_B) : -ENOMEM;
	for (size_t k = 0; !err && k < ROUNDS; k++) {
		/* Every other message is taken in place, piece by piece. */
		if (k % 2) {
			struct piece_check pc = { .k = k };
			err = channel_consume(&sh->c, CHAN_B, sh->len, check_piece, &pc, buf);
			if (!err)
				err = pc.bad ? -EBADMSG : pc.off == sh->len ? 0 : -EPROTO;
		} else {
			err = channel_recv(&sh->c, CHAN_B, buf, sh->len);
			if (!err)
				err = check(buf, sh->len, k, 0);
		}
		if (!err) {
			fill(buf, sh->len, k, 1);
			err = channel_send(&sh->c, CHAN_B, buf, sh->len);
		}
	}
	free(buf);
	sh->b_result = err;
	return err ? 1 : 0;
}

/* Names in a folder that carry this process's ptlab prefix. */
static int own_names(const char *dir)
{
	char prefix[64];
	int n = 0;
	snprintf(prefix, sizeof(prefix), CLEANUP_PREFIX "%d.", (int)getpid());
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 ||
		    (strncmp(de->d_name, "sem.", 4) == 0 &&
		     strncmp(de->d_name + 4, prefix, strlen(prefix)) == 0))
			n++;
	closedir(d);
	return n;
}

static void exchange(const struct channel_ops *ops, enum unit_type kind, size_t len)
{
	struct shm_arena arena;
	size_t region = channel_region_size(ops, MAX_MSG);
	ck_assert_int_eq(shm_arena_create(&arena, sizeof(struct shared) + region + 4096), 0);
	struct shared *sh = shm_arena_alloc(&arena, sizeof(*sh), 64);
	ck_assert_ptr_nonnull(sh);
	channel_init(&sh->c, ops, MAX_MSG, kind == UNIT_PROCESS);
	if (sh->c.region_bytes) {
		sh->c.region = shm_arena_alloc(&arena, sh->c.region_bytes, 4096);
		ck_assert_ptr_nonnull(sh->c.region);
	}
	sh->len = len;
	int err = channel_open(&sh->c);
	ck_assert_msg(err == 0, "%s: open: %s", ops->name, strerror(-err));

	struct unit b;
	ck_assert_int_eq(unit_start(&b, kind, side_b, sh, -1), 0);
	unsigned char *buf = malloc(len);
	ck_assert_ptr_nonnull(buf);
	err = channel_attach(&sh->c, CHAN_A);
	for (size_t k = 0; !err && k < ROUNDS; k++) {
		fill(buf, len, k, 0);
		err = channel_send(&sh->c, CHAN_A, buf, len);
		if (!err)
			err = channel_recv(&sh->c, CHAN_A, buf, len);
		if (!err)
			err = check(buf, len, k, 1);
	}
	free(buf);
	struct unit_end end;
	if (err) {
		/* B may wait for a message that will never come. */
		if (kind == UNIT_PROCESS)
			kill(b.pid, SIGKILL);
		ck_abort_msg("%s %s %zu bytes: side A: %s", ops->name, unit_type_name(kind), len,
			     strerror(-err));
	}
	ck_assert_int_eq(unit_wait(&b, &end), 0);
	ck_assert_msg(!end.signalled && end.code == 0 && sh->b_result == 0,
		      "%s %s %zu bytes: side B: %s (signal %d)", ops->name, unit_type_name(kind),
		      len, strerror(-sh->b_result), end.signal);
	channel_close(&sh->c);
	shm_arena_destroy(&arena);
}

START_TEST(test_every_channel)
{
	const char *only = getenv("PTLAB_CHANNEL");
	size_t tried = 0;
	for (size_t i = 0; channels[i]; i++) {
		const struct channel_ops *ops = channels[i];
		if (only && *only && strcmp(only, ops->name) != 0)
			continue;
		ck_assert_ptr_nonnull(ops->open);
		ck_assert_ptr_nonnull(ops->send);
		ck_assert_ptr_nonnull(ops->recv);
		ck_assert_ptr_nonnull(ops->close);
		ck_assert_ptr_eq(channel_find(ops->name), ops);
		for (int kind = UNIT_PROCESS; kind <= UNIT_THREAD; kind++)
			for (size_t s = 0; s < N_SIZES; s++) {
				if (!channel_supports(ops, sizes[s]))
					continue;
				exchange(ops, (enum unit_type)kind, sizes[s]);
				tried++;
			}
	}
	ck_assert_uint_gt(tried, 0);
	/* Nothing named is left behind: files, shared memory, System V queues. */
	ck_assert_int_eq(own_names("/dev/shm"), 0);
	ck_assert_int_eq(own_names(cleanup_tmpdir()), 0);
	/* Everything recorded is gone already: the release finds nothing to remove. */
	struct cleanup_counts c;
	ck_assert_int_eq(cleanup_release(&c), 0);
	ck_assert_msg(c.shm + c.mqueue + c.tmp + c.sysv == 0,
		      "left behind: %u shm, %u mqueue, %u files, %u System V", c.shm, c.mqueue,
		      c.tmp, c.sysv);
}
END_TEST

START_TEST(test_table)
{
	size_t n = 0;
	for (; channels[n]; n++)
		for (size_t k = 0; k < n; k++)
			ck_assert_str_ne(channels[k]->name, channels[n]->name);
	ck_assert_uint_eq(n, 13);
	ck_assert_ptr_null(channel_find("carrier_pigeon"));
	/* A signal carries one integer: larger messages are refused (ipc says why). */
	ck_assert(!channel_supports(channel_find("signal"), 64));
	ck_assert(channel_supports(channel_find("signal"), sizeof(int)));
	ck_assert(channel_supports(channel_find("pipe"), 1 << 20));
}
END_TEST

Suite *channel_suite(void)
{
	Suite *s = suite_create("channel");
	TCase *tc = tcase_create("all");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_every_channel);
	suite_add_tcase(s, tc);
	return s;
}
