// SPDX-License-Identifier: MIT
/*
 * runner: one experiment, one process, one deadline. See runner.h.
 *
 * The records arrive as JSON lines (runner/experiment.c). The runner never
 * trusts the experiment to finish: it polls the pipe with the time left to
 * the deadline, and whatever way the process ends, it kills what is left of
 * the group, reaps it, and removes every named object recorded in the
 * registry the experiment shares with it (core/cleanup.h).
 */
#include "runner/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/clock.h"
#include "core/io.h"
#include "core/limit.h"
#include "core/unit.h"
#include "core/units.h"
#include "model/json.h"
#include "util/i18n.h"
#include "util/xalloc.h"

static volatile sig_atomic_t interrupt_signal;
/* SIGHUP was ignored when ptlab started (nohup): it stays ignored. */
static bool hangup_ignored;

static void on_interrupt(int sig)
{
	interrupt_signal = sig;
}

void runner_setup(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt; /* no SA_RESTART: poll() must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct sigaction hup;
	hangup_ignored = sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler == SIG_IGN;
	if (!hangup_ignored)
		sigaction(SIGHUP, &sa, NULL); /* the terminal went away: stop as for SIGTERM */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

void runner_teardown(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (!hangup_ignored)
		signal(SIGHUP, SIG_DFL);
}

bool runner_interrupted(void)
{
	return interrupt_signal != 0;
}

int runner_interrupt_signal(void)
{
	return interrupt_signal;
}

/* Child side: become the experiment process, run, leave by _exit(). */
static void __attribute__((noreturn))
experiment_main(const struct runner_opts *opts, const struct experiment *exp, const void *params,
		int fd, pid_t parent)
{
	setpgid(0, 0);
	unit_child_setup(parent);
	if (opts->n_cpus)
		unit_pin_self_to(opts->cpus, opts->n_cpus);
	char title[16];
	snprintf(title, sizeof(title), "ptlab-%s", exp->name);
	prctl(PR_SET_NAME, title); /* `ps` shows what runs */

	const struct ev_form *forms[4];
	exp_forms(exp, forms);
	struct exp_ctx ctx = {
		.forms = forms,
		.figures = exp->figures,
		.out_fd = fd,
		.preset = opts->preset,
		.seed = opts->seed,
		.cpus = opts->cpus,
		.n_cpus = opts->n_cpus,
		.self_exe = opts->self_exe,
		.clock = opts->clock,
	};
	int r = exp->run(&ctx, params);
	close(fd);
	_exit(r == 0 ? EXP_EXIT_OK : r == -ENOTSUP ? EXP_EXIT_SKIPPED : EXP_EXIT_FAILED);
}

/* What the runner gathers from an experiment's records besides the result. */
struct intake {
	struct exp_result *out;
	struct progress *progress;
	struct ev_msg end_reason; /* from exp_unsupported() / exp_fail() */
	char *end_outcome;
	char *buf; /* bytes read, up to an incomplete last line */
	size_t len, cap;
};

static const char *field(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Applies one record line. Malformed lines are ignored: the experiment is ours. */
static void take_record(const char *line, struct intake *in)
{
	json_error_t jerr;
	json_t *o = json_loads(line, 0, &jerr);
	const char *t = o ? field(o, "t") : NULL;
	if (!t) {
		json_decref(o);
		return;
	}
	if (strcmp(t, "metric") == 0) {
		struct metric m;
		char err[256];
		memset(&m, 0, sizeof(m));
		if (metric_from_json(json_object_get(o, "m"), &m, err, sizeof(err)) == 0)
			exp_result_merge_metric(in->out, &m); /* rounds of one figure */
		metric_free(&m);
	} else if (strcmp(t, "progress") == 0) {
		if (in->progress)
			progress_note(in->progress, field(o, "text"));
	} else {
		struct ev_msg m = { 0 };
		char err[256];
		if (msg_from_json(json_object_get(o, "m"), &m, err, sizeof(err)) == 0) {
			if (strcmp(t, "obs") == 0 && field(o, "name")) {
				exp_result_add_obs(in->out, field(o, "name"), &m);
			} else if (strcmp(t, "skip") == 0 && field(o, "what")) {
				exp_result_add_skip(in->out, field(o, "what"), &m);
			} else if (strcmp(t, "end") == 0 && field(o, "outcome")) {
				ev_msg_free(&in->end_reason);
				free(in->end_outcome);
				in->end_reason = m;
				m = (struct ev_msg){ 0 };
				in->end_outcome = xstrdup(field(o, "outcome"));
			}
		}
		ev_msg_free(&m);
	}
	json_decref(o);
}

/* Reads what is available into buf. Returns the count read, 0 at end of file, or -errno. */
static ssize_t drain(int fd, struct intake *in)
{
	xgrow((void **)&in->buf, &in->cap, in->len + 65536, 1);
	ssize_t n = read(fd, in->buf + in->len, in->cap - in->len - 1);
	if (n < 0)
		return -errno;
	in->len += (size_t)n;
	return n;
}

/* Takes every complete line out of the buffer. */
static void take_lines(struct intake *in)
{
	size_t start = 0;
	for (size_t i = 0; i < in->len; i++) {
		if (in->buf[i] != '\n')
			continue;
		in->buf[i] = '\0';
		take_record(in->buf + start, in);
		start = i + 1;
	}
	memmove(in->buf, in->buf + start, in->len - start);
	in->len -= start;
}

/*
 * Takes the records still in the pipe once every writer is dead. The wait
 * loop stops at once on a deadline or an interruption, so records written
 * just before (a metric, then the hang) may not have been read yet; they
 * are kept like any other. Non-blocking, in case something outside the
 * group still holds the write end.
 */
static void take_rest(int fd, struct intake *in)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
		return;
	for (;;) {
		ssize_t n = drain(fd, in);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			break;
		take_lines(in);
	}
}

/*
 * SIGKILLs every child of this process, found in /proc/self/task/<tid>/children.
 * As a child subreaper, the runner inherits every orphan of the experiment,
 * including one that left its process group (setsid, setpgid) and so
 * escaped kill(-pgid). Returns false when the children lists cannot be read
 * (a kernel without CONFIG_PROC_CHILDREN).
 */
static bool kill_children(void)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return false;
	bool readable = false;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[sizeof("/proc/self/task//children") + sizeof(de->d_name)];
		snprintf(path, sizeof(path), "/proc/self/task/%s/children", de->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		readable = true;
		long child;
		while (fscanf(f, "%ld", &child) == 1)
			if (child > 0)
				kill((pid_t)child, SIGKILL);
		fclose(f);
	}
	closedir(d);
	return readable;
}

