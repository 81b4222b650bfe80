// SPDX-License-Identifier: MIT
/*
 * ptlab: the command line. Parses and validates everything before anything
 * runs (an unknown experiment, parameter or claim, a value out of range or
 * without a valid unit, an output file that cannot be created: one message
 * naming the bad value and what is accepted, exit status 2), then hands
 * over to the runner, the claims and the renderers.
 *
 * Exit status: 0 done; 1 an experiment failed, crashed or timed out, or a
 * file could not be read or written (stdout included: finish_stdout()); 2
 * bad usage; 128 + signal when the run was interrupted (the report still
 * shows what was measured).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "claims/claims.h"
#include "core/cleanup.h"
#include "core/httpd.h"
#include "core/limit.h"
#include "core/outfile.h"
#include "runner/progress.h"
#include "runner/runner.h"
#include "core/sysinfo.h"
#include "core/unit.h"
#include "core/units.h"
#include "experiments/catalog.h"
#include "model/json.h"
#include "report/compare.h"
#include "report/report.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/xalloc.h"

#ifndef PTLAB_VERSION
#define PTLAB_VERSION "0.0.0"
#endif

#define EXIT_USAGE 2
#define MAX_SETS 64

enum command {
	CMD_RUN,
	CMD_REPORT,
	CMD_LIST,
	CMD_CLAIMS,
	CMD_EXPLAIN,
	CMD_CLEAN,
	CMD_SERVE,
	CMD_COMPARE
};

/* Which options a command takes, as a bit per option. */
enum opt_bit {
	OB_PRESET = 1 << 0,
	OB_JSON = 1 << 1,
	OB_CPUS = 1 << 2,
	OB_SEED = 1 << 3,
	OB_SET = 1 << 4,
	OB_PROGRESS = 1 << 5, /* --progress, --no-progress */
	OB_COLOR = 1 << 6,
	OB_OUTPUTS = 1 << 7, /* --html, --csv, --openmetrics */
	OB_CHARTS = 1 << 8,
	OB_DRY_RUN = 1 << 9,
	OB_DETAIL = 1 << 10, /* --details, --figures */
};

struct command_info {
	const char *name;
	enum command cmd;
	unsigned takes;
	const char *usage; /* N_() */
	const char *help;  /* N_() */
};

static const struct command_info commands[] = {
	{ "run", CMD_RUN,
	  OB_PRESET | OB_JSON | OB_CPUS | OB_SEED | OB_SET | OB_PROGRESS | OB_COLOR | OB_OUTPUTS |
		  OB_CHARTS | OB_DETAIL,
	  N_("ptlab run [EXPERIMENT...] [--quick | --full] [--details] [--figures] [--json FILE]\n"
	     "          [--html FILE] [--markdown FILE] [--csv FILE] [--openmetrics FILE]\n"
	     "          [--cpus LIST] [--seed N] [--set EXPERIMENT.PARAM=VALUE]...\n"
	     "          [--progress | --no-progress] [--no-color] [--no-charts] [--lang en|id]"),
	  N_("Runs experiments (default: the quick suite) and prints the seeds' comparison table\n"
	     "with this machine's numbers and a verdict per claim. The seeds are five short texts\n"
	     "on processes and threads (three in Indonesian, two in English) whose claims ptlab\n"
	     "tests. Progress goes to stderr: one line rewritten in place on a terminal; with\n"
	     "--progress elsewhere, one line per experiment; --no-progress shows none (the last\n"
	     "of the two given wins). --details and --figures add what the table sums up.") },
	{ "report", CMD_REPORT, OB_JSON | OB_COLOR | OB_OUTPUTS | OB_CHARTS | OB_DETAIL,
	  N_("ptlab report FILE [--details] [--figures] [--json FILE] [--html FILE]\n"
	     "             [--markdown FILE] [--csv FILE] [--openmetrics FILE] [--no-color]\n"
	     "             [--no-charts] [--lang en|id]"),
	  N_("Judges a saved run again and prints the same report; no experiment is re-run.") },
	{ "list", CMD_LIST, 0, N_("ptlab list [--lang en|id]"),
	  N_("Lists the experiments, their parameters (the value under --quick, the default, and\n"
	     "under --full; the range; help) and the claims each feeds.") },
	{ "claims", CMD_CLAIMS, 0, N_("ptlab claims [--lang en|id]"),
	  N_("Lists every claim with its status: measured by which experiment, or not measured "
	     "yet.") },
	{ "explain", CMD_EXPLAIN, 0, N_("ptlab explain CLAIM [--lang en|id]"),
	  N_("Explains a claim: what the seeds say, how ptlab measures it, how the verdict is\n"
	     "decided, and the mechanism behind the result.") },
	{ "clean", CMD_CLEAN, OB_DRY_RUN, N_("ptlab clean [--dry-run]"),
	  N_("Removes the named objects (shared memory, queues, semaphores, FIFOs, temporary\n"
	     "files) that a run killed outright left, and only those: each run records what it\n"
	     "makes, and clean removes what a run recorded once its process is provably gone.\n"
	     "--dry-run lists what would be removed and removes nothing.") },
	{ "compare", CMD_COMPARE, OB_COLOR | OB_OUTPUTS,
	  N_("ptlab compare FILE FILE... [--html FILE] [--no-color] [--lang en|id]"),
	  N_("Sets saved runs side by side (of one machine or several): every figure's median\n"
	     "with its interval in each run, its ratio to the first run and whether the\n"
	     "difference is significant, and every verdict that changed.") },
	{ "serve", CMD_SERVE, OB_CPUS | OB_SET,
	  N_("ptlab serve MODEL [--cpus LIST] [--set server.workers=N]"),
	  N_("Runs one model of the server experiment in the foreground on 127.0.0.1 until "
	     "Ctrl-C,\n"
	     "for curl, wrk or a browser: GET /, GET /work?us=N (N microseconds of CPU work),\n"
	     "GET /poison (its handler writes through NULL). MODEL is process_per_connection,\n"
	     "prefork, thread_per_connection, thread_pool or event_loop.") },
};

/* What the command line asks to print instead of acting. */
enum show {
	SHOW_NOTHING,
	SHOW_VERSION,	   /* --version */
	SHOW_HELP,	   /* ptlab --help */
	SHOW_COMMAND_HELP, /* ptlab COMMAND --help */
};

struct set_arg {
	const struct experiment *exp;
	const struct param *param;
	const char *value;
	const char *text; /* as given, for messages */
};

/* Whether a run shows its progress: --progress, --no-progress, else whether stderr is a terminal. */
enum progress_choice {
	PROGRESS_AUTO,
	PROGRESS_ON,
	PROGRESS_OFF,
};

