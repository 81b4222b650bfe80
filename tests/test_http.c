// SPDX-License-Identifier: MIT
/*
 * Tests of core/http: the status of every route and of every kind of
 * malformed head, keep-alive against close for HTTP/1.0 and 1.1 and
 * Connection lists, the HTTP_HEAD_MAX edge on both sides, partial heads
 * (every prefix of a valid head waits for more), pipelining, and the
 * response parser on whole, partial and garbage input. Every response
 * http_handle() writes is parsed back by http_response_parse(), and every
 * input is handed over in a heap block of exactly its length, so that a
 * read past the end shows under AddressSanitizer. A seeded stream of
 * random and mutated heads checks that both parsers stay within their
 * contracts on anything. The armed poison is run in a child that must die
 * of SIGSEGV. The only clock assertion is a lower bound (the work lasts at
 * least what was asked), which no slow machine can fail.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/http.h"
#include "suites.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define REQ(s) s, sizeof(s) - 1 /* a literal and its length, NULs included */

struct reply {
	enum http_action action;
	size_t out_len, consumed;
	char out[HTTP_RESPONSE_MAX];
	struct http_response r; /* out, parsed back */
};

static bool out_has(const struct reply *rep, const char *s)
{
	return memmem(rep->out, rep->out_len, s, strlen(s)) != NULL;
}

/*
 * Handles buf[0..len) (copied to a block of exactly len bytes), unarmed,
 * with cap exactly HTTP_RESPONSE_MAX, and checks what every answer owes:
 * nothing written while waiting; otherwise a response that parses back
 * whole, says "Connection: close" exactly when the action closes, and
 * consumes some but no more than the bytes given.
 */
static void handle(const char *buf, size_t len, struct reply *rep)
{
	char *copy = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, buf, len);
	rep->action = http_handle(copy, len, false, rep->out, sizeof(rep->out), &rep->out_len,
				  &rep->consumed);
	free(copy);
	if (rep->action == HTTP_NEED_MORE) {
		ck_assert_uint_eq(rep->out_len, 0);
		ck_assert_uint_eq(rep->consumed, 0);
		return;
	}
	ck_assert(rep->action == HTTP_REPLY || rep->action == HTTP_REPLY_CLOSE);
	ck_assert_uint_gt(rep->consumed, 0);
	ck_assert_uint_le(rep->consumed, len);
	ck_assert_uint_lt(rep->out_len, HTTP_RESPONSE_MAX);
	ck_assert_int_eq(http_response_parse(rep->out, rep->out_len, &rep->r), 1);
	ck_assert_uint_eq(rep->r.length, rep->out_len);
	ck_assert(rep->r.close == (rep->action == HTTP_REPLY_CLOSE));
	ck_assert(out_has(rep, "Connection: close\r\n") == rep->r.close);
}

struct status_case {
	const char *req;
	size_t len;
	int status;
	enum http_action action;
};

#define KEEP HTTP_REPLY
#define CLOSE HTTP_REPLY_CLOSE

