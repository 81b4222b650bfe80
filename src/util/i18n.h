// SPDX-License-Identifier: MIT
/*
 * i18n: every user-facing string goes through gettext. English is the
 * source language; catalogues live in po/ and are compiled into
 * $(LOCALEDIR)/<lang>/LC_MESSAGES/ptlab.mo.
 */
#ifndef PTLAB_UTIL_I18N_H
#define PTLAB_UTIL_I18N_H

#include <libintl.h>
#include <stddef.h>

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Sets up the message catalogue. lang is "en", "id", or NULL to follow the
 * environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). Works without the
 * Indonesian locale being generated: the language is chosen through
 * LANGUAGE on top of the C.UTF-8 locale. Returns 0, -EINVAL for an
 * unknown lang (nothing is set up), or -ENOENT when the language asked
 * for (by lang or the environment) has a catalogue but none is found
 * beside the program or in LOCALEDIR: the messages are then English, and
 * looked (size bytes, may be NULL) gets the places searched,
 * ", "-separated, for the caller to say.
 */
int i18n_init(const char *lang, char *looked, size_t size);

/*
 * The catalogue language in use after i18n_init(): "id" or "en" (for the
 * HTML page's lang attribute).
 */
const char *i18n_language(void);

#endif
