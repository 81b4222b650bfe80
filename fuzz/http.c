// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the HTTP parsers of core/http.c, which face the network.
 * The input is what a client sent on one connection: http_handle()
 * (unarmed: GET /poison is a plain 404 here) answers every pipelined
 * request in it, as a server model's connection loop does, until it needs
 * more bytes or closes. The same bytes are also read as a server's reply
 * by http_response_parse(), the load generator's side.
 *
 * Besides memory safety and undefined behaviour, the contracts of
 * core/http.h are checked, and a broken one aborts:
 * - a reply consumes at least one byte and no more than it was given, and
 *   a refused request (400, 431) closes the connection;
 * - every response the server writes fits HTTP_RESPONSE_MAX and is read
 *   back whole by http_response_parse(), with the status the server
 *   meant, and "Connection: close" exactly when the server closes;
 * - no proper prefix of a head the server answered as complete is
 *   answered already (the parser never judges a head before its end),
 *   checked at a few dozen prefixes;
 * - a response the client accepts lies within the bytes it was given.
 *
 * GET /work?us=N spins the CPU N microseconds, up to a second, by design.
 * An input that asks for more than WORK_MAX_US in all is skipped (counted
 * from every "us=" and the digits after it, more than the parser would
 * accept): a microsecond of work covers http_work() as well as a second,
 * and without a bound the fuzzer learns that work is new behaviour, spends
 * its time spinning, and ends by reporting the feature itself as a hang.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WORK_MAX_US 20 /* the most work one input may ask for, in all */
#define PREFIX_CHECKS 48

static void fail(const char *what)
{
	fprintf(stderr, "fuzz/http: %s\n", what);
	abort();
}

/* An upper bound of the work the requests in buf can ask for, in microseconds. */
static uint64_t work_asked(const char *buf, size_t len)
{
	uint64_t total = 0;
	for (size_t i = 0; i + 3 <= len; i++) {
		if (memcmp(buf + i, "us=", 3) != 0)
			continue;
		uint64_t v = 0;
		for (size_t k = i + 3; k < len && buf[k] >= '0' && buf[k] <= '9'; k++)
			v = v > HTTP_WORK_MAX_US ? v : v * 10 + (uint64_t)(buf[k] - '0');
		total += v;
	}
	return total;
}

/* The server's reply to buf, parsed as its client would. */
static void check_reply(const char *out, size_t out_len, enum http_action action)
{
	struct http_response r;
	if (out_len == 0 || out_len >= HTTP_RESPONSE_MAX)
		fail("a reply that is empty or over HTTP_RESPONSE_MAX");
	if (http_response_parse(out, out_len, &r) != 1 || r.length != out_len)
		fail("the client does not read the server's reply whole");
	if (r.status < 200 || r.status > 499)
		fail("a reply with a status the server never sends");
	if (r.close != (action == HTTP_REPLY_CLOSE))
		fail("\"Connection: close\" disagrees with closing");
	for (size_t k = 0; k < out_len; k++)
		if (http_response_parse(out, k, &r) != 0)
			fail("a prefix of the server's reply is not 'need more'");
}

/* No proper prefix of a complete head is answered. */
static void check_prefixes(const char *buf, size_t head_len)
{
	char out[HTTP_RESPONSE_MAX];
	size_t out_len, consumed;
	size_t step = head_len / PREFIX_CHECKS + 1;
	for (size_t k = 0; k < head_len; k += step)
		if (http_handle(buf, k, false, out, sizeof(out), &out_len, &consumed) !=
		    HTTP_NEED_MORE)
			fail("a proper prefix of a good head was answered");
}

static void serve(const char *buf, size_t len)
{
	char out[HTTP_RESPONSE_MAX];
	size_t out_len, consumed;
	while (len) {
		struct http_response r;
		enum http_action a =
			http_handle(buf, len, false, out, sizeof(out), &out_len, &consumed);
		if (a == HTTP_NEED_MORE) {
			if (out_len || consumed)
				fail("'need more' with a reply");
			return;
		}
		if (consumed == 0 || consumed > len)
			fail("a reply that consumed nothing, or more than it had");
		check_reply(out, out_len, a);
		http_response_parse(out, out_len, &r);
		if ((r.status == 400 || r.status == 431) && a != HTTP_REPLY_CLOSE)
			fail("a refused request kept the connection");
		if (r.status != 400 && r.status != 431)
			check_prefixes(buf, consumed);
		if (a == HTTP_REPLY_CLOSE)
			return;
		buf += consumed;
		len -= consumed;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response r;
	/* A copy of exactly size bytes: the parsers must not read past it. */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (work_asked(buf, size) <= WORK_MAX_US)
		serve(buf, size);
	if (http_response_parse(buf, size, &r) == 1 &&
	    (r.length > size || r.body_length > r.length || r.status < 100 || r.status > 599))
		fail("a response accepted beyond its bytes or with an impossible status");
	free(buf);
	return 0;
}