struct options {
	const struct command_info *cmd; /* NULL with SHOW_VERSION */
	enum show show;
	enum param_preset preset;
	const char *json_path;
	const char *html_path, *csv_path, *openmetrics_path, *markdown_path;
	bool file_to_stdout; /* one of them is "-" or stdout: no text report there */
	const char *cpus_text;
	int cpus[CPU_SETSIZE];
	size_t n_cpus;
	uint64_t seed;
	struct set_arg sets[MAX_SETS];
	size_t n_sets;
	enum progress_choice progress;
	bool no_color, no_charts, dry_run, details, figures;
	unsigned given; /* OB_* bits of the options given */
	char **args;	/* positional arguments after the command */
	int n_args;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	char text[1024];
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	msg_error("%s", text);
	msg_error("%s", _("try 'ptlab --help'"));
	return EXIT_USAGE;
}

static void print_help(void)
{
	printf("%s\n\n", _("ptlab — processes and threads, measured on this machine"));
	printf("%s\n\n",
	       _("The seeds are five short texts that compare processes and threads (three in\n"
		 "Indonesian, two in English). ptlab tests their claims on this machine and\n"
		 "prints the seeds' own table, filled with this machine's figures and a verdict\n"
		 "per claim."));
	printf("%s\n", _("Usage:"));
	printf("  ptlab                 %s\n", _("run the quick suite and print the report"));
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("  %s\n", _(commands[i].usage));
	printf("\n%s\n", _("Options:"));
	printf("  --quick               %s\n", _("short sampling budgets (the default)"));
	printf("  --full                %s\n", _("long budgets, larger sizes: tighter intervals"));
	printf("  --details             %s\n",
	       /* xgettext:no-c-format */
	       _("after the table, a block per claim: its figures with 95% intervals, the "
		 "ratio, the reason, the mechanism"));
	printf("  --figures             %s\n",
	       _("after the table, every figure each experiment took, with its conditions"));
	printf("  --json FILE           %s\n",
	       _("also write the run, every raw sample and the verdicts as JSON ('-': to "
		 "stdout, instead of the report; so for every FILE below)"));
	printf("  --html FILE           %s\n",
	       _("also write one self-contained HTML page with charts (works offline)"));
	printf("  --markdown FILE       %s\n",
	       _("also write the table, a line per claim and the machine as Markdown "
		 "(GitHub-flavoured)"));
	printf("  --csv FILE            %s\n", _("also write one CSV row per figure"));
	printf("  --openmetrics FILE    %s\n",
	       _("also write the figures in the OpenMetrics text format (for Prometheus)"));
	printf("  --cpus LIST           %s\n",
	       _("CPUs experiments may use, e.g. 0,2 or 0-3 (default: all allowed)"));
	printf("  --seed N              %s\n",
	       _("random seed of the bootstrap intervals (default 1; nothing to do with the "
		 "seeds)"));
	printf("  --set E.P=VALUE       %s\n",
	       _("set parameter P of experiment E; values take units: 4k, 1MiB, 250ms"));
	printf("  --progress            %s\n",
	       _("show progress on stderr even when it is not a terminal (one line per "
		 "experiment)"));
	printf("  --no-progress         %s\n",
	       _("show no progress, not even on a terminal (the last of the two given wins)"));
	printf("  --no-color            %s\n", _("no colours (so does the NO_COLOR variable)"));
	printf("  --no-charts           %s\n",
	       _("no bar charts under the key comparisons (drawn only on a terminal)"));
	printf("  --lang en|id          %s\n", _("language of the report"));
	printf("  --dry-run             %s\n",
	       _("with clean: list what would be removed, remove nothing"));
	printf("  -h, --help            %s\n",
	       _("this help; 'ptlab COMMAND --help' for a command"));
	printf("  -V, --version         %s\n", _("the version"));
	printf("\n%s\n",
	       _("Exit status: 0 done, 1 an experiment failed or a file could not be used, "
		 "2 bad usage, 128+N interrupted by signal N."));
}

static void print_command_help(const struct command_info *c)
{
	printf("%s: %s\n\n%s\n", _("Usage"), _(c->usage), _(c->help));
}

/* Appends name to a ", "-separated list in buf. */
static void append_name(char *buf, size_t size, const char *name)
{
	size_t used = strlen(buf);
	snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
}

/* Parses "0,2,4-7" into o->cpus, checking every CPU is allowed for this process. */
static int parse_cpus(const char *text, struct options *o)
{
	int allowed[CPU_SETSIZE];
	size_t n_allowed = unit_allowed_cpus(allowed, CPU_SETSIZE);
	bool seen[CPU_SETSIZE] = { false };
	const char *p = text;
	o->n_cpus = 0;
	while (*p) {
		char *end;
		errno = 0;
		if (!isdigit((unsigned char)*p))
			goto bad;
		long a = strtol(p, &end, 10), b = a;
		if (errno)
			goto bad;
		if (*end == '-') {
			p = end + 1;
			if (!isdigit((unsigned char)*p))
				goto bad;
			b = strtol(p, &end, 10);
			if (b < a || errno)
				goto bad;
		}
		for (long c = a; c <= b; c++) {
			size_t k = 0;
			while (k < n_allowed && allowed[k] != c)
				k++;
			if (k == n_allowed) {
				char list[1024] = "", num[16];
				for (k = 0; k < n_allowed; k++) {
					snprintf(num, sizeof(num), "%d", allowed[k]);
					append_name(list, sizeof(list), num);
				}
				return usage_error(_("CPU %ld in --cpus %s is not one this process "
						     "may use: accepted are %s"),
						   c, text, list);
			}
			seen[c] = true;
		}
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (seen[c])
			o->cpus[o->n_cpus++] = c;
	if (o->n_cpus)
		return 0;
bad:
	return usage_error(
		_("invalid --cpus \"%s\": expected CPU numbers and ranges such as 0,2 or "
		  "0-3"),
		text);
}

/* Validates "E.P=VALUE" (the value is parsed later, against the experiment's struct). */
static int parse_set(const char *text, struct options *o)
{
	const char *dot = strchr(text, '.'), *eq = strchr(text, '=');
	if (o->n_sets >= MAX_SETS)
		return usage_error(_("too many --set options: at most %d"), MAX_SETS);
	if (!dot || !eq || eq < dot)
		return usage_error(_("invalid --set \"%s\": expected EXPERIMENT.PARAM=VALUE"),
				   text);
	char exp_name[64], param_name[64];
	snprintf(exp_name, sizeof(exp_name), "%.*s", (int)(dot - text), text);
	snprintf(param_name, sizeof(param_name), "%.*s", (int)(eq - dot - 1), dot + 1);
	const struct experiment *e = catalog_find(exp_name);
	if (!e)
		return usage_error(_("unknown experiment \"%s\" in --set %s: see 'ptlab list'"),
				   exp_name, text);
	const struct param *p = param_find(e->params, e->n_params, param_name);
	if (!p)
		return usage_error(_("experiment %s has no parameter \"%s\" (in --set %s): see "
				     "'ptlab list'"),
				   exp_name, param_name, text);
	o->sets[o->n_sets++] = (struct set_arg){ e, p, eq + 1, text };
	return 0;
}

/*
 * Pulls --lang out early so that every later message is already in that
 * language. A language whose catalogue is nowhere to be found is said (a
 * warning naming where ptlab looked), not an error.
 */
static int early_lang(int argc, char **argv)
{
	const char *lang = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[i + 1];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			lang = argv[i] + 7;
	}
	char looked[1024];
	int err = i18n_init(lang, looked, sizeof(looked));
	bool unknown = err == -EINVAL;
	if (unknown)
		err = i18n_init(NULL, looked, sizeof(looked));
	if (err == -ENOENT)
		msg_warn(_("the message catalogue (ptlab.mo) of the language asked for is in none "
			   "of %s: messages stay in English"),
			 looked);
	if (unknown)
		return usage_error(_("unknown language \"%s\" for --lang: accepted are en and id"),
				   lang);
	return 0;
}

