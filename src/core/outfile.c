// SPDX-License-Identifier: MIT
/*
 * outfile: the one way ptlab writes a file it is asked for; the rule is
 * in outfile.h. The path is classified from lstat() once for the check
 * before a run and again when the file is written (a path may change
 * during a run of several minutes), and nothing that decides is a string
 * comparison with "/dev/...": the kind of file does.
 *
 * Why a link is followed only when it is the user's or root's: in a
 * world-writable folder such as /tmp anyone can plant out.json as a link to
 * a device or a file of root's; the kernel's fs.protected_symlinks guards
 * against that only where it is on, and a rename never follows a link
 * anyway, so the rule is ptlab's own.
 */
#include "core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/io.h"
#include "util/i18n.h"

#define TMP_RANDOM_BYTES 6 /* twelve hex digits */
#define TMP_NAME_LEN (sizeof(OUTFILE_TMP_PREFIX) - 1 + 2 * TMP_RANDOM_BYTES)
#define TMP_TRIES 32

/*
 * What a path names, looked up once: its folder is held open (dir_fd), and
 * every later step (the temporary file, the rename, the open of a device)
 * is made relative to it, so a folder swapped for a link meanwhile cannot
 * move the file elsewhere.
 */
struct target {
	enum outfile_way way;
	struct stat st;	  /* the file that is there (REPLACE, IN_PLACE) */
	int dir_fd;	  /* its folder, O_PATH; -1 for OUTFILE_STDOUT */
	const char *base; /* its name in the folder */
	bool via_link;	  /* IN_PLACE through a link of the user's or root's */
};

static void target_close(struct target *t)
{
	if (t->dir_fd >= 0)
		close(t->dir_fd);
	t->dir_fd = -1;
}

static bool is_stdout(const struct stat *st)
{
	struct stat out;
	return fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st->st_dev &&
	       out.st_ino == st->st_ino;
}

/* File systems whose files are the kernel's interfaces, not files to replace. */
static bool kernel_fs(int dir_fd)
{
	static const long magic[] = { PROC_SUPER_MAGIC,	   SYSFS_MAGIC,	  CGROUP_SUPER_MAGIC,
				      CGROUP2_SUPER_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,
				      SECURITYFS_MAGIC,	   BPF_FS_MAGIC };
	struct statfs fs;
	if (fstatfs(dir_fd, &fs) != 0)
		return false;
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if ((long)fs.f_type == magic[i])
			return true;
	return false;
}

/* Opens the folder of path (O_PATH) into t->dir_fd and points t->base at the name. */
static int open_folder(const char *path, struct target *t)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (slash && slash[1] == '\0')
		return -EISDIR;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	t->base = slash ? slash + 1 : path;
	t->dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return t->dir_fd >= 0 ? 0 : -errno;
}

/*
 * Whether the link base (in dir_fd) leads straight to what it names: its
 * target is no link itself, unless it is a descriptor of this process
 * (/proc/self/fd/N, as /dev/stdout is), which no one else can plant.
 */
static bool one_hop(int dir_fd, const char *base)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n = readlinkat(dir_fd, base, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	if (strncmp(target, "/proc/self/fd/", 14) == 0)
		return true;
	return fstatat(dir_fd, target, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode);
}

