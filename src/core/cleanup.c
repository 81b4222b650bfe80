// SPDX-License-Identifier: MIT
/*
 * cleanup: the registry of every named object a run makes, and the two
 * ways its objects go (after each experiment, and `ptlab clean` after a
 * run killed outright). See cleanup.h for the rules.
 *
 * The registry is a text file, one line per fact, appended with one
 * write() each (O_APPEND), so the experiment process and its children can
 * share it:
 *
 *   ptlab-objects 1
 *   owner <pid> <start ticks> <pidns dev> <pidns ino> <uid> <unix time> <token>
 *   path /tmp/ptlab.812.3f9a0c11d2e4.fifo.ab      a name, recorded before it is made
 *   sysv_msg 1803571203                           a key, before msgget()
 *   sysv_msg 1803571203 32768                     ...its id, once made
 *   sysv_msg 1803571203 -                         ...or: the key was taken, never ours
 *
 * A name is recorded before the object exists, so a kill between the two
 * loses nothing; removing a recorded name that was never made is a no-op.
 */
#include "core/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/random.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "core/io.h"
#include "core/procfs.h"
#include "util/xalloc.h"

#define REGISTRY_MAGIC "ptlab-objects 1"
#define TOKEN_BYTES 6 /* twelve hex digits */
#define TOKEN_LEN (2 * TOKEN_BYTES)
#define MQUEUE_MAGIC 0x19800202
#define ID_UNKNOWN (-1) /* a System V key recorded, its id not (yet) */
#define ID_DROPPED (-2) /* the key was someone else's: never ours */

/* Who a registry belongs to: its header. */
struct owner {
	pid_t pid;
	unsigned long long start;	   /* ticks after boot: /proc/PID/stat, field 22 */
	unsigned long long ns_dev, ns_ino; /* its pid namespace */
	unsigned uid;
	long long time_s; /* when the registry was begun */
	char token[TOKEN_LEN + 1];
};

/* This process's registry (inherited by the processes it forks). */
static struct {
	int fd;	       /* -1 until begun */
	int begin_err; /* why the last cleanup_begin() found no file at all */
	struct owner me;
	off_t header_len;
	char dir[PATH_MAX], path[PATH_MAX]; /* path "" when the registry is only in memory */
} reg = { .fd = -1 };

static const char *const kind_names[] = {
	[CLEANUP_SHM] = "shm",		 [CLEANUP_MQUEUE] = "mqueue",
	[CLEANUP_SEM] = "sem",		 [CLEANUP_PATH] = "path",
	[CLEANUP_SYSV_SHM] = "sysv_shm", [CLEANUP_SYSV_MSG] = "sysv_msg",
	[CLEANUP_SYSV_SEM] = "sysv_sem",
};
#define N_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *cleanup_kind_name(enum cleanup_kind kind)
{
	return (size_t)kind < N_KINDS ? kind_names[kind] : "?";
}

int cleanup_kind_from_name(const char *s, enum cleanup_kind *out)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (s && strcmp(s, kind_names[i]) == 0) {
			*out = (enum cleanup_kind)i;
			return 0;
		}
	return -EINVAL;
}

static bool is_sysv(enum cleanup_kind kind)
{
	return kind >= CLEANUP_SYSV_SHM;
}

const char *cleanup_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t == '/' ? t : "/tmp";
}

/* ---- who owns what ---- */

/* The start time of pid, in ticks after boot. Returns 0 or -errno (-ENOENT: no such pid). */
static int start_time(pid_t pid, unsigned long long *start)
{
	uint64_t v;
	int err = procfs_stat_fields(pid, (const int[]){ 22 }, &v, 1);
	if (!err)
		*start = v;
	return err;
}

static void pid_namespace(unsigned long long *dev, unsigned long long *ino)
{
	struct stat st;
	if (stat("/proc/self/ns/pid", &st) == 0) {
		*dev = (unsigned long long)st.st_dev;
		*ino = (unsigned long long)st.st_ino;
	} else {
		*dev = *ino = 0;
	}
}

/* Whether /proc shows this process's pid namespace (its "self" is our pid). */
static bool proc_is_ours(void)
{
	char self[32], want[32];
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	snprintf(want, sizeof(want), "%d", (int)getpid());
	return strcmp(self, want) == 0;
}