static const struct command_info *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/*
 * Why a file cannot be written: the rule's reason (outfile.h), else the
 * limit that explains the errno (a file needs two descriptors: its folder
 * and the temporary file), else the errno's text. buf holds the limit's.
 */
static const char *file_reason(int err, const char *why, char *buf, size_t size)
{
	if (why)
		return _(why);
	return limit_explain(LIMIT_FD, err, buf, size);
}

/*
 * Checks that path can be written, by the rule of core/outfile.h, without
 * creating or changing anything. Returns 0 with *to_stdout set, or
 * EXIT_USAGE with the message printed.
 */
static int check_writable(const char *path, const char *option, bool *to_stdout)
{
	enum outfile_way way;
	const char *why;
	char reason[256];
	int err = outfile_check(path, &way, &why);
	if (err)
		return usage_error(_("cannot write %s \"%s\": %s"), option, path,
				   file_reason(err, why, reason, sizeof(reason)));
	*to_stdout = way == OUTFILE_STDOUT;
	return 0;
}

enum {
	OPT_QUICK = 256,
	OPT_FULL,
	OPT_JSON,
	OPT_CPUS,
	OPT_SEED,
	OPT_SET,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_NO_COLOR,
	OPT_LANG,
	OPT_HTML,
	OPT_CSV,
	OPT_OPENMETRICS,
	OPT_NO_CHARTS,
	OPT_DRY_RUN,
	OPT_DETAILS,
	OPT_FIGURES,
	OPT_MARKDOWN
};

/*
 * Parses argv into *o and checks everything that needs no file: options,
 * the command, what each option applies to, --cpus and the names in --set
 * (their values are checked by build_plan() or serve_config()). Returns 0
 * or EXIT_USAGE with the message printed. --help and --version return 0
 * at once with o->show set (--version where it stands, so that what
 * follows it is not checked). The arguments live on in argv (o->args);
 * getopt's state is the caller's to reset before a second call.
 */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, OPT_QUICK },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "set", required_argument, NULL, OPT_SET },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "csv", required_argument, NULL, OPT_CSV },
		{ "openmetrics", required_argument, NULL, OPT_OPENMETRICS },
		{ "no-charts", no_argument, NULL, OPT_NO_CHARTS },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "details", no_argument, NULL, OPT_DETAILS },
		{ "figures", no_argument, NULL, OPT_FIGURES },
		{ "markdown", required_argument, NULL, OPT_MARKDOWN },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool help = false;
	int c, err;

	memset(o, 0, sizeof(*o));
	o->preset = PRESET_QUICK;
	o->seed = 1;
	opterr = 0;
	/* "+"-less: options may follow the command and its arguments. */
	while ((c = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_QUICK:
		case OPT_FULL:
			if ((o->given & OB_PRESET) &&
			    o->preset != (c == OPT_FULL ? PRESET_FULL : PRESET_QUICK))
				return usage_error("%s",
						   _("--quick and --full exclude each other"));
			o->preset = c == OPT_FULL ? PRESET_FULL : PRESET_QUICK;
			o->given |= OB_PRESET;
			break;
		case OPT_JSON:
			o->json_path = optarg;
			o->given |= OB_JSON;
			break;
		case OPT_CPUS:
			o->cpus_text = optarg;
			o->given |= OB_CPUS;
			if ((err = parse_cpus(optarg, o)))
				return err;
			break;
		case OPT_SEED: {
			int64_t v;
			if (units_parse(optarg, UNIT_COUNT, &v) != 0)
				return usage_error(
					_("invalid --seed \"%s\": expected a non-negative "
					  "integer"),
					optarg);
			o->seed = (uint64_t)v;
			o->given |= OB_SEED;
			break;
		}
		case OPT_SET:
			o->given |= OB_SET;
			if ((err = parse_set(optarg, o)))
				return err;
			break;
		case OPT_PROGRESS:
		case OPT_NO_PROGRESS:
			/* The last one given wins, as with a shell alias and a flag after it. */
			o->progress = c == OPT_PROGRESS ? PROGRESS_ON : PROGRESS_OFF;
			o->given |= OB_PROGRESS;
			break;
		case OPT_NO_COLOR:
			o->no_color = true;
			o->given |= OB_COLOR;
			break;
		case OPT_LANG:
			break; /* applied by early_lang() */
		case OPT_HTML:
			o->html_path = optarg;
			o->given |= OB_OUTPUTS;
			break;
		case OPT_CSV:
			o->csv_path = optarg;
			o->given |= OB_OUTPUTS;
			break;
		case OPT_OPENMETRICS:
			o->openmetrics_path = optarg;
			o->given |= OB_OUTPUTS;
			break;
		case OPT_NO_CHARTS:
			o->no_charts = true;
			o->given |= OB_CHARTS;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			o->given |= OB_DRY_RUN;
			break;
		case OPT_DETAILS:
		case OPT_FIGURES:
			*(c == OPT_DETAILS ? &o->details : &o->figures) = true;
			o->given |= OB_DETAIL;
			break;
		case OPT_MARKDOWN:
			o->markdown_path = optarg;
			o->given |= OB_OUTPUTS;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			o->show = SHOW_VERSION;
			return 0;
		case ':':
			return usage_error(_("option %s needs a value"), argv[optind - 1]);
		default:
			/*
			 * An unknown short option may sit inside a cluster ("-hx"),
			 * where optind has not moved on: name it by optopt.
			 */
			if (optopt > 0 && optopt < 256)
				return usage_error(_("unknown option \"-%c\""), optopt);
			return usage_error(_("unknown option \"%s\""), argv[optind - 1]);
		}
	}
	o->args = argv + optind;
	o->n_args = argc - optind;
	if (o->n_args > 0) {
		o->cmd = find_command(o->args[0]);
		if (!o->cmd)
			return usage_error(
				_("unknown command \"%s\": accepted are run, report, compare, "
				  "list, claims, explain, clean and serve"),
				o->args[0]);
		o->args++;
		o->n_args--;
	} else {
		o->cmd = &commands[0]; /* plain `ptlab` runs the quick suite */
	}
	if (help) {
		o->show = argc - optind > 0 ? SHOW_COMMAND_HELP : SHOW_HELP;
		return 0;
	}
	unsigned extra = o->given & ~o->cmd->takes;
	if (extra) {
		const struct {
			unsigned bit;
			const char *name;
		} names[] = {
			{ OB_PRESET, "--quick/--full" },
			{ OB_JSON, "--json" },
			{ OB_CPUS, "--cpus" },
			{ OB_SEED, "--seed" },
			{ OB_SET, "--set" },
			{ OB_PROGRESS,
			  o->progress == PROGRESS_OFF ? "--no-progress" : "--progress" },
			{ OB_COLOR, "--no-color" },
			{ OB_CHARTS, "--no-charts" },
			{ OB_DRY_RUN, "--dry-run" },
			{ OB_DETAIL, "--details/--figures" },
		};
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (extra & names[i].bit)
				return usage_error(_("option %s does not apply to '%s'"),
						   names[i].name, o->cmd->name);
		if (extra & OB_OUTPUTS)
			return usage_error(_("option %s does not apply to '%s'"),
					   o->html_path	      ? "--html"
					   : o->markdown_path ? "--markdown"
					   : o->csv_path      ? "--csv"
							      : "--openmetrics",
					   o->cmd->name);
	}
	if (o->cmd->cmd == CMD_COMPARE && (o->csv_path || o->openmetrics_path || o->markdown_path))
		return usage_error(_("option %s does not apply to '%s'"),
				   o->csv_path	      ? "--csv"
				   : o->markdown_path ? "--markdown"
						      : "--openmetrics",
				   o->cmd->name);
	return 0;
}