/* How path is to be written (outfile.h), into *t (target_close() it). Returns 0 or -errno. */
static int classify(const char *path, struct target *t, const char **why)
{
	struct stat lst;
	*why = NULL;
	memset(t, 0, sizeof(*t));
	t->dir_fd = -1;
	if (strcmp(path, "-") == 0) {
		t->way = OUTFILE_STDOUT;
		return 0;
	}
	if (!*path)
		return -ENOENT;
	if (strlen(path) + 1 + TMP_NAME_LEN >= PATH_MAX)
		return -ENAMETOOLONG;
	int err = open_folder(path, t);
	if (err)
		return err;
	if (fstatat(t->dir_fd, t->base, &lst, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT)
			return -errno;
		t->way = OUTFILE_CREATE;
	} else if (S_ISLNK(lst.st_mode)) {
		if (lst.st_uid != geteuid() && lst.st_uid != 0) {
			*why = N_("is a symbolic link that belongs to another user: ptlab does not "
				  "follow it");
			return -ELOOP;
		}
		if (!one_hop(t->dir_fd, t->base)) {
			*why = N_(
				"is a symbolic link to another link: ptlab does not follow a chain "
				"of links");
			return -ELOOP;
		}
		if (fstatat(t->dir_fd, t->base, &t->st, 0) != 0) {
			if (errno == ENOENT)
				*why = N_("is a symbolic link to nothing: ptlab makes no file "
					  "through a link");
			return -errno;
		}
		t->via_link = true;
		if (is_stdout(&t->st))
			t->way = OUTFILE_STDOUT;
		else if (S_ISCHR(t->st.st_mode) || S_ISFIFO(t->st.st_mode))
			t->way = OUTFILE_IN_PLACE;
		else if (S_ISDIR(t->st.st_mode))
			return -EISDIR;
		else {
			*why = N_("is a symbolic link: ptlab replaces a file atomically and does "
				  "not follow a link to do it; name the file it points to");
			return -ELOOP;
		}
	} else {
		t->st = lst;
		/* A device or a FIFO is written in place whether it is stdout or not. */
		if (S_ISCHR(lst.st_mode) || S_ISFIFO(lst.st_mode))
			t->way = OUTFILE_IN_PLACE;
		else if (S_ISREG(lst.st_mode))
			t->way = is_stdout(&lst) ? OUTFILE_STDOUT : OUTFILE_REPLACE;
		else if (S_ISDIR(lst.st_mode))
			return -EISDIR;
		else {
			*why = N_("is neither a regular file, a character device nor a FIFO (a "
				  "block device or a socket): ptlab does not write into it");
			return -EINVAL;
		}
	}
	if ((t->way == OUTFILE_CREATE || t->way == OUTFILE_REPLACE) && kernel_fs(t->dir_fd)) {
		*why = N_("is in a file system of the kernel's (/proc, /sys and the like), where "
			  "ptlab writes no file");
		return -EINVAL;
	}
	return 0;
}

/*
 * Makes a new empty file in the folder dir_fd with a random name, never
 * through a link (O_EXCL and O_NOFOLLOW), mode 0600; its name into tmp.
 * Returns the descriptor or -errno.
 */
