// SPDX-License-Identifier: MIT
/*
 * http: one request head in, one whole response out, and the reverse for
 * the client side; no allocation, no sockets, no state between calls.
 *
 * Both parsers walk the head one CRLF-terminated line at a time, and only
 * the first HTTP_HEAD_MAX bytes are ever looked at: the buffer is not
 * NUL-terminated and may hold anything. They are strict on purpose:
 * - lines end in CRLF; a bare LF, a CR not followed by LF, NUL or any other
 *   control character but HTAB (allowed in header values) is refused as
 *   soon as it is seen, before the head is complete. A tolerant parser would
 *   let a load generator's mistake pass as a slow server;
 * - the request line is exactly METHOD SP target SP HTTP/1.0 or HTTP/1.1,
 *   the method a token, the target printable ASCII starting with '/'
 *   (origin form only: "*" and absolute URIs are refused); no empty lines
 *   before it and no obsolete folded header lines;
 * - a complete line is judged when its CRLF arrives, so a bad request line
 *   is answered 400 without waiting for the headers. No prefix of a valid
 *   head is ever refused: every byte that arrives could still begin one.
 *
 * Routing matches the whole target: "/" and "/work?us=N" exactly (N decimal
 * digits only, no other parameter), "/poison" exactly. A method other than
 * GET is answered 405 but keeps the connection where keep-alive applies:
 * the head was well formed and carried no body (a body is refused as 400),
 * so the next request starts right after it. A 405 carries "Allow: GET", as
 * RFC 9110 requires; a kept HTTP/1.0 connection is confirmed with
 * "Connection: keep-alive", without which an HTTP/1.0 client closes.
 *
 * A request refused before the end of its head is found (400, 431)
 * consumes all of buf: the connection is closing and nothing after the
 * error can be trusted to start a request.
 */
#include "core/http.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

/* A stretch of a buffer, never NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

enum {
	HEAD_LINE = 1, /* a header (or request or status) line */
	HEAD_END = 2,  /* the empty line that ends the head */
};

/*
 * Reads the line that starts at buf[*pos]. Returns HEAD_LINE or HEAD_END
 * with *ln set (without its CRLF) and *pos moved past the CRLF; 0 when the
 * line is not complete yet; -EBADMSG for a byte no head may hold; -EMSGSIZE
 * when the head reaches HTTP_HEAD_MAX bytes without ending there (a line
 * whose CRLF would end past that is too long even if the bytes are there).
 */
static int head_line(const char *buf, size_t len, size_t *pos, struct span *ln)
{
	size_t lim = len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX;

	for (size_t i = *pos; i < lim; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\r') {
			if (i + 1 == lim)
				break;
			if (buf[i + 1] != '\n')
				return -EBADMSG;
			ln->p = buf + *pos;
			ln->n = i - *pos;
			*pos = i + 2;
			return ln->n ? HEAD_LINE : HEAD_END;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -EBADMSG;
	}
	return len >= HTTP_HEAD_MAX ? -EMSGSIZE : 0;
}

/* RFC 9110's tchar: what a method or a header name is made of. */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* ASCII case-insensitive comparison with a lower-case literal (no locale). */
static bool span_ieq(struct span s, const char *lower)
{
	if (s.n != strlen(lower))
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c | 0x20);
		if (c != (unsigned char)lower[i])
			return false;
	}
	return true;
}

/* s without the optional whitespace (SP, HTAB) at either end. */
static struct span trim_ows(struct span s)
{
	while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.n--;
	}
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	return s;
}

/*
 * Splits a header line into its name and its value (trimmed). Returns 0,
 * or -EBADMSG when there is no colon or the name is empty or not a token:
 * that refuses whitespace before the colon and folded continuation lines.
 */
static int split_field(struct span ln, struct span *name, struct span *value)
{
	const char *colon = memchr(ln.p, ':', ln.n);

	if (!colon || colon == ln.p)
		return -EBADMSG;
	name->p = ln.p;
	name->n = (size_t)(colon - ln.p);
	for (size_t i = 0; i < name->n; i++)
		if (!is_tchar((unsigned char)name->p[i]))
			return -EBADMSG;
	*value = trim_ows((struct span){ colon + 1, ln.n - name->n - 1 });
	return 0;
}

