// SPDX-License-Identifier: MIT
/*
 * channel: the table of mechanisms and the calls that dispatch to them.
 * The mechanisms live in channel_stream.c (byte streams: pipe, FIFO, UNIX
 * stream socket, TCP), channel_msg.c (message-preserving: UNIX datagram,
 * UDP, POSIX and System V queues, signals) and channel_shm.c (shared
 * memory: a ring woken by futex, the same ring spinning, eventfd,
 * mutex + condition variable). See channel.h.
 */
#include "core/channel.h"

#include <errno.h>
#include <string.h>

#include "core/limit.h"

const struct channel_ops *const channels[] = {
	&chan_pipe,	 &chan_fifo,	 &chan_unix_stream, &chan_unix_dgram,
	&chan_tcp,	 &chan_udp,	 &chan_posix_mq,    &chan_sysv_mq,
	&chan_shm_futex, &chan_shm_spin, &chan_eventfd,	    &chan_mutex_cond,
	&chan_signal,	 NULL,
};

const struct channel_ops *channel_find(const char *name)
{
	for (size_t i = 0; channels[i]; i++)
		if (strcmp(channels[i]->name, name) == 0)
			return channels[i];
	return NULL;
}

size_t channel_region_size(const struct channel_ops *ops, size_t max_msg)
{
	return ops->region_size ? ops->region_size(max_msg) : 0;
}

void channel_init(struct chan *c, const struct channel_ops *ops, size_t max_msg, bool processes)
{
	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->max_msg = max_msg;
	c->processes = processes;
	c->region_bytes = channel_region_size(ops, max_msg);
}

bool channel_supports(const struct channel_ops *ops, size_t len)
{
	return !ops->supports || ops->supports(len);
}

/* The kind of call that channel_open() of ops makes (core/limit.h). */
static enum limit_op open_op(const struct channel_ops *ops)
{
	return ops == &chan_posix_mq  ? LIMIT_POSIX_MQ
	       : ops == &chan_sysv_mq ? LIMIT_SYSV_MSG
				      : LIMIT_FD;
}

const struct ev_msg *channel_note(const struct channel_ops *ops, int err, struct ev_note *note)
{
	return limit_note(open_op(ops), err, note);
}

int channel_open(struct chan *c)
{
	if (c->region_bytes && !c->region)
		return -EINVAL;
	return c->ops->open(c);
}

int channel_attach(struct chan *c, enum chan_side side)
{
	return c->ops->attach ? c->ops->attach(c, side) : 0;
}

int channel_send(struct chan *c, enum chan_side from, const void *buf, size_t len)
{
	return c->ops->send(c, from, buf, len);
}

int channel_recv(struct chan *c, enum chan_side to, void *buf, size_t len)
{
	return c->ops->recv(c, to, buf, len);
}

int channel_consume(struct chan *c, enum chan_side to, size_t len, chan_consume_fn fn, void *arg,
		    void *bounce)
{
	if (c->ops->consume)
		return c->ops->consume(c, to, len, fn, arg);
	int err = c->ops->recv(c, to, bounce, len);
	if (!err)
		fn(arg, bounce, len);
	return err;
}

void channel_close(struct chan *c)
{
	if (c->ops)
		c->ops->close(c);
}