static int tmp_create(int dir_fd, char *tmp, size_t size)
{
	for (int tries = 0; tries < TMP_TRIES; tries++) {
		char hex[2 * TMP_RANDOM_BYTES + 1];
		int err = io_random_hex(hex, TMP_RANDOM_BYTES);
		if (err)
			return err;
		snprintf(tmp, size, OUTFILE_TMP_PREFIX "%s", hex);
		int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int outfile_check(const char *path, enum outfile_way *way, const char **why)
{
	struct target t;
	char tmp[TMP_NAME_LEN + 1];
	const char *ignored;
	int err = classify(path, &t, why ? why : &ignored);
	if (err)
		goto out;
	*way = t.way;
	switch (t.way) {
	case OUTFILE_STDOUT:
		break;
	case OUTFILE_IN_PLACE:
		if (faccessat(t.dir_fd, t.base, W_OK, 0) != 0)
			err = -errno;
		break;
	case OUTFILE_REPLACE:
	case OUTFILE_CREATE:
		if (t.way == OUTFILE_REPLACE && faccessat(t.dir_fd, t.base, W_OK, 0) != 0) {
			err = -errno;
			break;
		}
		/* The folder must take the temporary file. */
		int fd = tmp_create(t.dir_fd, tmp, sizeof(tmp));
		if (fd < 0) {
			err = fd;
			break;
		}
		close(fd);
		unlinkat(t.dir_fd, tmp, 0);
		break;
	}
out:
	target_close(&t);
	return err;
}

static int write_in_place(const struct target *t, const void *data, size_t len, const char **why)
{
	/* O_NONBLOCK: a FIFO no one reads fails (ENXIO) instead of waiting forever. */
	int flags = O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC | (t->via_link ? 0 : O_NOFOLLOW);
	int err = 0, fd = openat(t->dir_fd, t->base, flags);
	struct stat st;
	if (fd < 0) {
		err = -errno;
		if (err == -ENXIO)
			*why = N_("is a FIFO that no process reads");
		return err;
	}
	/* What was opened must be what was looked at: no swap meanwhile. */
	if (fstat(fd, &st) != 0)
		err = -errno;
	else if (st.st_dev != t->st.st_dev || st.st_ino != t->st.st_ino ||
		 st.st_rdev != t->st.st_rdev) {
		*why = N_("changed while ptlab ran: it is no longer the file it was");
		err = -EEXIST;
	} else {
		flags = fcntl(fd, F_GETFL);
		if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
			err = -errno;
		else
			err = io_write_all(fd, data, len);
	}
	if (close(fd) != 0 && !err && errno != EINTR)
		err = -errno;
	return err;
}

/* The mode a new file gets: 0666 less the umask. */
static mode_t new_file_mode(void)
{
	mode_t mask = umask(022);
	umask(mask);
	return 0666 & ~mask;
}

/* Moves the finished temporary file to its name: over a file, or only where nothing is. */
static int put_in_place(const struct target *t, const char *tmp)
{
	int dir = t->dir_fd;
	if (t->way == OUTFILE_REPLACE)
		return renameat(dir, tmp, dir, t->base) == 0 ? 0 : -errno;
	if (renameat2(dir, tmp, dir, t->base, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* A file system without RENAME_NOREPLACE: link() never replaces either. */
	if (linkat(dir, tmp, dir, t->base, 0) != 0)
		return -errno;
	unlinkat(dir, tmp, 0);
	return 0;
}

/*
 * The temporary file, written, synced, given its mode, then renamed; with
 * SIGINT, SIGTERM and SIGHUP held off meanwhile, so that an interruption
 * leaves neither half a file nor the temporary one.
 */
static int write_atomically(const struct target *t, const void *data, size_t len)
{
	char tmp[TMP_NAME_LEN + 1];
	bool replace = t->way == OUTFILE_REPLACE;
	sigset_t old;
	io_block_stops(&old);
	int err, fd = tmp_create(t->dir_fd, tmp, sizeof(tmp));
	if (fd < 0) {
		err = fd;
		goto out;
	}
	err = io_write_all(fd, data, len);
	if (!err && fsync(fd) != 0)
		err = -errno;
	if (!err && fchmod(fd, replace ? t->st.st_mode & 07777 : new_file_mode()) != 0)
		err = -errno;
	/* Root replacing someone's file gives it back to them; no one else can. */
	if (!err && replace && geteuid() == 0 && fchown(fd, t->st.st_uid, t->st.st_gid) != 0)
		err = -errno;
	if (close(fd) != 0 && !err)
		err = -errno;
	if (!err)
		err = put_in_place(t, tmp);
	if (err)
		unlinkat(t->dir_fd, tmp, 0);
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

int outfile_write(const char *path, const void *data, size_t len, const char **why)
{
	struct target t;
	const char *ignored;
	why = why ? why : &ignored;
	int err = classify(path, &t, why);
	if (!err) {
		switch (t.way) {
		case OUTFILE_STDOUT:
			err = fflush(stdout) == 0 ? io_write_all(STDOUT_FILENO, data, len) : -errno;
			break;
		case OUTFILE_IN_PLACE:
			err = write_in_place(&t, data, len, why);
			break;
		case OUTFILE_CREATE:
		case OUTFILE_REPLACE:
			err = write_atomically(&t, data, len);
			break;
		}
	}
	target_close(&t);
	return err;
}
