// SPDX-License-Identifier: MIT
/* rawscan: the raw samples read before jansson parses the rest. See rawscan.h. */
#include "model/rawscan.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* An array the scanner read: text[start..end] held it. */
struct span {
	size_t start, end;
	uint64_t *v;
	size_t n;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *text, size_t len, size_t i)
{
	while (i < len && is_ws(text[i]))
		i++;
	return i;
}

/*
 * Reads the array that opens at text[i] ('[') if it holds only plain
 * integers, at least one: fills s and returns true. Otherwise returns
 * false and leaves nothing allocated.
 */
static bool read_array(const char *text, size_t len, size_t i, struct span *s)
{
	size_t cap = 0, p = skip_ws(text, len, i + 1);
	memset(s, 0, sizeof(*s));
	s->start = i;
	for (;;) {
		if (p >= len || text[p] < '0' || text[p] > '9' ||
		    (text[p] == '0' && p + 1 < len && text[p + 1] >= '0' && text[p + 1] <= '9'))
			goto not_plain;
		uint64_t x = 0;
		for (; p < len && text[p] >= '0' && text[p] <= '9'; p++) {
			uint64_t d = (uint64_t)(text[p] - '0');
			if (x > ((uint64_t)INT64_MAX - d) / 10)
				goto not_plain;
			x = x * 10 + d;
		}
		xgrow((void **)&s->v, &cap, s->n + 1, sizeof(*s->v));
		s->v[s->n++] = x;
		p = skip_ws(text, len, p);
		if (p < len && text[p] == ']') {
			s->end = p;
			return true;
		}
		if (p >= len || text[p] != ',')
			goto not_plain;
		p = skip_ws(text, len, p + 1);
	}
not_plain:
	free(s->v);
	memset(s, 0, sizeof(*s));
	return false;
}

/*
 * Overwrites text[s->start..s->end] with spaces, keeping its newlines, and
 * writes index in the longest stretch without one. Returns false, the
 * text untouched, when no stretch is long enough.
 */
static bool write_marker(char *text, const struct span *s, size_t index)
{
	char digits[24];
	int w = snprintf(digits, sizeof(digits), "%zu", index);
	size_t best = s->start, best_len = 0, run = s->start;
	for (size_t i = s->start; i <= s->end + 1; i++) {
		if (i <= s->end && text[i] != '\n')
			continue;
		if (i - run > best_len) {
			best = run;
			best_len = i - run;
		}
		run = i + 1;
	}
	if (w < 0 || (size_t)w > best_len)
		return false;
	for (size_t i = s->start; i <= s->end; i++)
		if (text[i] != '\n')
			text[i] = ' ';
	memcpy(text + best, digits, (size_t)w);
	return true;
}

void raw_table_scan(char *text, size_t len, struct raw_table *t)
{
	struct span *spans = NULL;
	size_t n_spans = 0, cap = 0, i = 0;
	bool give_up = false;

	memset(t, 0, sizeof(*t));
	while (i < len && !give_up) {
		if (text[i] != '"') {
			i++;
			continue;
		}
		size_t j = i + 1;
		bool escaped = false;
		while (j < len && text[j] != '"') {
			if (text[j] == '\\') {
				escaped = true;
				j++;
			}
			j++;
		}
		if (j >= len)
			break; /* an unterminated string: jansson says where */
		size_t k = skip_ws(text, len, j + 1);
		bool key = k < len && text[k] == ':';
		bool raw = key && j - i - 1 == 3 && memcmp(text + i + 1, "raw", 3) == 0;
		i = j + 1;
		if (key && escaped) {
			give_up = true;
		} else if (raw) {
			size_t v = skip_ws(text, len, k + 1);
			struct span s;
			if (v >= len || text[v] != '[') {
				give_up = true;
			} else if (read_array(text, len, v, &s)) {
				xgrow((void **)&spans, &cap, n_spans + 1, sizeof(*spans));
				spans[n_spans++] = s;
				i = s.end + 1;
			}
		}
	}

	for (size_t s = 0; s < n_spans; s++) {
		if (give_up || !write_marker(text, &spans[s], t->n)) {
			free(spans[s].v);
			continue;
		}
		if (t->n == 0) {
			t->v = xmalloc(n_spans * sizeof(*t->v));
			t->len = xmalloc(n_spans * sizeof(*t->len));
		}
		t->v[t->n] = spans[s].v;
		t->len[t->n++] = spans[s].n;
	}
	free(spans);
}

int raw_table_take(struct raw_table *t, uint64_t i, uint64_t **out, size_t *n)
{
	if (i >= t->n || !t->v[i])
		return -ENOENT;
	*out = t->v[i];
	*n = t->len[i];
	t->v[i] = NULL;
	return 0;
}

void raw_table_free(struct raw_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	free(t->len);
	memset(t, 0, sizeof(*t));
}