static const struct status_case statuses[] = {
	/* the routes */
	{ REQ("GET / HTTP/1.1\r\n\r\n"), 200, KEEP },
	{ REQ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), 200, KEEP },
	{ REQ("GET / HTTP/1.1\r\ncontent-length: 00\r\nX-Empty:\r\nX: \xc3\xa9\t\r\n\r\n"), 200,
	  KEEP },
	{ REQ("GET /work?us=0 HTTP/1.1\r\n\r\n"), 200, KEEP },
	{ REQ("GET /work?us=1 HTTP/1.1\r\n\r\n"), 200, KEEP },
	{ REQ("GET /work?us=000100 HTTP/1.1\r\n\r\n"), 200, KEEP },
	{ REQ("GET /nope HTTP/1.1\r\n\r\n"), 404, KEEP },
	{ REQ("GET /?x=1 HTTP/1.1\r\n\r\n"), 404, KEEP },
	{ REQ("GET /workshop HTTP/1.1\r\n\r\n"), 404, KEEP },
	{ REQ("GET /work/ HTTP/1.1\r\n\r\n"), 404, KEEP },
	{ REQ("GET /poison HTTP/1.1\r\n\r\n"), 404, KEEP }, /* unarmed */
	{ REQ("GET /poison HTTP/1.0\r\n\r\n"), 404, CLOSE },
	{ REQ("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), 405, KEEP },
	{ REQ("DELETE /nope HTTP/1.1\r\nConnection: close\r\n\r\n"), 405, CLOSE },
	{ REQ("HEAD / HTTP/1.0\r\n\r\n"), 405, CLOSE },
	{ REQ("get / HTTP/1.1\r\n\r\n"), 405, KEEP }, /* methods are case-sensitive */
	/* an empty or garbage request line */
	{ REQ("\r\n"), 400, CLOSE },
	{ REQ("\r\nGET / HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("hello\r\n\r\n"), 400, CLOSE },
	{ REQ(" GET / HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET  / HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1 \r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1 x\r\n\r\n"), 400, CLOSE },
	{ REQ("G(T / HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET * HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET http://h/ HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /\xff HTTP/1.1\r\n\r\n"), 400, CLOSE },
	/* a missing or unknown version */
	{ REQ("GET /\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / \r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/2.0\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.2\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.10\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / http/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1\r\n\r\n"), 400, CLOSE },
	/* control characters, NUL, bare LF, lone CR */
	{ REQ("GET /\x01 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /\0 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GE\tT / HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET\t/ HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\n\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nHost: x\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\n\r\r"), 400, CLOSE },
	/* header lines without a proper name and colon */
	{ REQ("GET / HTTP/1.1\r\nHost\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\n: x\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nHo st: x\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n"), 400, CLOSE },
	/* a body, announced either way */
	{ REQ("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nContent-Length:\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nContent-Length: -0\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nContent-Length: 0x0\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nContent-Length: 0 0\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400, CLOSE },
	{ REQ("GET / HTTP/1.1\r\ntransfer-encoding: identity\r\n\r\n"), 400, CLOSE },
	{ REQ("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"), 400, CLOSE },
	/* /work with N missing, signed, too large or not alone */
	{ REQ("GET /work HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work? HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?us= HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?us=-1 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?us=+1 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?us=1000001 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?us=4294967297 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?us=99999999999999999999999999 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?us=1x HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?us=1&v=2 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?v=2&us=1 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	{ REQ("GET /work?US=1 HTTP/1.1\r\n\r\n"), 400, CLOSE },
	/* malformed beats an otherwise refused method */
	{ REQ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400, CLOSE },
};

START_TEST(test_status)
{
	const struct status_case *c = &statuses[_i];
	struct reply rep;

	handle(c->req, c->len, &rep);
	ck_assert_msg(rep.action == c->action, "case %d: action %d", _i, (int)rep.action);
	ck_assert_msg(rep.r.status == c->status, "case %d: status %d", _i, rep.r.status);
	/* A well-formed head is consumed exactly; a refused one takes everything. */
	if (c->status == 400)
		ck_assert_uint_le(rep.consumed, c->len);
	else
		ck_assert_uint_eq(rep.consumed, c->len);
	if (c->status == 200)
		ck_assert_uint_eq(rep.r.body_length, strlen(HTTP_BODY));
	ck_assert(out_has(&rep, "Allow: GET\r\n") == (c->status == 405));
	/* Every error carries a short body too. */
	ck_assert_uint_gt(rep.r.body_length, 0);
}
END_TEST

START_TEST(test_exact_bytes)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n"
				 "Content-Type: text/plain\r\n\r\nptlab: hello\n";
	static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 12\r\n"
				  "Content-Type: text/plain\r\nConnection: close\r\n\r\n"
				  "bad request\n";
	struct reply rep;

	handle(REQ("GET / HTTP/1.1\r\n\r\n"), &rep);
	ck_assert_uint_eq(rep.out_len, sizeof(ok) - 1);
	ck_assert_mem_eq(rep.out, ok, sizeof(ok) - 1);
	handle(REQ("nonsense\r\n"), &rep);
	ck_assert_uint_eq(rep.out_len, sizeof(bad) - 1);
	ck_assert_mem_eq(rep.out, bad, sizeof(bad) - 1);
}
END_TEST

START_TEST(test_work_max)
{
	/* The largest N is accepted: one second of work, once. */
	struct reply rep;
	uint64_t t0 = clock_now_ns();

	handle(REQ("GET /work?us=1000000 HTTP/1.1\r\n\r\n"), &rep);
	ck_assert_int_eq(rep.r.status, 200);
	ck_assert_uint_ge(clock_now_ns() - t0, (uint64_t)HTTP_WORK_MAX_US * 1000);
}
END_TEST

struct conn_case {
	const char *req;
	size_t len;
	bool close;
};

static const struct conn_case conns[] = {
	{ REQ("GET / HTTP/1.1\r\n\r\n"), false },
	{ REQ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.1\r\nconnection: CLOSE\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.1\r\nConnection:close\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.1\r\nConnection: \tclose \t\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.1\r\nConnection: foo ,  Close , bar\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.1\r\nConnection: ,,close,,\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.1\r\nConnection: upgrade\r\nConnection: close\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n"), false },
	{ REQ("GET / HTTP/1.1\r\nConnection: clo se\r\n\r\n"), false },
	{ REQ("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n"), false },
	{ REQ("GET / HTTP/1.1\r\nX-Connection: close\r\n\r\n"), false },
	{ REQ("GET / HTTP/1.0\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), false },
	{ REQ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), false },
	{ REQ("GET / HTTP/1.0\r\nConnection: te, keep-alive\r\n\r\n"), false },
	{ REQ("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"), true },
	{ REQ("GET / HTTP/1.0\r\nConnection: keep-alives\r\n\r\n"), true },
	{ REQ("GET /nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), false },
	{ REQ("GET /nope HTTP/1.1\r\nConnection: close\r\n\r\n"), true },
};

START_TEST(test_connection)
{
	const struct conn_case *c = &conns[_i];
	struct reply rep;
	bool http10 = memmem(c->req, c->len, "HTTP/1.0", 8) != NULL;

	handle(c->req, c->len, &rep);
	ck_assert_msg(rep.action == (c->close ? HTTP_REPLY_CLOSE : HTTP_REPLY), "case %d", _i);
	ck_assert_uint_eq(rep.consumed, c->len);
	/* A kept HTTP/1.0 connection is confirmed; HTTP/1.1 needs no word. */
	ck_assert(out_has(&rep, "Connection: keep-alive\r\n") == (http10 && !c->close));
}
END_TEST

static const struct {
	const char *req;
	size_t len;
} valid[] = {
	{ REQ("GET / HTTP/1.1\r\n\r\n") },
	{ REQ("GET /work?us=12 HTTP/1.0\r\nHost: example\r\nConnection: keep-alive\r\n\r\n") },
	{ REQ("GET /x HTTP/1.1\r\nUser-Agent: ptlab\r\nAccept: */*\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("PUT / HTTP/1.1\r\nConnection: a, close\r\n\r\n") },
};

START_TEST(test_every_prefix_waits)
{
	const char *req = valid[_i].req;
	size_t len = valid[_i].len;
	struct reply rep;

	for (size_t k = 0; k < len; k++) {
		handle(req, k, &rep);
		ck_assert_msg(rep.action == HTTP_NEED_MORE, "prefix %zu answered", k);
	}
	handle(req, len, &rep);
	ck_assert(rep.action != HTTP_NEED_MORE);
	ck_assert_uint_eq(rep.consumed, len);
}
END_TEST

START_TEST(test_early_refusal)
{
	/* Known bad before the head ends: answered at once, not waited for. */
	static const struct {
		const char *req;
		size_t len;
	} early[] = {
		{ REQ("\0") },
		{ REQ("GET /\n") },
		{ REQ("GET /\rx") },
		{ REQ("\r\n") },
		{ REQ("GET / HTTP/9.9\r\n") },
		{ REQ("GET / HTTP/1.1\r\nno colon here\r\n") },
		{ REQ("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: x") },
	};
	struct reply rep;

	for (size_t i = 0; i < ARRAY_SIZE(early); i++) {
		handle(early[i].req, early[i].len, &rep);
		ck_assert_msg(rep.action == HTTP_REPLY_CLOSE, "case %zu", i);
		ck_assert_int_eq(rep.r.status, 400);
		ck_assert_uint_eq(rep.consumed, early[i].len);
	}
}
END_TEST

/* A head of exactly total bytes: the request line, one long header, and (if ended) CRLF CRLF. */
static char *long_head(size_t total, bool ended)
{
	static const char line[] = "GET / HTTP/1.1\r\nX: ";
	char *h = malloc(total);

	ck_assert_ptr_nonnull(h);
	memcpy(h, line, sizeof(line) - 1);
	memset(h + sizeof(line) - 1, 'a', total - (sizeof(line) - 1));
	if (ended)
		memcpy(h + total - 4, "\r\n\r\n", 4);
	return h;
}

START_TEST(test_head_max)
{
	struct reply rep;
	char *h;

	/* Exactly HTTP_HEAD_MAX bytes, end included: accepted. */
	h = long_head(HTTP_HEAD_MAX, true);
	handle(h, HTTP_HEAD_MAX, &rep);
	ck_assert_int_eq(rep.action, HTTP_REPLY);
	ck_assert_int_eq(rep.r.status, 200);
	ck_assert_uint_eq(rep.consumed, HTTP_HEAD_MAX);
	free(h);

	/* One byte more: 431, as soon as HTTP_HEAD_MAX bytes are there. */
	h = long_head(HTTP_HEAD_MAX + 1, true);
	handle(h, HTTP_HEAD_MAX - 1, &rep);
	ck_assert_int_eq(rep.action, HTTP_NEED_MORE);
	handle(h, HTTP_HEAD_MAX, &rep);
	ck_assert_int_eq(rep.action, HTTP_REPLY_CLOSE);
	ck_assert_int_eq(rep.r.status, 431);
	handle(h, HTTP_HEAD_MAX + 1, &rep);
	ck_assert_int_eq(rep.r.status, 431);
	free(h);

	/* The last header's CRLF ends exactly at HTTP_HEAD_MAX: the final CRLF cannot fit. */
	h = long_head(HTTP_HEAD_MAX + 2, true);
	ck_assert_mem_eq(h + HTTP_HEAD_MAX - 2, "\r\n", 2);
	handle(h, HTTP_HEAD_MAX, &rep);
	ck_assert_int_eq(rep.r.status, 431);
	free(h);

	/* Long without an end, the request line alone, and far past the limit. */
	h = long_head(3 * HTTP_HEAD_MAX, false);
	handle(h, HTTP_HEAD_MAX - 1, &rep);
	ck_assert_int_eq(rep.action, HTTP_NEED_MORE);
	handle(h, HTTP_HEAD_MAX, &rep);
	ck_assert_int_eq(rep.r.status, 431);
	handle(h, 3 * HTTP_HEAD_MAX, &rep);
	ck_assert_int_eq(rep.r.status, 431);
	ck_assert_uint_eq(rep.consumed, 3 * HTTP_HEAD_MAX);
	memset(h, '/', 3 * HTTP_HEAD_MAX);
	memcpy(h, "GET ", 4);
	handle(h, HTTP_HEAD_MAX, &rep);
	ck_assert_int_eq(rep.r.status, 431);
	free(h);
}
END_TEST

START_TEST(test_pipelining)
{
	static const char one[] = "GET / HTTP/1.1\r\n\r\n";
	static const char two[] = "GET /nope HTTP/1.1\r\nX: y\r\n\r\n";
	static const char three[] = "POST /work?us=0 HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
	static const char tail[] = "GET / HT";
	static const int want[] = { 200, 404, 405 };
	const size_t lens[] = { sizeof(one) - 1, sizeof(two) - 1, sizeof(three) - 1 };
	char buf[256];
	size_t len = 0, at = 0;
	struct reply rep;

	memcpy(buf + len, one, lens[0]);
	len += lens[0];
	memcpy(buf + len, two, lens[1]);
	len += lens[1];
	memcpy(buf + len, three, lens[2]);
	len += lens[2];
	memcpy(buf + len, tail, sizeof(tail) - 1);
	len += sizeof(tail) - 1;
	for (size_t i = 0; i < 3; i++) {
		handle(buf + at, len - at, &rep);
		ck_assert_int_eq(rep.action, HTTP_REPLY);
		ck_assert_int_eq(rep.r.status, want[i]);
		ck_assert_uint_eq(rep.consumed, lens[i]);
		at += rep.consumed;
	}
	handle(buf + at, len - at, &rep);
	ck_assert_int_eq(rep.action, HTTP_NEED_MORE);
	ck_assert_uint_eq(len - at, sizeof(tail) - 1);
}
END_TEST

START_TEST(test_poison_unarmed_and_near_misses)
{
	/* Armed, but not the exact route, or not a whole GET head: no crash. */
	static const struct {
		const char *req;
		size_t len;
		int status;
	} cases[] = {
		{ REQ("GET /poison?x HTTP/1.1\r\n\r\n"), 404 },
		{ REQ("GET /poison/ HTTP/1.1\r\n\r\n"), 404 },
		{ REQ("POST /poison HTTP/1.1\r\n\r\n"), 405 },
		{ REQ("GET /poison HTTP/1.1\r\nX\r\n\r\n"), 400 },
		{ REQ("GET /poison HTTP/1.1\r\n"), 0 },
	};
	char out[HTTP_RESPONSE_MAX];
	struct http_response r;
	size_t out_len, consumed;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum http_action a = http_handle(cases[i].req, cases[i].len, true, out, sizeof(out),
						 &out_len, &consumed);
		if (cases[i].status == 0) {
			ck_assert_int_eq(a, HTTP_NEED_MORE);
			continue;
		}
		ck_assert_int_eq(http_response_parse(out, out_len, &r), 1);
		ck_assert_int_eq(r.status, cases[i].status);
	}
}
END_TEST

START_TEST(test_poison_armed)
{
	static const char req[] = "GET /poison HTTP/1.1\r\n\r\n";
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit none = { 0, 0 };
		char out[HTTP_RESPONSE_MAX];
		size_t out_len, consumed;

		setrlimit(RLIMIT_CORE, &none);
		prctl(PR_SET_DUMPABLE, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGSEGV, SIG_DFL); /* the sanitizers' handler would exit instead */
		http_handle(req, sizeof(req) - 1, true, out, sizeof(out), &out_len, &consumed);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	ck_assert_msg(WIFSIGNALED(status), "the child exited with status %d", WEXITSTATUS(status));
	ck_assert_int_eq(WTERMSIG(status), SIGSEGV);
}
END_TEST

START_TEST(test_work_lasts)
{
	struct reply rep;
	uint64_t t0 = clock_now_ns();

	http_work(0);
	http_work(2000);
	ck_assert_uint_ge(clock_now_ns() - t0, 2000000);
	t0 = clock_now_ns();
	handle(REQ("GET /work?us=3000 HTTP/1.1\r\n\r\n"), &rep);
	ck_assert_int_eq(rep.r.status, 200);
	ck_assert_uint_ge(clock_now_ns() - t0, 3000000);
}
END_TEST

/* Parses buf[0..len) from a block of exactly len bytes. */
static int parse_exact(const char *buf, size_t len, struct http_response *r)
{
	char *copy = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, buf, len);
	int rc = http_response_parse(copy, len, r);
	free(copy);
	return rc;
}

START_TEST(test_response_prefixes)
{
	static const char resp[] = "HTTP/1.0 503 Service Unavailable\r\ncontent-length: 5\r\n"
				   "Connection: keep-alive, Close\r\n\r\nbusy\nHTTP/1.1 200 OK\r\n";
	const size_t whole = sizeof(resp) - 1 - strlen("HTTP/1.1 200 OK\r\n");
	struct http_response r;

	for (size_t k = 0; k < whole; k++)
		ck_assert_msg(parse_exact(resp, k, &r) == 0, "prefix %zu", k);
	for (size_t k = whole; k < sizeof(resp); k++) {
		memset(&r, 0, sizeof(r));
		ck_assert_int_eq(parse_exact(resp, k, &r), 1);
		ck_assert_int_eq(r.status, 503);
		ck_assert_uint_eq(r.length, whole);
		ck_assert_uint_eq(r.body_length, 5);
		ck_assert(r.close);
	}
}
END_TEST

START_TEST(test_response_forms)
{
	/* Two Content-Lengths that agree, and a Connection token that is not close. */
	static const char twice[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n"
				    "Connection: closed\r\n\r\nok";
	struct http_response r;

	ck_assert_int_eq(parse_exact(REQ("HTTP/1.1 204\r\nContent-Length: 0\r\n\r\n"), &r), 1);
	ck_assert_int_eq(r.status, 204);
	ck_assert(!r.close);
	ck_assert_int_eq(parse_exact(REQ(twice), &r), 1);
	ck_assert_uint_eq(r.length, sizeof(twice) - 1);
	ck_assert(!r.close);
	/* A huge but representable body is waited for, not refused. */
	ck_assert_int_eq(parse_exact(REQ("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"), &r),
			 0);
}
END_TEST

static const struct {
	const char *resp;
	size_t len;
} garbage[] = {
	{ REQ("X") },
	{ REQ("HX") },
	{ REQ("HTTP/2") },
	{ REQ("http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("HTTP/1.1 200 OK\r\n\r\n") }, /* no Content-Length */
	{ REQ("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("HTTP/1.1 099 OK\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("HTTP/1.1 600 OK\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n") },
	{ REQ("HTTP/1.1\r\n") },
	{ REQ("HTTP/1.1 200 OK\n") },
	{ REQ("HTTP/1.1 200 OK\r\nContent-Length: 0\n\n") },
	{ REQ("HTTP/1.1 200 O\0K\r\n") },
	{ REQ("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n") },
	{ REQ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") },
	{ REQ("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n") },
	{ REQ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n") },
	{ REQ("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n") },
	{ REQ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") },
	{ REQ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n") },
	{ REQ("HTTP/1.1 200 OK\r\nno colon\r\n") },
	{ REQ("HTTP/1.1 200 OK\r\n folded: x\r\n") },
	{ REQ("\r\n") },
};

START_TEST(test_response_garbage)
{
	struct http_response r;

	ck_assert_msg(parse_exact(garbage[_i].resp, garbage[_i].len, &r) == -EPROTO, "case %d", _i);
}
END_TEST

START_TEST(test_response_head_max)
{
	static const char start[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: ";
	char *h = malloc(HTTP_HEAD_MAX + 1);
	struct http_response r;

	ck_assert_ptr_nonnull(h);
	memcpy(h, start, sizeof(start) - 1);
	memset(h + sizeof(start) - 1, 'a', HTTP_HEAD_MAX + 1 - (sizeof(start) - 1));
	ck_assert_int_eq(parse_exact(h, HTTP_HEAD_MAX - 1, &r), 0);
	ck_assert_int_eq(parse_exact(h, HTTP_HEAD_MAX, &r), -EPROTO);
	memcpy(h + HTTP_HEAD_MAX - 4, "\r\n\r\n", 4);
	ck_assert_int_eq(parse_exact(h, HTTP_HEAD_MAX, &r), 1);
	ck_assert_uint_eq(r.length, HTTP_HEAD_MAX);
	free(h);
}
END_TEST

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Seeded random heads, from bytes a parser cares about, and valid heads
 * with one byte replaced: both parsers must keep their contracts (the
 * checks in handle()), never read past the end (ASan) and, for the
 * response parser, return 1, 0 or -EPROTO with a length within the input.
 */
START_TEST(test_robust)
{
	static const char alphabet[] = "GET /work?us=0159 HTTP/1.01\r\n\r\n:,\t\0\x7f\xff"
				       "Content-Length Connection close keep-alive 200 OK";
	static const char swaps[] = {
		0, '\n', '\r', ' ', ':', ',', '\t', 'x', '0', '\x7f', '\x80'
	};
	uint64_t seed = 0x2545f4914f6cdd1dull;
	struct http_response r;
	struct reply rep;
	char buf[600];

	for (int n = 0; n < 20000; n++) {
		size_t len = xorshift(&seed) % sizeof(buf);
		for (size_t i = 0; i < len; i++) {
			uint64_t x = xorshift(&seed);
			buf[i] = x & 1 ? (char)(x >> 8)
				       : alphabet[(x >> 8) % (sizeof(alphabet) - 1)];
		}
		if (n % 2)
			memcpy(buf, n % 4 == 1 ? "GET / HTTP/1.1\r\n" : "HTTP/1.1 200 OK\r\n",
			       len < 16 ? len : 16);
		handle(buf, len, &rep);
		int rc = parse_exact(buf, len, &r);
		ck_assert(rc == 1 || rc == 0 || rc == -EPROTO);
		if (rc == 1)
			ck_assert_uint_le(r.length, len);
	}
	for (size_t v = 0; v < ARRAY_SIZE(valid); v++) {
		for (size_t i = 0; i < valid[v].len; i++) {
			for (size_t s = 0; s < sizeof(swaps); s++) {
				memcpy(buf, valid[v].req, valid[v].len);
				buf[i] = swaps[s];
				handle(buf, valid[v].len, &rep);
			}
		}
	}
}
END_TEST

Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("http");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_status, 0, ARRAY_SIZE(statuses));
	tcase_add_test(tc, test_exact_bytes);
	tcase_add_test(tc, test_work_max);
	tcase_add_loop_test(tc, test_connection, 0, ARRAY_SIZE(conns));
	tcase_add_loop_test(tc, test_every_prefix_waits, 0, ARRAY_SIZE(valid));
	tcase_add_test(tc, test_early_refusal);
	tcase_add_test(tc, test_head_max);
	tcase_add_test(tc, test_pipelining);
	tcase_add_test(tc, test_poison_unarmed_and_near_misses);
	tcase_add_test(tc, test_poison_armed);
	tcase_add_test(tc, test_work_lasts);
	tcase_add_test(tc, test_response_prefixes);
	tcase_add_test(tc, test_response_forms);
	tcase_add_loop_test(tc, test_response_garbage, 0, ARRAY_SIZE(garbage));
	tcase_add_test(tc, test_response_head_max);
	tcase_add_test(tc, test_robust);
	suite_add_tcase(s, tc);
	return s;
}
