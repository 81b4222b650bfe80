// SPDX-License-Identifier: MIT
/*
 * Catalogue selection. gettext honours LANGUAGE only when the message
 * locale is not plain "C", and a machine may have no Indonesian locale
 * generated at all; so a requested language is put in LANGUAGE and the
 * message locale is moved to C.UTF-8 (built into glibc since 2.35) when it
 * would otherwise be "C". Catalogues are looked up next to the program
 * first (build/locale, for a program run from its source tree; locale,
 * for build/ptlab; ../share/locale, for an installed tree moved
 * elsewhere), then in LOCALEDIR. A program copied on its own finds none
 * of them: i18n_init() then says where it looked, so that a language
 * asked for is never dropped in silence.
 *
 * Numbers for people take the decimal separator the catalogue gives
 * (i18n_decimal_point): LC_NUMERIC stays "C" for every machine format,
 * and the separator follows the messages' language even where no locale
 * of that language is installed.
 */
#include "util/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static const char *const languages[] = { "en", "id", NULL };

static bool has_catalogue(const char *lang)
{
	for (size_t i = 0; languages[i]; i++)
		if (strcmp(lang, languages[i]) == 0)
			return true;
	return false;
}

/*
 * Binds the catalogue of language want: the first place that holds
 * <place>/<want>/LC_MESSAGES/ptlab.mo, of build/locale, locale and
 * ../share/locale beside the program, then LOCALEDIR. Returns 0, or
 * -ENOENT when want has a catalogue but none of the places holds it: then
 * LOCALEDIR is bound and looked, when not NULL, gets the places searched,
 * ", "-separated. want "" or "en" (no catalogue) binds LOCALEDIR.
 */
static int bind_catalogue(const char *want, char *looked, size_t size)
{
	static const char *const beside[] = { "build/locale", "locale", "../share/locale" };
	char exe[PATH_MAX], mo[PATH_MAX + 64];
	struct stat st;
	size_t used = 0;
	if (!has_catalogue(want) || strcmp(want, "en") == 0) {
		bindtextdomain("ptlab", LOCALEDIR);
		return 0;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 32);
	char *slash = n > 0 ? (exe[n] = '\0', strrchr(exe, '/')) : NULL;
	for (size_t i = 0; i <= sizeof(beside) / sizeof(beside[0]); i++) {
		const char *place = LOCALEDIR;
		if (i < sizeof(beside) / sizeof(beside[0])) {
			if (!slash)
				continue;
			strcpy(slash + 1, beside[i]);
			place = exe;
		}
		snprintf(mo, sizeof(mo), "%s/%s/LC_MESSAGES/ptlab.mo", place, want);
		if (stat(mo, &st) == 0 && S_ISREG(st.st_mode)) {
			bindtextdomain("ptlab", place);
			return 0;
		}
		if (looked && used < size) {
			int k = snprintf(looked + used, size - used, "%s%s", used ? ", " : "",
					 place);
			used += k > 0 ? (size_t)k : 0;
		}
	}
	bindtextdomain("ptlab", LOCALEDIR);
	return -ENOENT;
}

/*
 * The language the environment asks for messages in, as gettext reads it:
 * the first entry of LANGUAGE, else the first of LC_ALL, LC_MESSAGES and
 * LANG that is set, cut to its language part ("id" of "id_ID.UTF-8").
 * Empty when nothing is set.
 */
static void env_language(char *buf, size_t size)
{
	static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			size_t n = strcspn(v, "_.@:");
			snprintf(buf, size, "%.*s", (int)n, v);
			return;
		}
	}
}

int i18n_init(const char *lang, char *looked, size_t size)
{
	char want[16];
	if (looked && size)
		looked[0] = '\0';
	if (lang) {
		if (!has_catalogue(lang))
			return -EINVAL;
		snprintf(want, sizeof(want), "%s", lang);
		setenv("LANGUAGE", lang, 1);
	} else {
		env_language(want, sizeof(want));
		/* LANG=id_ID.UTF-8 with no such locale generated: gettext needs LANGUAGE. */
		if (has_catalogue(want) && !getenv("LANGUAGE"))
			setenv("LANGUAGE", want, 1);
	}
	setlocale(LC_ALL, "");
	const char *msgs = setlocale(LC_MESSAGES, NULL);
	/* gettext ignores LANGUAGE under the "C" locale: move messages to C.UTF-8. */
	if (has_catalogue(want) && msgs && (strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0))
		setlocale(LC_MESSAGES, "C.UTF-8");
	/* Machine formats (JSON, CSV) must not pick up a decimal comma. */
	setlocale(LC_NUMERIC, "C");
	int err = bind_catalogue(want, looked, size);
	bind_textdomain_codeset("ptlab", "UTF-8");
	textdomain("ptlab");
	return err;
}

const char *i18n_language(void)
{
	const char *l = getenv("LANGUAGE");
	const char *msgs = setlocale(LC_MESSAGES, NULL);
	char want[16];
	if (l && *l && msgs && strcmp(msgs, "C") != 0 && strcmp(msgs, "POSIX") != 0) {
		size_t n = strcspn(l, "_.@:");
		snprintf(want, sizeof(want), "%.*s", (int)n, l);
		for (size_t i = 0; languages[i]; i++)
			if (strcmp(want, languages[i]) == 0)
				return languages[i];
	}
	return "en";
}

const char *i18n_pgettext(const char *ctx_id, const char *id)
{
	const char *t = gettext(ctx_id);
	/* Untranslated, gettext hands back the "context\004id" key itself. */
	return t == ctx_id ? id : t;
}

char i18n_decimal_point(void)
{
	/* TRANSLATORS: the decimal separator of numbers for people: "12.4 µs", "×9.08". */
	const char *sep = pgettext("decimal separator", ".");
	return sep[0] && !sep[1] ? sep[0] : '.';
}

char *i18n_decimal(char *s)
{
	char sep = i18n_decimal_point();
	if (sep == '.')
		return s;
	for (char *p = s; *p; p++)
		if (*p == '.' && p > s && isdigit((unsigned char)p[-1]) &&
		    isdigit((unsigned char)p[1]))
			*p = sep;
	return s;
}