/*
 * Notes the tokens "close" and "keep-alive" in a Connection value: a comma
 * list, whitespace around each element, any case, empty elements ignored.
 */
static void connection_tokens(struct span v, bool *close, bool *keep_alive)
{
	size_t start = 0;

	for (size_t i = 0; i <= v.n; i++) {
		if (i < v.n && v.p[i] != ',')
			continue;
		struct span t = trim_ows((struct span){ v.p + start, i - start });
		if (span_ieq(t, "close"))
			*close = true;
		else if (span_ieq(t, "keep-alive"))
			*keep_alive = true;
		start = i + 1;
	}
}

/*
 * Decimal digits only, at least one, into *out. Returns false for anything
 * else or a value over max (checked digit by digit: nothing overflows).
 */
static bool parse_digits(struct span s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned d = (unsigned char)s.p[i] - (unsigned)'0';
		if (d > 9 || d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* What a well-formed request head says; spans point into the caller's buffer. */
struct request {
	struct span method, target;
	bool http10;
	bool conn_close, conn_keep_alive;
	size_t head_len;
};

/* "METHOD SP target SP HTTP/1.x": 0 or -EBADMSG. */
static int parse_request_line(struct span ln, struct request *rq)
{
	size_t i = 0, t;

	while (i < ln.n && is_tchar((unsigned char)ln.p[i]))
		i++;
	if (i == 0 || i == ln.n || ln.p[i] != ' ')
		return -EBADMSG;
	rq->method = (struct span){ ln.p, i };
	t = ++i;
	while (i < ln.n && (unsigned char)ln.p[i] > ' ' && (unsigned char)ln.p[i] < 0x7f)
		i++;
	if (i == t || i == ln.n || ln.p[i] != ' ' || ln.p[t] != '/')
		return -EBADMSG;
	rq->target = (struct span){ ln.p + t, i - t };
	struct span version = { ln.p + i + 1, ln.n - i - 1 };
	if (span_eq(version, "HTTP/1.1"))
		rq->http10 = false;
	else if (span_eq(version, "HTTP/1.0"))
		rq->http10 = true;
	else
		return -EBADMSG;
	return 0;
}

/*
 * Parses the request head at the start of buf. Returns 1 with *rq filled
 * when it is whole and well formed, 0 when more bytes are needed, -EBADMSG
 * when it is malformed (400), -EMSGSIZE when it is too long (431).
 */
static int parse_request(const char *buf, size_t len, struct request *rq)
{
	struct span ln, name, value;
	size_t pos = 0;
	uint64_t n;
	int rc = head_line(buf, len, &pos, &ln);

	if (rc == HEAD_END)
		return -EBADMSG; /* an empty request line */
	if (rc != HEAD_LINE)
		return rc;
	if (parse_request_line(ln, rq) < 0)
		return -EBADMSG;
	while ((rc = head_line(buf, len, &pos, &ln)) == HEAD_LINE) {
		if (split_field(ln, &name, &value) < 0)
			return -EBADMSG;
		if (span_ieq(name, "transfer-encoding"))
			return -EBADMSG;
		if (span_ieq(name, "content-length") && !parse_digits(value, 0, &n))
			return -EBADMSG; /* a body, or not a number */
		if (span_ieq(name, "connection"))
			connection_tokens(value, &rq->conn_close, &rq->conn_keep_alive);
	}
	if (rc != HEAD_END)
		return rc;
	rq->head_len = pos;
	return 1;
}

enum status_id {
	ST_OK,
	ST_BAD_REQUEST,
	ST_NOT_FOUND,
	ST_BAD_METHOD,
	ST_TOO_LARGE
};

static const struct status {
	int code;
	const char *reason, *body, *extra_header;
} statuses[] = {
	[ST_OK] = { 200, "OK", HTTP_BODY, "" },
	[ST_BAD_REQUEST] = { 400, "Bad Request", "bad request\n", "" },
	[ST_NOT_FOUND] = { 404, "Not Found", "not found\n", "" },
	[ST_BAD_METHOD] = { 405, "Method Not Allowed", "method not allowed\n", "Allow: GET\r\n" },
	[ST_TOO_LARGE] = { 431, "Request Header Fields Too Large", "request head too large\n", "" },
};

enum conn {
	CONN_KEEP,
	CONN_KEEP_10,
	CONN_CLOSE
};

/* Writes the whole response into out; returns its length (the NUL after it is not counted). */
static size_t respond(char *out, size_t cap, enum status_id id, enum conn conn)
{
	static const char *const conn_header[] = {
		[CONN_KEEP] = "",
		[CONN_KEEP_10] = "Connection: keep-alive\r\n",
		[CONN_CLOSE] = "Connection: close\r\n",
	};
	const struct status *s = &statuses[id];
	int n = snprintf(out, cap,
			 "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\nContent-Type: text/plain\r\n"
			 "%s%s\r\n%s",
			 s->code, s->reason, strlen(s->body), s->extra_header, conn_header[conn],
			 s->body);
	assert(n > 0 && (size_t)n < HTTP_RESPONSE_MAX);
	return (size_t)n;
}

/* Read at run time, so that no compiler knows it is NULL. */
static int *volatile poison_target;

/*
 * The crash the experiment injects: a store through a NULL pointer. Not
 * inlined and not instrumented, so that under the sanitizers too the
 * process meets a plain SIGSEGV (provided the caller has put SIGSEGV back
 * to SIG_DFL, as a child does) rather than a sanitizer report.
 */
__attribute__((noinline, no_sanitize("address", "undefined"))) static void poison(void)
{
	*(volatile int *)poison_target = 1;
}

/*
 * The route for a well-formed GET. For /work, *us is set; a /work target
 * whose query is not exactly us=N with N in range is a bad request.
 */
static enum status_id route(struct span target, bool armed, uint64_t *us)
{
	static const char work[] = "/work?us=";

	if (span_eq(target, "/"))
		return ST_OK;
	if (armed && span_eq(target, "/poison")) {
		poison();
		abort(); /* only if page zero were writable: the crash must happen */
	}
	const char *q = memchr(target.p, '?', target.n);
	struct span path = { target.p, q ? (size_t)(q - target.p) : target.n };
	if (!span_eq(path, "/work"))
		return ST_NOT_FOUND;
	if (target.n < sizeof(work) - 1 || memcmp(target.p, work, sizeof(work) - 1) != 0)
		return ST_BAD_REQUEST;
	struct span n = { target.p + sizeof(work) - 1, target.n - (sizeof(work) - 1) };
	return parse_digits(n, HTTP_WORK_MAX_US, us) ? ST_OK : ST_BAD_REQUEST;
}

enum http_action http_handle(const char *buf, size_t len, bool armed, char *out, size_t cap,
			     size_t *out_len, size_t *consumed)
{
	struct request rq = { 0 };
	uint64_t us = 0;
	enum status_id id;
	enum conn conn;

	assert(cap >= HTTP_RESPONSE_MAX);
	*out_len = 0;
	*consumed = 0;
	int rc = parse_request(buf, len, &rq);
	if (rc == 0)
		return HTTP_NEED_MORE;
	if (rc < 0) {
		*out_len = respond(out, cap, rc == -EMSGSIZE ? ST_TOO_LARGE : ST_BAD_REQUEST,
				   CONN_CLOSE);
		*consumed = len;
		return HTTP_REPLY_CLOSE;
	}

	if (rq.http10)
		conn = rq.conn_keep_alive && !rq.conn_close ? CONN_KEEP_10 : CONN_CLOSE;
	else
		conn = rq.conn_close ? CONN_CLOSE : CONN_KEEP;
	id = span_eq(rq.method, "GET") ? route(rq.target, armed, &us) : ST_BAD_METHOD;
	if (id == ST_BAD_REQUEST)
		conn = CONN_CLOSE;
	if (id == ST_OK && us)
		http_work((uint32_t)us);
	*out_len = respond(out, cap, id, conn);
	*consumed = rq.head_len;
	return conn == CONN_CLOSE ? HTTP_REPLY_CLOSE : HTTP_REPLY;
}

/* "HTTP/1.x NNN[ reason]", x 0 or 1, NNN 100..599: true with *status set. */
static bool parse_status_line(struct span ln, int *status)
{
	if (ln.n < 12 || memcmp(ln.p, "HTTP/1.", 7) != 0 || (ln.p[7] != '0' && ln.p[7] != '1') ||
	    ln.p[8] != ' ' || (ln.n > 12 && ln.p[12] != ' '))
		return false;
	if (ln.p[9] < '1' || ln.p[9] > '5' || ln.p[10] < '0' || ln.p[10] > '9' || ln.p[11] < '0' ||
	    ln.p[11] > '9')
		return false;
	*status = (ln.p[9] - '0') * 100 + (ln.p[10] - '0') * 10 + (ln.p[11] - '0');
	return true;
}

/*
 * Garbage is refused as early as it shows: a start that is not "HTTP/1."
 * at the first differing byte, a bad byte as soon as it arrives, a bad line
 * when its CRLF does. A Transfer-Encoding, or two Content-Lengths that
 * disagree, are -EPROTO (this server frames by Content-Length only), and
 * so is a Content-Length whose sum with the head would overflow size_t. A
 * large but representable one simply asks for more bytes.
 */
int http_response_parse(const char *buf, size_t len, struct http_response *r)
{
	static const char proto[] = "HTTP/1.";
	struct span ln, name, value;
	size_t pos = 0;
	uint64_t body = 0, n;
	bool have_length = false, close = false, keep_alive = false;
	int status, rc;

	for (size_t i = 0; i < len && i < sizeof(proto) - 1; i++)
		if (buf[i] != proto[i])
			return -EPROTO;
	rc = head_line(buf, len, &pos, &ln);
	if (rc == 0)
		return 0;
	if (rc != HEAD_LINE || !parse_status_line(ln, &status))
		return -EPROTO;
	while ((rc = head_line(buf, len, &pos, &ln)) == HEAD_LINE) {
		if (split_field(ln, &name, &value) < 0 || span_ieq(name, "transfer-encoding"))
			return -EPROTO;
		if (span_ieq(name, "content-length")) {
			if (!parse_digits(value, UINT64_MAX, &n) || (have_length && n != body))
				return -EPROTO;
			body = n;
			have_length = true;
		} else if (span_ieq(name, "connection")) {
			connection_tokens(value, &close, &keep_alive);
		}
	}
	if (rc == 0)
		return 0;
	if (rc != HEAD_END || !have_length || body > SIZE_MAX - pos)
		return -EPROTO;
	if (len - pos < body)
		return 0;
	r->status = status;
	r->length = pos + (size_t)body;
	r->body_length = (size_t)body;
	r->close = close;
	return 1;
}

/*
 * Where the work's result goes, so that no compiler drops the loop. One per
 * thread: the threaded server models run http_work on many threads at once,
 * and one shared plain sink was a data race (ThreadSanitizer reported it).
 */
static _Thread_local volatile uint64_t work_sink;

/*
 * Xorshift64 steps, 256 between clock reads: a read costs some tens of
 * nanoseconds, a batch of steps a few hundred, so the clock stays a small
 * part of the work and the overshoot past us is well under a microsecond.
 */
void http_work(uint32_t us)
{
	if (us == 0)
		return;
	uint64_t end = clock_now_ns() + (uint64_t)us * 1000u;
	uint64_t x = 0x9e3779b97f4a7c15ull ^ end, acc = 0;
	do {
		for (int i = 0; i < 256; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			acc += x;
		}
	} while (clock_now_ns() < end);
	work_sink = acc;
}