/* What --help or --version asks for, on stdout. Returns the exit status, 0. */
static int show(const struct options *o)
{
	if (o->show == SHOW_VERSION)
		printf("ptlab %s\n", PTLAB_VERSION);
	else if (o->show == SHOW_COMMAND_HELP)
		print_command_help(o->cmd);
	else
		print_help();
	return 0;
}

/*
 * Checks that every output file asked for can be written, and that at most
 * one goes to the standard output; that one takes the place of the text
 * report (o->file_to_stdout). Returns 0 or EXIT_USAGE.
 */
static int check_outputs(struct options *o)
{
	int err;
	const char *first = NULL;
	const struct {
		const char *path, *option;
	} outputs[] = {
		{ o->json_path, "--json" },
		{ o->html_path, "--html" },
		{ o->markdown_path, "--markdown" },
		{ o->csv_path, "--csv" },
		{ o->openmetrics_path, "--openmetrics" },
	};
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
		bool to_stdout = false;
		if (!outputs[i].path)
			continue;
		if ((err = check_writable(outputs[i].path, outputs[i].option, &to_stdout)))
			return err;
		if (to_stdout && first)
			return usage_error(_("%s and %s both go to the standard output: one "
					     "may, the other needs a file"),
					   first, outputs[i].option);
		if (to_stdout)
			first = outputs[i].option;
	}
	o->file_to_stdout = first != NULL;
	return 0;
}

/* The cause of the first failed flush of stdout, or 0: glibc drops the bytes it could not write. */
static int stdout_error;

/* Writes what stdout holds now, keeping the cause of a failure for finish_stdout(). */
static void flush_stdout(void)
{
	if (fflush(stdout) != 0 && !stdout_error)
		stdout_error = errno ? errno : EIO;
}

static bool use_color(const struct options *o)
{
	const char *nc = getenv("NO_COLOR");
	return !o->no_color && !(nc && *nc) && isatty(STDOUT_FILENO);
}

static void iso_now(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Bar charts under the key comparisons: on a terminal, unless --no-charts. */
static bool use_charts(const struct options *o)
{
	return !o->no_charts && isatty(STDOUT_FILENO);
}

/* The width of the text report: the terminal's where it is wider than 80 columns. */
static int text_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 80)
		return ws.ws_col;
	return 80;
}

/* The text report on stdout, then every file asked for. Returns the exit status. */
static int render(const struct run *r, const struct options *o)
{
	struct verdict *v = xcalloc(claims_count(), sizeof(*v));
	struct report_opts ro = { .color = use_color(o),
				  .charts = use_charts(o),
				  .width = text_width(),
				  .details = o->details,
				  .figures = o->figures };
	int status = 0;
	claims_judge_all(r, v);
	/* A failed write to stdout is said once, by finish_stdout(). */
	if (!o->file_to_stdout)
		render_text.render(stdout, r, v, &ro);
	flush_stdout();
	const struct {
		const char *path;
		const struct renderer *rd;
	} files[] = {
		{ o->json_path, &render_json },
		{ o->html_path, &render_html },
		{ o->markdown_path, &render_markdown },
		{ o->csv_path, &render_csv },
		{ o->openmetrics_path, &render_openmetrics },
	};
	struct report_opts plain = { .width = 80 };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!files[i].path)
			continue;
		const char *why = NULL;
		char reason[256];
		int err = report_save(files[i].path, files[i].rd, r, v, &plain, &why);
		if (err) {
			msg_error(_("cannot write %s: %s"), files[i].path,
				  file_reason(err, why, reason, sizeof(reason)));
			status = 1;
		}
	}
	free(v);
	return status;
}

/*
 * How a run shows its progress on stderr: a live line on a terminal
 * (plain lines on one that cannot rewrite a line, TERM=dumb), plain lines
 * elsewhere only with --progress, nothing with --no-progress.
 */
static enum progress_style progress_style(const struct options *o)
{
	const char *term = getenv("TERM");
	bool tty = isatty(STDERR_FILENO);
	if (o->progress == PROGRESS_OFF || (!tty && o->progress != PROGRESS_ON))
		return PROGRESS_NONE;
	return tty && !(term && strcmp(term, "dumb") == 0) ? PROGRESS_LIVE : PROGRESS_LINES;
}

/* One experiment to run, with its parameters. */
struct plan {
	const struct experiment *exp;
	void *params;
};