/*
 * Kills what is left of the group and reaps every child of ours. The
 * runner has no children of its own besides the experiment, so whatever
 * is still alive once the group is dead escaped it: it is killed too,
 * rather than waited for beyond the deadline.
 */
static int reap_all(pid_t pid, int *status_of_pid)
{
	int found = 0, status, flags = WNOHANG;
	kill(-pid, SIGKILL);
	for (;;) {
		pid_t r = waitpid(-1, &status, flags);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nobody left */
		}
		if (r == 0) {
			/* Alive outside the group, or not dead yet: kill by pid, look again soon. */
			if (!kill_children())
				flags = 0; /* cannot find them: wait as before */
			usleep(1000);
			continue;
		}
		if (r == pid) {
			*status_of_pid = status;
			found = 1;
		}
	}
	return found;
}

static void decode_end(struct exp_result *out, int status, bool timed_out, bool interrupted,
		       const char *end_outcome, const struct ev_msg *end_reason,
		       uint64_t deadline_ns)
{
	struct unit_end end;
	unit_decode_status(status, &end);
	out->exit_code = end.code;
	out->signal = 0;
	if (timed_out) {
		out->outcome = OUTCOME_TIMED_OUT;
		exp_result_set_reason(out,
				      &EV_MSG_OF("runner.deadline", ev_num(deadline_ns, "ns")));
	} else if (interrupted) {
		out->outcome = OUTCOME_INTERRUPTED;
		exp_result_set_reason(
			out, &EV_MSG_OF("runner.stopped", ev_signal(runner_interrupt_signal())));
	} else if (end.signalled) {
		out->outcome = OUTCOME_CRASHED;
		out->signal = end.signal;
		exp_result_set_reason(out, &EV_MSG_OF("runner.killed", ev_signal(out->signal)));
	} else if (out->exit_code == EXP_EXIT_OK) {
		out->outcome = OUTCOME_OK;
	} else if (out->exit_code == EXP_EXIT_SKIPPED && end_outcome &&
		   !strcmp(end_outcome, "skipped")) {
		out->outcome = OUTCOME_SKIPPED;
		exp_result_set_reason(out, end_reason);
	} else {
		out->outcome = OUTCOME_FAILED;
		if (end_outcome)
			exp_result_set_reason(out, end_reason);
		else
			exp_result_set_reason(out,
					      &EV_MSG_OF("runner.exit", ev_count(out->exit_code)));
	}
}

static void record_params(const struct experiment *exp, const void *params, struct exp_result *out)
{
	for (size_t i = 0; i < exp->n_params; i++) {
		const struct param *p = &exp->params[i];
		char text[512];
		param_format(p, params, text, sizeof(text));
		const int64_t *v = (const int64_t *)((const char *)params + p->offset);
		exp_result_add_param(out, p->name, text, !p->is_list, p->is_list ? 0 : *v);
	}
}

/*
 * The experiment could not be started: err (from a call of kind op) is a
 * resource limit, a skip with the limit named (ulimit -n leaves no room
 * for the pipe, ulimit -u none for the process), or else a failure.
 */
