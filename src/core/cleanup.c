// SPDX-License-Identifier: MIT
/*
 * cleanup: naming of every object ptlab creates, and the sweep that removes
 * them. See cleanup.h. The sweep decides by name alone, so it also works
 * after a crash that lost all bookkeeping; it never touches an object whose
 * owner is still alive unless asked for that owner by pid.
 */
#include "core/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <mqueue.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <unistd.h>

/* key = magic nibble | owner pid (22 bits) | index (6 bits). */
#define SYSV_MAGIC 0x4u
#define SYSV_PID_BITS 22
#define SYSV_IDX_BITS 6

static pid_t owner_pid;

void cleanup_set_owner(pid_t owner)
{
	owner_pid = owner;
}

pid_t cleanup_owner(void)
{
	return owner_pid ? owner_pid : getpid();
}

int cleanup_name(char *buf, size_t size, const char *tag)
{
	int n = snprintf(buf, size, CLEANUP_PREFIX "%d.%s", (int)cleanup_owner(), tag);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

const char *cleanup_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t == '/' ? t : "/tmp";
}

int cleanup_tmp_path(char *buf, size_t size, const char *tag)
{
	int n = snprintf(buf, size, "%s/" CLEANUP_PREFIX "%d.%s", cleanup_tmpdir(),
			 (int)cleanup_owner(), tag);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

key_t cleanup_sysv_key(unsigned idx)
{
	unsigned pid = (unsigned)cleanup_owner() & ((1u << SYSV_PID_BITS) - 1);
	return (key_t)((SYSV_MAGIC << 28) | (pid << SYSV_IDX_BITS) | (idx & 63u));
}

static bool pid_gone(pid_t pid)
{
	return kill(pid, 0) != 0 && errno == ESRCH;
}

/* Whether an object of this owner should go: its pid, or any dead one. */
static bool wanted(pid_t obj_owner, pid_t owner)
{
	if (obj_owner <= 0)
		return false;
	return owner ? obj_owner == owner : pid_gone(obj_owner);
}

/* Parses "ptlab.<pid>." at the start of name (after an optional "sem."). */
static pid_t owner_of_name(const char *name)
{
	if (strncmp(name, "sem.", 4) == 0)
		name += 4;
	if (strncmp(name, CLEANUP_PREFIX, strlen(CLEANUP_PREFIX)) != 0)
		return -1;
	char *end;
	long pid = strtol(name + strlen(CLEANUP_PREFIX), &end, 10);
	if (end == name + strlen(CLEANUP_PREFIX) || *end != '.' || pid <= 0)
		return -1;
	return (pid_t)pid;
}

static int sweep_dir(const char *dir, pid_t owner, unsigned *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	int first = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!wanted(owner_of_name(de->d_name), owner))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 ||
		    (errno == EISDIR && unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) == 0))
			(*count)++;
		else if (!first && errno != ENOENT)
			first = -errno;
	}
	closedir(d);
	return first;
}

/* One table of /proc/sysvipc and how to remove its entries. The owner is read from the key. */
struct sysv_table {
	const char *path;
	int (*remove)(int id);
};

static int rm_shm(int id)
{
	return shmctl(id, IPC_RMID, NULL);
}

static int rm_msg(int id)
{
	return msgctl(id, IPC_RMID, NULL);
}

static int rm_sem(int id)
{
	return semctl(id, 0, IPC_RMID);
}

static const struct sysv_table sysv_tables[] = {
	{ "/proc/sysvipc/shm", rm_shm },
	{ "/proc/sysvipc/msg", rm_msg },
	{ "/proc/sysvipc/sem", rm_sem },
};

static int sweep_sysv(const struct sysv_table *t, pid_t owner, unsigned *count)
{
	FILE *f = fopen(t->path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	char line[512];
	int first = 0;
	if (!fgets(line, sizeof(line), f)) { /* header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		long long key;
		int id;
		if (sscanf(line, "%lld %d", &key, &id) != 2)
			continue;
		unsigned k = (unsigned)key;
		if ((k >> 28) != SYSV_MAGIC)
			continue;
		pid_t obj_owner = (pid_t)((k >> SYSV_IDX_BITS) & ((1u << SYSV_PID_BITS) - 1));
		if (!wanted(obj_owner, owner))
			continue;
		if (t->remove(id) == 0)
			(*count)++;
		else if (!first && errno != EINVAL && errno != EIDRM)
			first = -errno;
	}
	fclose(f);
	return first;
}

int cleanup_sweep(pid_t owner, struct cleanup_counts *counts)
{
	struct cleanup_counts c = { 0 };
	int err, first = 0;

	err = sweep_dir("/dev/shm", owner, &c.shm);
	first = first ? first : err;
	err = sweep_dir("/dev/mqueue", owner, &c.mqueue);
	first = first ? first : err;
	err = sweep_dir(cleanup_tmpdir(), owner, &c.tmp);
	first = first ? first : err;
	for (size_t i = 0; i < sizeof(sysv_tables) / sizeof(sysv_tables[0]); i++) {
		err = sweep_sysv(&sysv_tables[i], owner, &c.sysv);
		first = first ? first : err;
	}
	if (counts)
		*counts = c;
	return first;
}

static const char *const kind_names[] = {
	[CLEANUP_SHM] = "shm",		 [CLEANUP_MQUEUE] = "mqueue",
	[CLEANUP_SEM] = "sem",		 [CLEANUP_PATH] = "path",
	[CLEANUP_SYSV_SHM] = "sysv_shm", [CLEANUP_SYSV_MSG] = "sysv_msg",
	[CLEANUP_SYSV_SEM] = "sysv_sem",
};

const char *cleanup_kind_name(enum cleanup_kind kind)
{
	return (size_t)kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "?";
}

int cleanup_kind_from_name(const char *s, enum cleanup_kind *out)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (s && strcmp(s, kind_names[i]) == 0) {
			*out = (enum cleanup_kind)i;
			return 0;
		}
	return -EINVAL;
}

/* The id of the System V object of key in a table, or -errno. */
static int sysv_id(enum cleanup_kind kind, key_t key)
{
	int id;
	switch (kind) {
	case CLEANUP_SYSV_SHM:
		id = shmget(key, 0, 0);
		break;
	case CLEANUP_SYSV_MSG:
		id = msgget(key, 0);
		break;
	default:
		id = semget(key, 0, 0);
		break;
	}
	return id < 0 ? -errno : id;
}

int cleanup_remove(enum cleanup_kind kind, const char *name)
{
	int r;
	switch (kind) {
	case CLEANUP_SHM:
		r = shm_unlink(name);
		break;
	case CLEANUP_MQUEUE:
		r = mq_unlink(name);
		break;
	case CLEANUP_SEM:
		r = sem_unlink(name);
		break;
	case CLEANUP_PATH:
		r = unlink(name);
		break;
	default: {
		char *end;
		long key = strtol(name, &end, 10);
		if (end == name || *end)
			return -EINVAL;
		int id = sysv_id(kind, (key_t)key);
		if (id < 0)
			return id;
		r = kind == CLEANUP_SYSV_SHM   ? rm_shm(id)
		    : kind == CLEANUP_SYSV_MSG ? rm_msg(id)
					       : rm_sem(id);
		break;
	}
	}
	return r == 0 ? 0 : -errno;
}