static int build_plan(const struct options *o, struct plan *plan, size_t *n)
{
	char err[512];
	*n = 0;
	if (o->n_args == 0) {
		for (size_t i = 0; catalog[i]; i++)
			if (catalog[i]->quick_suite || o->preset == PRESET_FULL)
				plan[(*n)++].exp = catalog[i];
	}
	for (int i = 0; i < o->n_args; i++) {
		const struct experiment *e = catalog_find(o->args[i]);
		if (!e) {
			char names[512] = "";
			for (size_t k = 0; catalog[k]; k++)
				append_name(names, sizeof(names), catalog[k]->name);
			return usage_error(_("unknown experiment \"%s\": accepted are %s"),
					   o->args[i], names);
		}
		for (size_t k = 0; k < *n; k++)
			if (plan[k].exp == e)
				return usage_error(_("experiment %s is named twice"), e->name);
		plan[(*n)++].exp = e;
	}
	for (size_t k = 0; k < *n; k++) {
		plan[k].params = xcalloc(1, plan[k].exp->params_size);
		if (param_apply_preset(plan[k].exp->params, plan[k].exp->n_params, plan[k].params,
				       o->preset, err, sizeof(err)) != 0) {
			msg_error("%s",
				  err); /* a bad built-in preset: a bug, caught by the tests */
			return 1;
		}
	}
	for (size_t s = 0; s < o->n_sets; s++) {
		size_t k;
		for (k = 0; k < *n && plan[k].exp != o->sets[s].exp; k++)
			;
		if (k == *n)
			return usage_error(
				_("--set %s names experiment %s, which this run does not "
				  "include"),
				o->sets[s].text, o->sets[s].exp->name);
		if (param_parse(o->sets[s].param, plan[k].params, o->sets[s].value, err,
				sizeof(err)) != 0)
			return usage_error(_("--set %s: %s"), o->sets[s].text, err);
	}
	for (size_t k = 0; k < *n; k++)
		if (plan[k].exp->check && plan[k].exp->check(plan[k].params, err, sizeof(err)) != 0)
			return usage_error("%s", err);
	return 0;
}

static int cmd_run(const struct options *o)
{
	struct plan plan[64];
	size_t n;
	memset(plan, 0, sizeof(plan));
	int status = build_plan(o, plan, &n);
	if (status)
		goto free_plan;

	char exe[PATH_MAX], started[32];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = '\0';
	runner_setup();
	const char *where = NULL;
	int reg_err = cleanup_begin(&where);
	if (reg_err)
		msg_warn(_("cannot keep the record of ptlab's objects in %s: %s; they are still "
			   "removed after each experiment, but if this run is killed outright "
			   "'ptlab clean' will not find them"),
			 where ? where : "?", strerror(-reg_err));

	struct run r;
	run_init(&r);
	iso_now(started, sizeof(started));
	r.ptlab_version = xstrdup(PTLAB_VERSION);
	r.started = xstrdup(started);
	r.preset = xstrdup(o->preset == PRESET_FULL ? "full" : "quick");
	r.seed = o->seed;
	r.cpus = xstrdup(o->cpus_text ? o->cpus_text : "all");
	sysinfo_collect(&r.env);

	/* Experiments always get an explicit CPU list: --cpus, or every CPU allowed. */
	int all_cpus[CPU_SETSIZE];
	size_t n_all = unit_allowed_cpus(all_cpus, CPU_SETSIZE);

	struct progress_step steps[64];
	char cache[PATH_MAX];
	for (size_t k = 0; k < n; k++)
		steps[k] = (struct progress_step){ plan[k].exp, plan[k].params };
	struct runner_opts ro = {
		.preset = o->preset,
		.seed = o->seed,
		.cpus = o->n_cpus ? o->cpus : all_cpus,
		.n_cpus = o->n_cpus ? o->n_cpus : n_all,
		.self_exe = len > 0 ? exe : NULL,
		.clock = r.env.clock,
	};
	ro.progress = progress_begin(stderr, progress_style(o), steps, n, o->preset, ro.n_cpus,
				     progress_cache_dir(cache, sizeof(cache)) ? NULL : cache);
	for (size_t k = 0; k < n; k++) {
		struct exp_result *res = run_add_result(&r, plan[k].exp->name);
		runner_run(&ro, plan[k].exp, plan[k].params, res);
		if (res->outcome == OUTCOME_FAILED || res->outcome == OUTCOME_CRASHED ||
		    res->outcome == OUTCOME_TIMED_OUT) {
			char why[512];
			msg_error("%s", catalog_outcome(res, why, sizeof(why)));
			status = 1;
		}
	}
	progress_finish(ro.progress); /* the line cleared: the report starts on a clean line */
	runner_teardown();
	cleanup_end(); /* every object is gone: the registry goes, and its descriptor */
	if (render(&r, o))
		status = 1;
	if (runner_interrupted()) {
		const char *sig = sigabbrev_np(runner_interrupt_signal());
		msg_error(_("interrupted by SIG%s: the report shows what was measured"),
			  sig ? sig : "?");
		status = 128 + runner_interrupt_signal();
	}
	run_free(&r);
free_plan:
	for (size_t k = 0; k < 64; k++)
		free(plan[k].params);
	return status;
}

static int cmd_report(const struct options *o)
{
	if (o->n_args != 1)
		return usage_error("%s",
				   _("report takes exactly one FILE (a run saved with --json)"));
	struct run r;
	char err[512];
	run_init(&r);
	int e = run_load(o->args[0], &r, err, sizeof(err));
	if (e) {
		msg_error("%s", err);
		run_free(&r);
		return e == -EINVAL || e == -EFBIG ? EXIT_USAGE : 1;
	}
	int status = render(&r, o);
	run_free(&r);
	return status;
}

static void print_param(const struct param *p)
{
	char lo[32], hi[32];
	const char *q = param_preset_text(p, PRESET_QUICK), *f = param_preset_text(p, PRESET_FULL);
	units_format_exact(p->min, p->unit, lo, sizeof(lo));
	units_format_exact(p->max, p->unit, hi, sizeof(hi));
	printf("    %-12s %s\n", p->name, _(p->help));
	char *text = xasprintf(_("quick (the default) %s, full %s, range %s..%s%s"), q, f, lo, hi,
			       p->is_list ? _(" (a comma-separated list)") : "");
	report_wrap(stdout, text, 17, 80);
	free(text);
}

static int cmd_list(const struct options *o)
{
	if (o->n_args)
		return usage_error("%s", _("list takes no arguments"));
	for (size_t i = 0; catalog[i]; i++) {
		const struct experiment *e = catalog[i];
		printf("%s — %s%s\n", e->name, _(e->title),
		       e->quick_suite ? _(" (quick suite)") : "");
		report_wrap(stdout, _(e->method), 2, 80);
		printf("  %s", _("claims:"));
		for (const char *const *c = e->claims; *c; c++)
			printf(" %s", *c);
		printf("\n  %s\n", _("parameters (set with --set NAME.PARAM=VALUE):"));
		for (size_t k = 0; k < e->n_params; k++)
			print_param(&e->params[k]);
		printf("\n");
	}
	return 0;
}