int cleanup_state_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;
	if (xdg && *xdg == '/' && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == geteuid())
		n = snprintf(buf, size, "%s/ptlab", xdg);
	else if (geteuid() == 0 && stat("/run", &st) == 0 && S_ISDIR(st.st_mode))
		n = snprintf(buf, size, "/run/ptlab");
	else
		n = snprintf(buf, size, "%s/ptlab-%u", cleanup_tmpdir(), (unsigned)geteuid());
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Whether dir is a real folder of this user's that no one else may write. */
static int dir_is_ours(const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) != 0)
		return -errno;
	return S_ISDIR(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 022) ? 0 : -EPERM;
}

/* ---- this process's registry ---- */

void cleanup_end(void)
{
	if (reg.fd < 0 || getpid() != reg.me.pid)
		return;
	cleanup_release(NULL);
	close(reg.fd);
	reg.fd = -1;
	if (reg.path[0]) {
		unlink(reg.path);
		rmdir(reg.dir); /* when empty: another run may be using it */
	}
}

/* Makes the registry file in the state folder. Returns its descriptor or -errno. */
static int registry_create(void)
{
	int err = cleanup_state_dir(reg.dir, sizeof(reg.dir));
	/* ENOENT once the folder exists: another run's exit removed it meanwhile. */
	for (int tries = 0; !err && tries < 3; tries++) {
		if (mkdir(reg.dir, 0700) != 0 && errno != EEXIST)
			return -errno;
		if ((err = dir_is_ours(reg.dir)))
			return err;
		int n = snprintf(reg.path, sizeof(reg.path), "%s/%d.%s", reg.dir, (int)reg.me.pid,
				 reg.me.token);
		if (n < 0 || (size_t)n >= sizeof(reg.path))
			return -ENAMETOOLONG;
		int fd = open(reg.path,
			      O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		err = errno == ENOENT ? 0 : -errno;
	}
	return err ? err : -ENOENT;
}

int cleanup_begin(const char **where)
{
	static bool at_exit;
	char header[256];
	if (reg.fd >= 0)
		return 0;
	struct owner *me = &reg.me;
	me->pid = getpid();
	me->uid = (unsigned)geteuid();
	me->time_s = (long long)time(NULL);
	if (start_time(me->pid, &me->start) != 0)
		me->start = 0; /* unknown: `clean` will never call this run dead */
	pid_namespace(&me->ns_dev, &me->ns_ino);
	int err = io_random_hex(me->token, TOKEN_BYTES);
	if (err)
		return reg.begin_err = err;
	int n = snprintf(header, sizeof(header),
			 REGISTRY_MAGIC "\nowner %d %llu %llu %llu %u %lld %s\n", (int)me->pid,
			 me->start, me->ns_dev, me->ns_ino, me->uid, me->time_s, me->token);
	int fd = registry_create();
	err = fd < 0 ? fd : 0;
	if (fd < 0) {
		/* Recorded all the same, in memory: the runner still releases everything. */
		reg.path[0] = '\0';
		if (where)
			*where = reg.dir;
		fd = memfd_create("ptlab-objects", MFD_CLOEXEC);
		/* O_APPEND as on disk: after a release's truncation, lines start at 0 again. */
		if (fd < 0 || fcntl(fd, F_SETFL, O_APPEND) != 0) {
			int e = -errno;
			if (fd >= 0)
				close(fd);
			return reg.begin_err = e;
		}
	}
	int werr = io_write_all(fd, header, (size_t)n);
	if (werr) {
		close(fd);
		if (reg.path[0])
			unlink(reg.path);
		return werr;
	}
	reg.fd = fd;
	reg.header_len = n;
	if (!at_exit && atexit(cleanup_end) == 0)
		at_exit = true;
	return err;
}

/* Begins the registry on first use. Returns 0, or -errno when nothing can be recorded. */
static int ensure(void)
{
	if (reg.fd < 0)
		cleanup_begin(NULL);
	return reg.fd >= 0 ? 0 : reg.begin_err ? reg.begin_err : -EBADF;
}

static int record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Appends one line to the registry, in one write. Returns 0 or -errno. */
static int record(const char *fmt, ...)
{
	char line[PATH_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -ENAMETOOLONG;
	if (memchr(line, '\n', (size_t)n - 1))
		return -EINVAL; /* a name with a newline would break the record */
	return io_write_all(reg.fd, line, (size_t)n);
}

int cleanup_name(char *buf, size_t size, enum cleanup_kind kind, const char *tag)
{
	int err = ensure();
	if (err)
		return err;
	int n = snprintf(buf, size, "/" CLEANUP_PREFIX "%d.%s.%s", (int)reg.me.pid, reg.me.token,
			 tag);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return record("%s %s\n", cleanup_kind_name(kind), buf);
}

int cleanup_tmp_path(char *buf, size_t size, const char *tag)
{
	int err = ensure();
	if (err)
		return err;
	int n = snprintf(buf, size, "%s/" CLEANUP_PREFIX "%d.%s.%s", cleanup_tmpdir(),
			 (int)reg.me.pid, reg.me.token, tag);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return record("%s %s\n", cleanup_kind_name(CLEANUP_PATH), buf);
}

static int sysv_get(enum cleanup_kind kind, key_t key, size_t size, int flags)
{
	switch (kind) {
	case CLEANUP_SYSV_SHM:
		return shmget(key, size, flags);
	case CLEANUP_SYSV_MSG:
		return msgget(key, flags);
	default:
		return semget(key, (int)size, flags);
	}
}

int cleanup_sysv_make(enum cleanup_kind kind, size_t size)
{
	int err = ensure();
	if (err)
		return err;
	if (!is_sysv(kind))
		return -EINVAL;
	for (int tries = 0; tries < 16; tries++) {
		key_t key;
		if (getrandom(&key, sizeof(key), 0) != (ssize_t)sizeof(key))
			continue;
		if (key == IPC_PRIVATE || key == (key_t)-1)
			continue;
		const char *k = cleanup_kind_name(kind);
		if ((err = record("%s %d\n", k, (int)key)))
			return err;
		int id = sysv_get(kind, key, size, IPC_CREAT | IPC_EXCL | 0600);
		if (id >= 0) {
			record("%s %d %d\n", k, (int)key, id);
			return id;
		}
		err = -errno;
		record("%s %d -\n", k, (int)key);
		if (err != -EEXIST)
			return err;
	}
	return -EEXIST;
}

/* ---- reading a registry ---- */

struct entry {
	enum cleanup_kind kind;
	char *name; /* names and paths */
	key_t key;  /* System V */
	int id;	    /* its id, ID_UNKNOWN or ID_DROPPED */
};

struct registry {
	struct owner owner;
	struct entry *e;
	size_t n, cap;
};

static void registry_free(struct registry *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->e[i].name);
	free(r->e);
	memset(r, 0, sizeof(*r));
}

/* One record line into r: a new entry, or the id (or the drop) of a key recorded before. */
static void take_line(struct registry *r, char *line)
{
	char *save = NULL, *kind_s = strtok_r(line, " ", &save), *rest = strtok_r(NULL, "", &save);
	enum cleanup_kind kind;
	if (!rest || cleanup_kind_from_name(kind_s, &kind) != 0)
		return;
	if (!is_sysv(kind)) {
		xgrow((void **)&r->e, &r->cap, r->n + 1, sizeof(*r->e));
		r->e[r->n++] = (struct entry){ kind, xstrdup(rest), 0, ID_UNKNOWN };
		return;
	}
	char *end;
	errno = 0;
	long key = strtol(rest, &end, 10);
	if (errno || end == rest || key != (key_t)key || (*end && *end != ' '))
		return;
	if (*end == ' ') {
		const char *id_text = end + 1;
		long id = strtol(id_text, &end, 10);
		if (strcmp(id_text, "-") == 0)
			id = ID_DROPPED;
		else if (end == id_text || *end || id < 0 || id > INT_MAX)
			return;
		for (size_t i = r->n; i-- > 0;)
			if (r->e[i].kind == kind && r->e[i].key == (key_t)key && !r->e[i].name) {
				r->e[i].id = (int)id;
				return;
			}
		return;
	}
	xgrow((void **)&r->e, &r->cap, r->n + 1, sizeof(*r->e));
	r->e[r->n++] = (struct entry){ kind, NULL, (key_t)key, ID_UNKNOWN };
}

/* Parses the text of a registry. Returns 0, or -EINVAL when its header is not ptlab's. */
static int registry_parse(char *text, struct registry *r)
{
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	struct owner *o = &r->owner;
	int pid;
	memset(r, 0, sizeof(*r));
	if (!line || strcmp(line, REGISTRY_MAGIC) != 0)
		return -EINVAL;
	line = strtok_r(NULL, "\n", &save);
	if (!line ||
	    sscanf(line, "owner %d %llu %llu %llu %u %lld %12s", &pid, &o->start, &o->ns_dev,
		   &o->ns_ino, &o->uid, &o->time_s, o->token) != 7 ||
	    pid <= 0 || strlen(o->token) != TOKEN_LEN)
		return -EINVAL;
	o->pid = (pid_t)pid;
	while ((line = strtok_r(NULL, "\n", &save)))
		take_line(r, line);
	return 0;
}

/* Reads the whole registry behind fd (from its start) into r. Returns 0 or -errno. */
static int registry_read(int fd, struct registry *r)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size > (16 << 20))
		return -EINVAL;
	size_t size = (size_t)st.st_size;
	char *text = xmalloc(size + 1);
	ssize_t n = pread(fd, text, size, 0);
	int err = n < 0 ? -errno : 0;
	if (!err) {
		/* A line cut short (a full disk, a kill inside write()) is no record. */
		char *last = memrchr(text, '\n', (size_t)n);
		text[last ? last + 1 - text : 0] = '\0';
		err = registry_parse(text, r);
	}
	free(text);
	return err;
}

