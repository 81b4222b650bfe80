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
 * gettext with a context: the msgid id under msgctxt ctx (both string
 * literals), for a short text whose translation depends on its use, such
 * as "." the decimal separator. xgettext knows the keyword.
 */
#define pgettext(ctx, id) i18n_pgettext(ctx "\004" id, id)
const char *i18n_pgettext(const char *ctx_id, const char *id);

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

/*
 * The decimal separator of numbers written for people, in the language of
 * the catalogue in use: what the catalogue gives for "." in the context
 * "decimal separator" ("," in Indonesian), else '.'. It comes from the
 * translation, not from the locale (a machine may have no Indonesian
 * locale), and LC_NUMERIC stays "C", so printf, JSON, CSV and
 * OpenMetrics always write '.': only a formatter for people applies it.
 * A translation that is not one character is ignored. One catalogue
 * lookup per call, so a change of language (i18n_init, bindtextdomain)
 * shows at once.
 */
char i18n_decimal_point(void);

/*
 * Gives the numbers in s, in place, the decimal separator for people: each
 * '.' with a digit on both sides ("12.4 µs", "×9.08", "1.5k") becomes
 * i18n_decimal_point(). For a formatted number with its unit, never for
 * prose, where a version ("0.2.0") or an address ("127.0.0.1") would
 * change too. Returns s.
 */
char *i18n_decimal(char *s);

#endif