static void not_started(struct exp_result *out, enum limit_op op, int err)
{
	struct ev_note note;
	bool limit = err == -EAGAIN || err == -EMFILE || err == -ENFILE || err == -ENOMEM;
	out->outcome = limit ? OUTCOME_SKIPPED : OUTCOME_FAILED;
	exp_result_set_reason(out, &EV_MSG_OF("runner.start",
					      ev_nested(limit ? limit_note(op, err, &note)
							      : &EV_MSG_OF(NULL, ev_errno(err)))));
}

int runner_run(const struct runner_opts *opts, const struct experiment *exp, const void *params,
	       struct exp_result *out)
{
	int fds[2];
	uint64_t deadline = exp->deadline_ns[opts->preset == PRESET_FULL];
	if (exp->deadline && exp->deadline(params) > deadline)
		deadline = exp->deadline(params);
	if (opts->deadline_ns)
		deadline = opts->deadline_ns;
	uint64_t t0 = clock_now_ns();

	record_params(exp, params, out);
	/*
	 * SIGINT, SIGTERM and SIGHUP stay blocked but inside ppoll(), which
	 * unblocks them atomically: a signal can no longer slip in between the
	 * check of the flag and the wait, nor between the check below and the
	 * start, so an experiment announced is an experiment started (a signal
	 * from then on stops it: `interrupted`). The child unblocks them.
	 */
	sigset_t old;
	io_block_stops(&old);
	if (runner_interrupted()) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		out->outcome = OUTCOME_NOT_RUN;
		exp_result_set_reason(out, &(struct ev_msg){ .form = "runner.not_run" });
		return 0;
	}
	if (opts->progress)
		progress_start(opts->progress, exp);
	if (pipe2(fds, O_CLOEXEC) != 0) {
		int err = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		not_started(out, LIMIT_FD, err);
		if (opts->progress)
			progress_end(opts->progress, out);
		return err;
	}
	cleanup_begin(NULL); /* the registry the experiment records into; main says if it fails */
	fflush(NULL);	     /* nothing buffered may be written twice */
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int err = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(fds[0]);
		close(fds[1]);
		not_started(out, LIMIT_PROCESS, err);
		if (opts->progress)
			progress_end(opts->progress, out);
		return err;
	}
	if (pid == 0) {
		close(fds[0]);
		experiment_main(opts, exp, params, fds[1], parent);
	}
	setpgid(pid, pid); /* also done by the child: whichever runs first */
	close(fds[1]);

	struct intake in = { .out = out, .progress = opts->progress };
	/* The live line shows the time: it is drawn again twice a second. */
	uint64_t wake_ns = progress_is_live(opts->progress) ? 500000000u : 1000000000u;
	int status = 0;
	bool timed_out = false, open = true, exited = false, stopped = false;
	while (open) {
		if (runner_interrupted()) {
			stopped = true;
			break;
		}
		uint64_t now = clock_now_ns() - t0;
		if (now >= deadline) {
			timed_out = true;
			break;
		}
		uint64_t left = deadline - now < wake_ns ? deadline - now : wake_ns;
		struct timespec ts = { (time_t)(left / 1000000000u), (long)(left % 1000000000u) };
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		int r = ppoll(&pfd, 1, &ts, &old);
		if (r < 0 && errno != EINTR)
			break;
		if (opts->progress)
			progress_tick(opts->progress);
		if (r == 0 && waitpid(pid, &status, WNOHANG) == pid) {
			exited = true; /* a descendant it left may still hold the pipe */
			break;
		}
		if (r > 0) {
			ssize_t n = drain(fds[0], &in);
			open = n > 0 || n == -EINTR || n == -EAGAIN;
			take_lines(&in);
		}
	}

	if (!timed_out && !exited && !stopped) {
		/* The pipe closed: the experiment is ending. Wait for it, within the deadline. */
		const struct timespec tick = { 0, 1000000 };
		while (waitpid(pid, &status, WNOHANG) == 0) {
			if (clock_now_ns() - t0 >= deadline) {
				timed_out = true;
				break;
			}
			if (runner_interrupted()) {
				stopped = true;
				break;
			}
			ppoll(NULL, 0, &tick, &old);
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	int pid_status = status;
	if (reap_all(pid, &pid_status))
		status = pid_status;
	if (open)
		take_rest(fds[0], &in);
	close(fds[0]);
	cleanup_release(NULL); /* every named object the experiment recorded */

	out->duration_ns = clock_now_ns() - t0;
	decode_end(out, status, timed_out, stopped, in.end_outcome, &in.end_reason, deadline);
	if (opts->progress)
		progress_end(opts->progress, out);
	free(in.buf);
	ev_msg_free(&in.end_reason);
	free(in.end_outcome);
	return 0;
}