static int cmd_claims(const struct options *o)
{
	if (o->n_args)
		return usage_error("%s", _("claims takes no arguments"));
	for (const struct claim *c = claims; c->id; c++) {
		const struct experiment *e = catalog_feeding(c->id);
		char status[96];
		if (e)
			snprintf(status, sizeof(status), _("measured by %s"), e->name);
		else
			snprintf(status, sizeof(status), "%s", _("not measured yet"));
		printf("%-20s %-8s %s\n", c->id, claim_kind_name(c->kind), status);
		report_wrap(stdout, _(c->text), 4, 80);
	}
	return 0;
}

static const char *rule_text(const struct claim *c)
{
	if (c->speedup)
		return N_(
			"Each kind's speed-up: its time with one unit over its time with N units "
			"(the most that do not outnumber the CPUs), with a 95% bootstrap interval, "
			"set against 1 and against N (the ideal). observed: both kinds' intervals "
			"lie above 1; not observed: either lies at or below 1; inconclusive "
			"otherwise. The process/thread ratio of the times with N units is shown "
			"as context, not judged.");
	if (c->kind == CLAIM_TREND && c->baseline)
		return N_(
			"The gap between the process and the thread round trip (each net of "
			"the same work alone) at every working set, at least 3 sizes. Its growth "
			"from the smallest to the largest size, as 1 + growth over a process "
			"round trip beyond the work at the smallest, has a 95% bootstrap interval "
			"read by the ratio rule: holds when the gap grows by T or more, negligible "
			"when it stays flat within E (a fixed cost), reversed when it shrinks. "
			"The fixed gap and the slope are shown beside it.");
	switch (c->kind) {
	case CLAIM_RATIO:
		return N_("The ratio of the process median to the thread median, with a 95% "
			  "bootstrap interval, from at least 10 samples a side. The whole interval "
			  "must lie in one band: holds: the lower end > E and ratio >= T (small: "
			  "ratio < T); negligible: inside [1/E, E]; reversed: the upper end < 1/E "
			  "and ratio <= 1/T (small: ratio > 1/T); inconclusive when it reaches "
			  "across E or 1/E, so that no two runs whose intervals overlap give "
			  "opposite "
			  "verdicts.");
	case CLAIM_TREND:
		return N_("Each figure is fitted to a line against the condition (slope per GiB, "
			  "R²), from at least 3 sizes, and its growth from the smallest to the "
			  "largest condition is a ratio with a confidence interval of 95%. holds: "
			  "the process side "
			  "grows by at least T along a line with R² >= 0.8 while the thread side "
			  "does not.");
	case CLAIM_FACT:
		return N_("A fact: observed or not observed, with what was seen.");
	case CLAIM_NUANCED:
		return N_("Split into sub-claims, each with its own verdict and the condition that "
			  "decides it.");
	case CLAIM_TABLE:
		return N_(
			"A table of figures, one per mechanism, against the machine's own limit.");
	}
	return "";
}

/*
 * A nuanced claim's parts, grouped by question, each fact part with the
 * word it expects; and the attribution where the claim has a control.
 */
static void explain_parts(const struct claim *c)
{
	if (c->questions)
		report_wrap(stdout,
			    _("Each question gets its own verdict from its parts: the class they "
			      "all share, else inconclusive, naming the parts that disagree. The "
			      "claim's verdict is the questions' common one, else split."),
			    2, 80);
	for (const struct claim_question *q = c->questions; q && q->key; q++) {
		report_wrap(stdout, _(q->label), 2, 80);
		for (const struct claim_part *p = c->parts; p && p->label; p++)
			if (p->question && strcmp(p->question, q->key) == 0)
				report_wrap(stdout, _(p->label), 4, 80);
	}
	for (const struct claim_part *p = c->parts; p && p->label; p++) {
		if (!p->fact_obs || c->questions)
			continue;
		char *text = xasprintf(_("%s: a fact (%s), expected \"%s\""), _(p->label),
				       p->fact_obs, p->expect);
		report_wrap(stdout, text, 2, 80);
		free(text);
	}
	if (c->control)
		report_wrap(stdout,
			    _("Attribution: where a process that shares its parent's address space "
			      "(clone with CLONE_VM, without CLONE_THREAD) was measured beside the "
			      "process and the thread, the share of the process-thread gap it "
			      "explains, (process - control) / (process - thread), with a 95% "
			      "bootstrap interval."),
			    2, 80);
}

static int cmd_explain(const struct options *o)
{
	if (o->n_args != 1)
		return usage_error("%s",
				   _("explain takes exactly one CLAIM id (see 'ptlab claims')"));
	const struct claim *c = claims_find(o->args[0]);
	if (!c) {
		char ids[1024] = "";
		for (const struct claim *k = claims; k->id; k++)
			append_name(ids, sizeof(ids), k->id);
		return usage_error(_("unknown claim \"%s\": accepted are %s"), o->args[0], ids);
	}
	const struct experiment *e = catalog_feeding(c->id);
	char *text = xasprintf("%s — %s", c->id, _(c->text));
	report_wrap(stdout, text, 0, 80);
	free(text);
	printf("\n");
	printf(_("Seeds: %s. Kind: %s.\n"), c->seeds, claim_kind_name(c->kind));
	if (c->process_says) {
		text = xasprintf(_("The seeds' table: process \"%s\", thread \"%s\"."),
				 _(c->process_says), _(c->thread_says));
		report_wrap(stdout, text, 0, 80);
		free(text);
	}
	printf("\n%s\n", _("Method:"));
	report_wrap(stdout,
		    e ? _(e->method) : _("not measured yet: no experiment feeds this claim."), 2,
		    80);
	if (e)
		printf(_("  (experiment %s; run it with 'ptlab run %s')\n"), e->name, e->name);
	printf("\n%s\n", _("Verdict rule:"));
	report_wrap(stdout, _(rule_text(c)), 2, 80);
	if (c->kind == CLAIM_RATIO || c->kind == CLAIM_TREND) {
		char te[64];
		snprintf(te, sizeof(te), _("  T = %.2f, E = %.2f.\n"),
			 c->threshold > 0 ? c->threshold : CLAIM_THRESHOLD,
			 c->margin > 0 ? c->margin : CLAIM_MARGIN);
		fputs(i18n_decimal(te), stdout);
	}
	explain_parts(c);
	if (c->why && c->why->id) {
		printf("\n");
		report_wrap(
			stdout,
			_("Mechanism, paragraph by paragraph (a report shows each one where its "
			  "condition holds on the run's evidence):"),
			0, 80);
		for (const struct mechanism *m = c->why; m->id; m++) {
			text = xasprintf("%s: %s", m->id, m->when ? _(m->when) : _("always"));
			report_wrap(stdout, text, 2, 80);
			free(text);
			report_wrap(stdout, _(m->text), 4, 80);
		}
	}
	return 0;
}

