// SPDX-License-Identifier: MIT
/*
 * http: the one request handler every server model of the `server`
 * experiment shares, and the response parser its load generator and tests
 * read replies with. A deliberately small HTTP/1.1 subset, strict about
 * what it accepts:
 *
 * - GET only, no request body (a Content-Length other than 0 or any
 *   Transfer-Encoding is refused); HTTP/1.1 keeps the connection by
 *   default, HTTP/1.0 closes it unless "Connection: keep-alive" is sent,
 *   and "Connection: close" is honoured;
 * - "GET /" answers HTTP_BODY; "GET /work?us=N" answers it after N
 *   microseconds of CPU work done in the handler (N in 0..HTTP_WORK_MAX_US),
 *   so that an event loop pays for it the way a real handler would;
 * - "GET /poison", when the handler is armed, writes through a NULL
 *   pointer: the deliberate crash the experiment injects. Unarmed, it is
 *   an unknown path like any other (404);
 * - a malformed request gets 400 and the connection closed, a request head
 *   over HTTP_HEAD_MAX bytes 431 and closed, another method 405, an unknown
 *   path 404.
 *
 * Pure functions over buffers: the models own the sockets, so the parser
 * can be tested, and fuzzed, without any.
 */
#ifndef PTLAB_CORE_HTTP_H
#define PTLAB_CORE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_HEAD_MAX 8192	 /* a request head (line + headers + CRLF CRLF) at most this long */
#define HTTP_WORK_MAX_US 1000000 /* the most CPU work one request may ask for */
#define HTTP_BODY "ptlab: hello\n" /* the fixed small body every 200 carries */
#define HTTP_RESPONSE_MAX 512	   /* every response http_handle() writes fits in this */

enum http_action {
	HTTP_NEED_MORE,	  /* no complete request head yet: read more (nothing written) */
	HTTP_REPLY,	  /* a response is in out; keep the connection */
	HTTP_REPLY_CLOSE, /* a response is in out; close once it is sent */
};

/*
 * Handles the first request in buf[0..len). When a complete request head
 * is there (or the head is already known to be bad, or too long), writes
 * the whole response into out (cap >= HTTP_RESPONSE_MAX), sets *out_len and
 * *consumed (the bytes of buf this request used; the caller drops them and
 * calls again for a pipelined next request) and returns HTTP_REPLY or
 * HTTP_REPLY_CLOSE. Otherwise returns HTTP_NEED_MORE with *consumed and
 * *out_len 0. A head that reaches HTTP_HEAD_MAX bytes without its end is
 * answered 431 at once. With armed, GET /poison does not return.
 */
enum http_action http_handle(const char *buf, size_t len, bool armed, char *out, size_t cap,
			     size_t *out_len, size_t *consumed);

/* A response as the client reads it. */
struct http_response {
	int status;	    /* 200, 400, ... */
	size_t length;	    /* bytes of the whole response: head and body */
	size_t body_length; /* its Content-Length */
	bool close;	    /* the server said "Connection: close" */
};

/*
 * Parses the first response in buf[0..len). Returns 1 with *r filled when a
 * whole response (head and Content-Length bytes of body) is there, 0 when
 * more bytes are needed, -EPROTO when it is not a response this server
 * could send (no status line, no Content-Length, a head over
 * HTTP_HEAD_MAX).
 */
int http_response_parse(const char *buf, size_t len, struct http_response *r);

/*
 * Spins the CPU for us microseconds (the work of GET /work?us=N): real
 * arithmetic, with the monotonic clock read every few hundred iterations.
 */
void http_work(uint32_t us);

#endif