/* ---- removing what a registry lists ---- */

/* Whether name (a path's last part, or a POSIX name after its '/') bears o's token. */
static bool bears_token(const struct owner *o, const char *name)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), CLEANUP_PREFIX "%d.%s.", (int)o->pid, o->token);
	return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Whether path is there and a file of o's: no folder, o's uid. 1: yes; 0: gone or not o's; -errno. */
static int file_of(const struct owner *o, const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	return !S_ISDIR(st.st_mode) && st.st_uid == o->uid;
}

static bool mqueue_listed(void)
{
	struct statfs fs;
	return statfs("/dev/mqueue", &fs) == 0 && fs.f_type == MQUEUE_MAGIC;
}

/* A POSIX or path entry: 1 removed (or would be), 0 not there, -errno. */
static int remove_named(const struct owner *o, const struct entry *e, bool dry)
{
	char fs_path[PATH_MAX];
	const char *base = e->kind == CLEANUP_PATH ? strrchr(e->name, '/') : e->name;
	if (!base || !bears_token(o, base + 1))
		return 0; /* not a name of this run's: never touched */
	int r;
	switch (e->kind) {
	case CLEANUP_SHM:
	case CLEANUP_SEM:
		snprintf(fs_path, sizeof(fs_path), "/dev/shm/%s%s",
			 e->kind == CLEANUP_SEM ? "sem." : "", e->name + 1);
		r = file_of(o, fs_path);
		if (r <= 0 || dry)
			return r;
		r = e->kind == CLEANUP_SHM ? shm_unlink(e->name) : sem_unlink(e->name);
		break;
	case CLEANUP_MQUEUE:
		if (mqueue_listed()) {
			snprintf(fs_path, sizeof(fs_path), "/dev/mqueue%s", e->name);
			r = file_of(o, fs_path);
			if (r <= 0 || dry)
				return r;
		} else if (dry) {
			mqd_t q = mq_open(e->name, O_RDONLY);
			if (q == (mqd_t)-1)
				return errno == ENOENT || errno == EACCES ? 0 : -errno;
			mq_close(q);
			return 1;
		}
		r = mq_unlink(e->name);
		break;
	default:
		r = file_of(o, e->name);
		if (r <= 0 || dry)
			return r;
		r = unlink(e->name);
		break;
	}
	if (r == 0)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

union semun_arg {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* The key, creator and change time of a System V object. Returns 0 or -errno. */
static int sysv_stat(enum cleanup_kind kind, int id, key_t *key, uid_t *cuid, time_t *ctime_s)
{
	int r;
	if (kind == CLEANUP_SYSV_SHM) {
		struct shmid_ds ds;
		r = shmctl(id, IPC_STAT, &ds);
		*key = ds.shm_perm.__key, *cuid = ds.shm_perm.cuid, *ctime_s = ds.shm_ctime;
	} else if (kind == CLEANUP_SYSV_MSG) {
		struct msqid_ds ds;
		r = msgctl(id, IPC_STAT, &ds);
		*key = ds.msg_perm.__key, *cuid = ds.msg_perm.cuid, *ctime_s = ds.msg_ctime;
	} else {
		struct semid_ds ds;
		r = semctl(id, 0, IPC_STAT, (union semun_arg){ .buf = &ds });
		*key = ds.sem_perm.__key, *cuid = ds.sem_perm.cuid, *ctime_s = ds.sem_ctime;
	}
	return r < 0 ? -errno : 0;
}

static int sysv_rm(enum cleanup_kind kind, int id)
{
	int r = kind == CLEANUP_SYSV_SHM   ? shmctl(id, IPC_RMID, NULL)
		: kind == CLEANUP_SYSV_MSG ? msgctl(id, IPC_RMID, NULL)
					   : semctl(id, 0, IPC_RMID);
	return r < 0 ? -errno : 0;
}

/*
 * A System V entry: 1 removed (or would be), 0 not there or not o's, -errno.
 * With its id: the object of that id, if it still has the recorded key and
 * o's uid made it. Without (a kill between the two records): the object of
 * the key, if o's uid made it after the registry began.
 */
static int remove_sysv(const struct owner *o, const struct entry *e, bool dry)
{
	key_t key;
	uid_t cuid;
	time_t made;
	int id = e->id;
	if (id == ID_DROPPED)
		return 0;
	/* EACCES: an object this user may not even look at is not the run's. */
	if (id == ID_UNKNOWN && (id = sysv_get(e->kind, e->key, 0, 0)) < 0)
		return errno == ENOENT || errno == EACCES ? 0 : -errno;
	int err = sysv_stat(e->kind, id, &key, &cuid, &made);
	if (err)
		return err == -EINVAL || err == -EIDRM || err == -EACCES ? 0 : err;
	if (key != e->key || cuid != (uid_t)o->uid ||
	    (e->id == ID_UNKNOWN && (long long)made < o->time_s))
		return 0;
	if (dry)
		return 1;
	err = sysv_rm(e->kind, id);
	return err == 0 ? 1 : err == -EINVAL || err == -EIDRM ? 0 : err;
}

static void count(struct cleanup_counts *c, enum cleanup_kind kind)
{
	if (kind == CLEANUP_SHM || kind == CLEANUP_SEM)
		c->shm++;
	else if (kind == CLEANUP_MQUEUE)
		c->mqueue++;
	else if (kind == CLEANUP_PATH)
		c->tmp++;
	else
		c->sysv++;
}

/*
 * Removes (or, dry, finds) every object of r that is there and o's, telling
 * each. Returns the number found, or the first -errno met.
 */
static int remove_all(const struct registry *r, bool dry,
		      void (*each)(const struct cleanup_item *it, void *arg), void *arg,
		      struct cleanup_counts *c)
{
	int found = 0, first = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct entry *e = &r->e[i];
		char key_text[24];
		int res = is_sysv(e->kind) ? remove_sysv(&r->owner, e, dry)
					   : remove_named(&r->owner, e, dry);
		if (res == 0)
			continue;
		if (res > 0) {
			found++;
			count(c, e->kind);
		} else if (!first) {
			first = res;
		}
		snprintf(key_text, sizeof(key_text), "%d", (int)e->key);
		struct cleanup_item it = { res > 0 ? CLEANUP_REMOVED : CLEANUP_NOT_REMOVED,
					   r->owner.pid, e->kind, e->name ? e->name : key_text,
					   res < 0 ? res : 0 };
		if (each)
			each(&it, arg);
	}
	return first ? first : found;
}

int cleanup_release(struct cleanup_counts *counts)
{
	struct cleanup_counts c = { 0 };
	struct registry r;
	int err = 0;
	if (reg.fd >= 0) {
		err = registry_read(reg.fd, &r);
		if (!err) {
			r.owner = reg.me;
			int res = remove_all(&r, false, NULL, NULL, &c);
			err = res < 0 ? res : 0;
			registry_free(&r);
			/* Unread records are kept: what could not be read may still be there. */
			if (ftruncate(reg.fd, reg.header_len) != 0 && !err)
				err = -errno;
		}
	}
	if (counts)
		*counts = c;
	return err;
}

/* ---- ptlab clean ---- */

/* Whether name is a registry's: "<pid>.<twelve hex digits>". */
static bool registry_name(const char *name)
{
	char *end;
	long pid = strtol(name, &end, 10);
	if (pid <= 0 || *end != '.' || strlen(end + 1) != TOKEN_LEN)
		return false;
	return strspn(end + 1, "0123456789abcdef") == TOKEN_LEN;
}

/* Whether the run of o has ended: its pid is gone or is another process now. */
static bool owner_dead(const struct owner *o)
{
	unsigned long long start;
	int err = start_time(o->pid, &start);
	return err == -ENOENT || (err == 0 && start != o->start);
}

/* Looks at one registry of the state folder, and removes it when its run is over. */
static int sweep_one(int dir_fd, const char *file, bool dry, bool proc_ours,
		     void (*each)(const struct cleanup_item *it, void *arg), void *arg,
		     struct cleanup_counts *c)
{
	unsigned long long ns_dev, ns_ino;
	struct cleanup_item it = { .name = file };
	struct registry r;
	struct stat st;
	int fd = openat(dir_fd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	int err = fstat(fd, &st) != 0 ? -errno : st.st_uid != geteuid() ? -EPERM : 0;
	if (!err)
		err = registry_read(fd, &r);
	close(fd);
	/*
	 * An empty registry is one whose run was killed between making it and
	 * writing its first line: it lists nothing, so it goes once its pid has.
	 */
	if (err == -EINVAL && st.st_size == 0 &&
	    start_time(atoi(file), &(unsigned long long){ 0 }) == -ENOENT) {
		it.finding = CLEANUP_RUN_ENDED;
		it.owner = atoi(file);
		if (each)
			each(&it, arg);
		if (!dry && unlinkat(dir_fd, file, 0) != 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	if (err) {
		it.finding = CLEANUP_RUN_UNPROVEN;
		it.err = err;
		if (each)
			each(&it, arg);
		return 0;
	}
	it.owner = r.owner.pid;
	pid_namespace(&ns_dev, &ns_ino);
	if (r.owner.ns_dev != ns_dev || r.owner.ns_ino != ns_ino)
		it.finding = CLEANUP_RUN_FOREIGN;
	else if (!proc_ours)
		it.finding = CLEANUP_RUN_UNPROVEN, it.err = -ESRCH;
	else if (r.owner.start == 0) /* its start time was never known */
		it.finding = CLEANUP_RUN_UNPROVEN, it.err = -ENODATA;
	else if ((r.owner.pid == reg.me.pid && reg.fd >= 0) || !owner_dead(&r.owner))
		it.finding = CLEANUP_RUN_LIVE;
	else
		it.finding = CLEANUP_RUN_ENDED;
	if (each)
		each(&it, arg);
	int res = it.finding == CLEANUP_RUN_ENDED ? remove_all(&r, dry, each, arg, c) : 0;
	registry_free(&r);
	if (it.finding != CLEANUP_RUN_ENDED || res < 0)
		return res;
	if (!dry && unlinkat(dir_fd, file, 0) != 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int cleanup_sweep(bool dry_run, void (*each)(const struct cleanup_item *it, void *arg), void *arg,
		  struct cleanup_counts *counts)
{
	struct cleanup_counts c = { 0 };
	char dir[PATH_MAX];
	int first = cleanup_state_dir(dir, sizeof(dir));
	DIR *d = NULL;
	if (!first && !(d = opendir(dir)))
		first = errno == ENOENT ? 0 : -errno;
	if (d && dir_is_ours(dir) != 0)
		first = -ENOTDIR; /* not a folder of this user's alone: nothing in it is trusted */
	else if (d) {
		bool proc_ours = proc_is_ours();
		struct dirent *de;
		while ((de = readdir(d))) {
			if (!registry_name(de->d_name))
				continue;
			int err =
				sweep_one(dirfd(d), de->d_name, dry_run, proc_ours, each, arg, &c);
			first = first ? first : err;
		}
	}
	if (d)
		closedir(d);
	if (counts)
		*counts = c;
	return first;
}