/* One line per finding of `ptlab clean` (cleanup_sweep()'s each()). */
static void tell_clean(const struct cleanup_item *it, void *arg)
{
	bool dry = *(const bool *)arg;
	const char *kind = cleanup_kind_name(it->kind);
	switch (it->finding) {
	case CLEANUP_REMOVED:
		printf(dry ? _("would remove %s %s (run %d)\n") : _("removed %s %s (run %d)\n"),
		       kind, it->name, (int)it->owner);
		break;
	case CLEANUP_NOT_REMOVED:
		msg_error(_("cannot remove %s %s (run %d): %s"), kind, it->name, (int)it->owner,
			  strerror(-it->err));
		break;
	case CLEANUP_RUN_LIVE:
		printf(_("left alone: run %d is still running\n"), (int)it->owner);
		break;
	case CLEANUP_RUN_FOREIGN:
		printf(_("left alone: run %d was recorded in another pid namespace, where ptlab "
			 "cannot tell whether it still runs\n"),
		       (int)it->owner);
		break;
	case CLEANUP_RUN_UNPROVEN:
		if (it->err == -ESRCH || it->err == -ENODATA)
			printf(it->err == -ESRCH
				       ? _("left alone: run %d: /proc here is not of this pid "
					   "namespace, so ptlab cannot tell whether it still "
					   "runs\n")
				       : _("left alone: run %d: its start time was not recorded, "
					   "so "
					   "ptlab cannot tell whether it still runs\n"),
			       (int)it->owner);
		else
			printf(_("left alone: %s is not a registry ptlab can read (%s)\n"),
			       it->name, strerror(-it->err));
		break;
	case CLEANUP_RUN_ENDED:
		printf(_("run %d has ended: its recorded objects go\n"), (int)it->owner);
		break;
	}
}

static int cmd_clean(const struct options *o)
{
	char dir[PATH_MAX];
	bool dry = o->dry_run;
	if (o->n_args)
		return usage_error("%s", _("clean takes no arguments"));
	struct cleanup_counts n;
	int err = cleanup_state_dir(dir, sizeof(dir));
	printf(_("registries of runs: %s\n"), err ? "?" : dir);
	err = cleanup_sweep(dry, tell_clean, &dry, &n);
	if (err == -ENOTDIR) {
		msg_error(_("%s is not a folder of this user's that no one else can write: nothing "
			    "in it is trusted, nothing was removed"),
			  dir);
		return 1;
	}
	printf(dry ? _("would remove %u shared-memory objects, %u message queues, %u temporary "
		       "files, %u System V objects\n")
		   : _("removed %u shared-memory objects, %u message queues, %u temporary files, "
		       "%u System V objects\n"),
	       n.shm, n.mqueue, n.tmp, n.sysv);
	if (err) {
		msg_error(_("some objects could not be removed: %s"), strerror(-err));
		return 1;
	}
	return 0;
}

static int cmd_compare(const struct options *o)
{
	if (o->n_args < 2 || o->n_args > COMPARE_RUNS_MAX)
		return usage_error(_("compare takes 2 to %d FILEs (runs saved with --json)"),
				   COMPARE_RUNS_MAX);
	size_t n = (size_t)o->n_args, loaded = 0, nc = claims_count();
	struct run runs[COMPARE_RUNS_MAX];
	struct compare_input in[COMPARE_RUNS_MAX];
	struct verdict *v = xcalloc(n * nc, sizeof(*v));
	char err[512];
	int status = 0;
	for (; loaded < n; loaded++) {
		run_init(&runs[loaded]);
		int e = run_load(o->args[loaded], &runs[loaded], err, sizeof(err));
		if (e) {
			msg_error("%s", err);
			status = e == -EINVAL || e == -EFBIG ? EXIT_USAGE : 1;
			loaded++;
			goto out;
		}
		if (runs[loaded].schema_version != runs[0].schema_version) {
			msg_error(_("%s is a ptlab run of schema version %u and %s of version %u: "
				    "compare only runs of one version (re-run, or use the ptlab "
				    "that wrote them)"),
				  o->args[0], runs[0].schema_version, o->args[loaded],
				  runs[loaded].schema_version);
			status = EXIT_USAGE;
			loaded++;
			goto out;
		}
		claims_judge_all(&runs[loaded], v + loaded * nc);
		in[loaded] =
			(struct compare_input){ &runs[loaded], v + loaded * nc, o->args[loaded] };
	}
	struct report_opts ro = { .color = use_color(o), .width = 80 };
	/* A failed write to stdout is said once, by finish_stdout(). */
	if (!o->file_to_stdout)
		compare_render_text(stdout, in, n, &ro);
	flush_stdout();
	if (o->html_path) {
		char *page = NULL;
		size_t len = 0;
		const char *why = NULL;
		char reason[256];
		FILE *m = open_memstream(&page, &len);
		int e = m ? compare_render_html(m, in, n, &ro) : -errno;
		if (m && fclose(m) != 0 && !e)
			e = -ENOMEM;
		if (!e)
			e = outfile_write(o->html_path, page, len, &why);
		free(page);
		if (e) {
			msg_error(_("cannot write %s: %s"), o->html_path,
				  file_reason(e, why, reason, sizeof(reason)));
			status = 1;
		}
	}
out:
	for (size_t i = 0; i < loaded; i++)
		run_free(&runs[i]);
	free(v);
	return status;
}

/* The accepted model names, "a, b, c" into buf. */
static void model_names(char *buf, size_t size)
{
	buf[0] = '\0';
	for (int m = 0; m < HTTPD_MODEL_COUNT; m++)
		append_name(buf, size, httpd_model_name((enum httpd_model)m));
}

/*
 * The server experiment's parameter "workers" as this command line sets
 * it (its default otherwise). Returns 0 or the usage error's status.
 */
static int serve_workers(const struct options *o, int *workers)
{
	const struct experiment *e = catalog_find("server");
	const struct param *p = e ? param_find(e->params, e->n_params, "workers") : NULL;
	char err[512];
	if (!p)
		return 1;
	void *base = xcalloc(1, e->params_size);
	int status = 0;
	if (param_apply_preset(e->params, e->n_params, base, PRESET_DEFAULT, err, sizeof(err))) {
		msg_error("%s", err);
		status = 1;
	}
	for (size_t s = 0; s < o->n_sets && !status; s++) {
		if (o->sets[s].exp != e || o->sets[s].param != p)
			status = usage_error(_("--set %s does not apply to 'serve': only "
					       "server.workers does"),
					     o->sets[s].text);
		else if (param_parse(p, base, o->sets[s].value, err, sizeof(err)))
			status = usage_error(_("--set %s: %s"), o->sets[s].text, err);
	}
	int64_t v;
	memcpy(&v, (char *)base + p->offset, sizeof(v));
	*workers = (int)v;
	free(base);
	return status;
}

