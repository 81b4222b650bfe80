// SPDX-License-Identifier: MIT
/*
 * Catalogue selection. gettext honours LANGUAGE only when the message
 * locale is not plain "C", and a machine may have no Indonesian locale
 * generated at all; so a requested language is put in LANGUAGE and the
 * message locale is moved to C.UTF-8 (built into glibc since 2.35) when it
 * would otherwise be "C". Catalogues are looked up next to the program
 * first (build/locale, for a program run from its source tree), then in
 * LOCALEDIR.
 */
#include "util/i18n.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static const char *const languages[] = { "en", "id", NULL };

static void bind_catalogue(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 32);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			struct stat st;
			strcpy(slash + 1, "build/locale");
			if (stat(exe, &st) == 0 && S_ISDIR(st.st_mode)) {
				bindtextdomain("ptlab", exe);
				return;
			}
		}
	}
	bindtextdomain("ptlab", LOCALEDIR);
}

int i18n_init(const char *lang)
{
	if (lang) {
		size_t i;
		for (i = 0; languages[i]; i++)
			if (strcmp(lang, languages[i]) == 0)
				break;
		if (!languages[i])
			return -EINVAL;
		setenv("LANGUAGE", lang, 1);
	}
	setlocale(LC_ALL, "");
	const char *msgs = setlocale(LC_MESSAGES, NULL);
	if (lang && msgs && (strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0))
		setlocale(LC_MESSAGES, "C.UTF-8");
	/* Machine formats (JSON, CSV) must not pick up a decimal comma. */
	setlocale(LC_NUMERIC, "C");
	bind_catalogue();
	bind_textdomain_codeset("ptlab", "UTF-8");
	textdomain("ptlab");
	return 0;
}