/* The server `serve` starts, from the command line. Returns 0 or the usage error's status. */
static int serve_config(const struct options *o, struct httpd_cfg *cfg)
{
	char names[256];
	model_names(names, sizeof(names));
	if (o->n_args != 1)
		return usage_error(_("serve takes one model: accepted are %s"), names);
	*cfg = (struct httpd_cfg){ .armed = true };
	if (httpd_model_from_name(o->args[0], &cfg->model))
		return usage_error(_("unknown model \"%s\" for serve: accepted are %s"), o->args[0],
				   names);
	cfg->cpus = o->n_cpus ? o->cpus : NULL;
	cfg->n_cpus = o->n_cpus;
	return serve_workers(o, &cfg->workers);
}

static int cmd_serve(const struct options *o)
{
	struct httpd_cfg cfg;
	int status = serve_config(o, &cfg);
	if (status)
		return status;

	/* Taken by sigwaitinfo() below; the server starts with an empty mask. */
	sigset_t wait;
	sigemptyset(&wait);
	sigaddset(&wait, SIGINT);
	sigaddset(&wait, SIGTERM);
	sigaddset(&wait, SIGHUP);
	sigaddset(&wait, SIGCHLD);
	sigprocmask(SIG_BLOCK, &wait, NULL);
	struct httpd h;
	int err = httpd_start(&h, &cfg);
	if (err) {
		msg_error(_("cannot start the %s server: %s"), httpd_model_name(cfg.model),
			  strerror(-err));
		return 1;
	}
	printf(_("serving %s on http://127.0.0.1:%u/ (pid %d): GET /, /work?us=N, /poison; "
		 "Ctrl-C stops\n"),
	       httpd_model_name(cfg.model), (unsigned)h.port, (int)h.pid);
	flush_stdout();
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&wait, &si);
		struct unit_end end;
		if (sig == SIGCHLD && !httpd_alive(&h, &end)) {
			if (end.signalled)
				msg_error(_("the server died by SIG%s"),
					  sigabbrev_np(end.signal) ? sigabbrev_np(end.signal)
								   : "?");
			else
				msg_error(_("the server exited with status %d"), end.code);
			return 1;
		}
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			httpd_stop(&h, NULL);
			return 0;
		}
	}
}

#ifdef PTLAB_FUZZ
/*
 * The fuzz build (fuzz/cli.c, `make fuzz`): libFuzzer brings its own
 * main(), so this file's is renamed, and ptlab_fuzz_args() takes one
 * argument vector through every check main() makes before it acts (the
 * language, the options, then build_plan() for run and serve_config() for
 * serve) and through the commands that only print. It never opens,
 * creates or removes a file, and never starts an experiment or a server:
 * report and compare (which read files), clean and the check of output
 * paths are left out. Returns the status main() would return for the same
 * arguments when they are bad, else 0.
 */
int ptlab_main(int argc, char **argv);
int ptlab_fuzz_args(int argc, char **argv);
#define main ptlab_main

int ptlab_fuzz_args(int argc, char **argv)
{
	struct options o;
	struct plan plan[64] = { 0 };
	struct httpd_cfg cfg;
	size_t n;
	int err;

	optind = 0; /* glibc: a fresh getopt scan */
	if ((err = early_lang(argc, argv)) || (err = parse_args(argc, argv, &o)))
		return err;
	if (o.show != SHOW_NOTHING)
		return show(&o);
	switch (o.cmd->cmd) {
	case CMD_RUN:
		err = build_plan(&o, plan, &n);
		for (size_t k = 0; k < 64; k++)
			free(plan[k].params);
		return err;
	case CMD_SERVE:
		return serve_config(&o, &cfg);
	case CMD_LIST:
		return cmd_list(&o);
	case CMD_CLAIMS:
		return cmd_claims(&o);
	case CMD_EXPLAIN:
		return cmd_explain(&o);
	case CMD_REPORT:
	case CMD_CLEAN:
	case CMD_COMPARE:
		break;
	}
	return 0;
}
#endif

/*
 * Ends the command's use of stdout, as gnulib's close_stdout() does: what
 * is still buffered is written and stdout is closed, and a write that
 * failed on the way or fails now (a full disk, /dev/full, a closed
 * descriptor) is said once and makes the exit status at least 1 (a larger
 * one, 2 or 128 + N, is kept). A reader that stopped reading (EPIPE, as in
 * `ptlab list | head -1`) is no error: it has what it wanted, so nothing
 * is said and the status stays. The cause is the first failed flush_stdout()'s,
 * else fclose()'s (glibc keeps the bytes a full buffer could not write,
 * and tries them again), else EIO. Returns the exit status.
 */
static int finish_stdout(int status)
{
	bool earlier = ferror(stdout) != 0;
	int err = stdout_error;
	/*
	 * A write stdio made on its own (a full buffer) failed, its errno since
	 * lost: a pipe whose reader is gone says so to poll() (POLLERR).
	 */
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
	bool reader_gone = earlier && poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
	if (fclose(stdout) != 0 && !err)
		err = errno ? errno : EIO;
	if (earlier && !err)
		err = reader_gone ? EPIPE : EIO; /* else a write failed, its cause unknown */
	if (err == 0 || err == EPIPE)
		return status;
	msg_error(_("cannot write the standard output: %s"), strerror(err));
	return status > 1 ? status : 1;
}

/* The command argv asks for, from checking to its end. Returns the exit status. */
static int run_command(int argc, char **argv)
{
	int err = early_lang(argc, argv);
	if (err)
		return err;
	struct options o;
	if ((err = parse_args(argc, argv, &o)))
		return err;
	if (o.show != SHOW_NOTHING)
		return show(&o);
	if ((err = check_outputs(&o)))
		return err;
	switch (o.cmd->cmd) {
	case CMD_RUN:
		return cmd_run(&o);
	case CMD_REPORT:
		return cmd_report(&o);
	case CMD_LIST:
		return cmd_list(&o);
	case CMD_CLAIMS:
		return cmd_claims(&o);
	case CMD_EXPLAIN:
		return cmd_explain(&o);
	case CMD_CLEAN:
		return cmd_clean(&o);
	case CMD_SERVE:
		return cmd_serve(&o);
	case CMD_COMPARE:
		return cmd_compare(&o);
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* The exec probe of `create`: exit before doing anything at all. */
	if (argc == 2 && strcmp(argv[1], PTLAB_EXEC_PROBE) == 0)
		_exit(0);
	/*
	 * Started with stdin, stdout or stderr closed, the first file ptlab
	 * opens (its registry of objects, a report file) would take that
	 * number and receive what is printed: /dev/null takes it first.
	 */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd ? O_WRONLY : O_RDONLY) < 0)
			break;
	/*
	 * A reader that stops early must not kill ptlab before the files asked
	 * for are written: writes to it fail with EPIPE instead, which
	 * finish_stdout() lets pass.
	 */
	signal(SIGPIPE, SIG_IGN);
	return finish_stdout(run_command(argc, argv));
}
