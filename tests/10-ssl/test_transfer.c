/* Chapter 10: data over TLS -- 16 MiB each way compared byte for byte in
 * every pairing of modes; renegotiation (TLS 1.2) and key updates (TLS 1.3)
 * in the middle of it, which is where OpenSSL's reads need to write and its
 * writes need to read; watermarks; rate limits counted in plaintext; write
 * callbacks that wait for the transport; flushing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/bufferevent_ssl.h>
#include "tls_test.h"

static struct event_base *base;

static int
setup(void **state)
{
	(void)state;
	base = event_base_new();
	return base ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	event_base_free(base);
	return 0;
}

static int
both_got(struct link *l, size_t n)
{
	return evbuffer_get_length(l->client.got) >= n &&
	    evbuffer_get_length(l->server.got) >= n;
}

/* Send n bytes each way at once and check both arrive intact. */
static void
exchange(struct link *l, size_t n, int seconds)
{
	int i;

	side_send(&l->client, n);
	side_send(&l->server, n);
	for (i = 0; i < seconds * 10 && !both_got(l, n) &&
	    !l->client.error && !l->server.error; i++)
		run_until_got(base, &l->client, n, 1),
		run_until_got(base, &l->server, n, 1);
	if (l->client.error || l->server.error)
		print_message("client %s / server %s (what %x, %x)\n",
		    ERR_error_string(l->client.ssl_error, NULL),
		    ERR_error_string(l->server.ssl_error, NULL),
		    l->client.last_what, l->server.last_what);
	assert_int_equal(l->client.error + l->server.error, 0);
	assert_int_equal(evbuffer_get_length(l->server.got), n);
	assert_int_equal(evbuffer_get_length(l->client.got), n);
	assert_true(pattern_matches(l->server.got, n));
	assert_true(pattern_matches(l->client.got, n));
}

static void
big_exchange(enum tls_mode cmode, enum tls_mode smode)
{
	struct link l;

	link_open(&l, base, cmode, smode, client_ctx(VERIFY_NONE, 0),
	    server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	exchange(&l, big_transfer_size(), 60);
	link_close(&l);
}

static void
sixteen_mib_each_way_socket_mode(void **state)
{
	(void)state;
	big_exchange(MODE_SOCKET, MODE_SOCKET);
}

static void
sixteen_mib_each_way_filters_over_a_pair(void **state)
{
	(void)state;
	big_exchange(MODE_FILTER_PAIR, MODE_FILTER_PAIR);
}

static void
sixteen_mib_each_way_filters_over_sockets(void **state)
{
	(void)state;
	big_exchange(MODE_FILTER_SOCKET, MODE_FILTER_SOCKET);
}

static void
sixteen_mib_each_way_socket_to_filter(void **state)
{
	(void)state;
	big_exchange(MODE_SOCKET, MODE_FILTER_SOCKET);
}

static void
sixteen_mib_each_way_over_loopback_tcp(void **state)
{
	(void)state;
	big_exchange(MODE_SOCKET_TCP, MODE_SOCKET_TCP);
}

/* The server asks for a new handshake a quarter of the way through a
 * two-way transfer; the client's writes meet it mid-record. */
static void
renegotiation_mid_stream_keeps_every_byte(void **state)
{
	struct link l;
	size_t n = big_transfer_size() / 4;

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_FILTER_SOCKET,
	    client_ctx(VERIFY_NONE, TLS1_2_VERSION), server_ctx(TLS1_2_VERSION),
	    BEV_OPT_CLOSE_ON_FREE);
	l.server.renegotiate_at = (int)(n / 4);
	exchange(&l, n, 60);
	assert_int_equal(l.server.renegotiate_at, 0);
	/* The server hears CONNECTED twice: the handshake, then the new one
	 * (whose last message may come after the last data). */
	assert_true(run_until(base, &l.server.connected, 2, 10));
	assert_int_equal(l.server.connected, 2);
	assert_int_equal(SSL_num_renegotiations(bufferevent_openssl_get_ssl(
	    l.server.bev)), 1);
	link_close(&l);
}

/* The client renegotiates (the server allows it: OpenSSL 3 refuses
 * client-initiated renegotiation by default). */
static void
client_renegotiation_over_a_pair(void **state)
{
	struct link l;
	SSL_CTX *sctx = server_ctx(TLS1_2_VERSION);
	size_t n = 2 << 20;

	(void)state;
	SSL_CTX_set_options(sctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
	link_open(&l, base, MODE_FILTER_PAIR, MODE_FILTER_PAIR,
	    client_ctx(VERIFY_NONE, TLS1_2_VERSION), sctx,
	    BEV_OPT_CLOSE_ON_FREE);
	l.client.renegotiate_at = 100000;
	exchange(&l, n, 60);
	assert_int_equal(l.client.connected, 2);
	link_close(&l);
}

/* TLS 1.3: a key update that asks for one back, in both directions. */
static void
key_updates_mid_stream_keep_every_byte(void **state)
{
	struct link l;
	size_t n = big_transfer_size() / 4;

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	l.server.key_update_at = (int)(n / 3);
	l.client.key_update_at = (int)(n / 2);
	exchange(&l, n, 60);
	assert_int_equal(l.server.key_update_at + l.client.key_update_at, 0);
	assert_int_equal(SSL_version(bufferevent_openssl_get_ssl(l.client.bev)),
	    TLS1_3_VERSION);
	link_close(&l);
}

/* A read that must write: A's transport is full (B reads nothing, so the
 * kernel's buffer fills and A's ciphertext waits), and B asks for a new
 * TLS 1.2 handshake.  A's SSL_read meets the HelloRequest and must send a
 * ClientHello it has no room for, so it waits for the transport to drain
 * (OpenSSL may still hand over B's data meanwhile); once B reads again,
 * everything arrives and the renegotiation completes.  (A TLS
 * 1.3 KeyUpdate would not do: OpenSSL sends the answer to one with its
 * next write, not from inside the read.) */
static void
read_that_must_write_waits_for_the_transport(void **state)
{
	struct link l;
	size_t n = 4 << 20;

	(void)state;
	link_open(&l, base, MODE_FILTER_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, TLS1_2_VERSION), server_ctx(TLS1_2_VERSION),
	    BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.client.connected, 1, 10));
	assert_true(run_until(base, &l.server.connected, 1, 10));
	bufferevent_setwatermark(l.under[0], EV_WRITE, 0, 1);
	bufferevent_disable(l.server.bev, EV_READ);
	side_send(&l.client, n);
	assert_true(run_until_buffer_has_bytes(base,
	    bufferevent_get_output(l.under[0]), 20));
	assert_int_equal(bufferevent_ssl_renegotiate(l.server.bev), 0);
	side_send(&l.server, 100);
	run_for(base, 100);
	bufferevent_enable(l.server.bev, EV_READ);
	assert_true(run_until_got(base, &l.client, 100, 20));
	assert_true(run_until_got(base, &l.server, n, 30));
	assert_true(pattern_matches(l.client.got, 100));
	assert_true(pattern_matches(l.server.got, n));
	assert_int_equal(l.client.error + l.server.error, 0);
	assert_true(run_until(base, &l.server.connected, 2, 10));
	link_close(&l);
}

static int
input_near_mark(const void *arg)
{
	struct bufferevent *bev = (struct bufferevent *)arg;

	return evbuffer_get_length(bufferevent_get_input(bev)) >= 50000 - 16384;
}

/* How the client's reading is held: at its high watermark (50000), or by
 * a read bucket of 50000 tokens that refills once an hour. */
enum hold { HOLD_AT_MARK, HOLD_BY_BUDGET };

static int
read_budget_spent(const void *arg)
{
	return bufferevent_get_read_limit((struct bufferevent *)arg) <= 0;
}

/* The hold is released: the input drained, and 50000 more tokens. */
static void
release_hold(struct link *l, enum hold hold)
{
	evbuffer_add_buffer(l->client.got, bufferevent_get_input(l->client.bev));
	if (hold == HOLD_BY_BUDGET)
		assert_int_equal(bufferevent_decrement_read_limit(l->client.bev,
		    -50000), 0);
}

/* A TLS 1.2 renegotiation while the client's reading is held and both
 * ends send.  The client's reading stops at the hold and is released only
 * after a pause, again and again; at the third hold the client or the
 * server asks for a new handshake, and the client starts writing.  During the handshake
 * OpenSSL accepts the peer's application data only inside SSL_read(), so
 * a write (or the renegotiation's own first step) that met the data
 * waiting behind the hold would be a fatal "unexpected record". */
static void
renegotiate_while_reading_is_held(enum hold hold, int client_starts)
{
	struct ev_token_bucket_cfg *cfg = NULL;
	struct timeval hour = { 3600, 0 };
	struct link l;
	SSL_CTX *sctx = server_ctx(TLS1_2_VERSION);
	size_t n = big_transfer_size() / 8;
	int i;

	SSL_CTX_set_options(sctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, TLS1_2_VERSION), sctx,
	    BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.server.connected, 1, 10));
	assert_true(run_until(base, &l.client.connected, 1, 10));
	if (hold == HOLD_AT_MARK)
		bufferevent_setwatermark(l.client.bev, EV_READ, 0, 50000);
	else
		assert_int_equal(bufferevent_set_rate_limit(l.client.bev, cfg =
		    ev_token_bucket_cfg_new(1, 50000, EV_RATE_LIMIT_MAX,
		    EV_RATE_LIMIT_MAX, &hour)), 0);
	l.client.keep_input = 1;
	side_send(&l.server, n);
	for (i = 0; i < 2000 && !both_got(&l, n) && !l.client.error &&
	    !l.server.error; i++) {
		run_until_cond(base, hold == HOLD_AT_MARK ? input_near_mark :
		    read_budget_spent, l.client.bev, 1);
		if (i == 2) {
			assert_int_equal(bufferevent_ssl_renegotiate(
			    client_starts ? l.client.bev : l.server.bev), 0);
			side_send(&l.client, n);	/* writes in the handshake */
		}
		run_for(base, 5);
		release_hold(&l, hold);
	}
	if (l.client.error || l.server.error)
		print_message("client %s / server %s (what %x, %x)\n",
		    ERR_error_string(l.client.ssl_error, NULL),
		    ERR_error_string(l.server.ssl_error, NULL),
		    l.client.last_what, l.server.last_what);
	assert_int_equal(l.client.error + l.server.error, 0);
	assert_true(pattern_matches(l.client.got, n));
	assert_true(pattern_matches(l.server.got, n));
	assert_true(run_until(base, client_starts ? &l.client.connected :
	    &l.server.connected, 2, 10));
	link_close(&l);
	ev_token_bucket_cfg_free(cfg);
}

static void
client_renegotiates_at_its_high_watermark(void **state)
{
	(void)state;
	renegotiate_while_reading_is_held(HOLD_AT_MARK, 1);
}

static void
server_renegotiates_while_the_client_is_at_its_mark(void **state)
{
	(void)state;
	renegotiate_while_reading_is_held(HOLD_AT_MARK, 0);
}

static void
client_renegotiates_with_no_read_tokens(void **state)
{
	(void)state;
	renegotiate_while_reading_is_held(HOLD_BY_BUDGET, 1);
}

static void
server_renegotiates_while_the_client_has_no_read_tokens(void **state)
{
	(void)state;
	renegotiate_while_reading_is_held(HOLD_BY_BUDGET, 0);
}

/* Reading stops at the high watermark and the rest waits (in the kernel:
 * the transport is held); draining below it brings the rest. */
static void
high_watermark_holds_reading_until_drained(void **state)
{
	struct link l;
	size_t n = 1 << 20;

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	l.server.keep_input = 1;
	bufferevent_setwatermark(l.server.bev, EV_READ, 0, 50000);
	side_send(&l.client, n);
	/* It fills to within a record of the mark, and stops there. */
	assert_true(run_until_cond(base, input_near_mark, l.server.bev, 20));
	run_for(base, 100);
	assert_true(evbuffer_get_length(bufferevent_get_input(l.server.bev)) <=
	    50000);
	l.server.keep_input = 0;
	evbuffer_add_buffer(l.server.got, bufferevent_get_input(l.server.bev));
	assert_true(run_until_got(base, &l.server, n, 30));
	assert_true(pattern_matches(l.server.got, n));
	link_close(&l);
}

/* No read callback until the low watermark is reached. */
static void
low_watermark_waits_for_enough_plaintext(void **state)
{
	struct link l;

	(void)state;
	link_open(&l, base, MODE_FILTER_PAIR, MODE_FILTER_PAIR,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.server.connected, 1, 10));
	bufferevent_setwatermark(l.server.bev, EV_READ, 1000, 0);
	side_send(&l.client, 999);
	run_for(base, 100);
	assert_int_equal(l.server.reads, 0);
	side_send(&l.client, 1);
	assert_true(run_until_got(base, &l.server, 1000, 10));
	assert_int_equal(l.server.reads, 1);
	assert_true(pattern_matches(l.server.got, 1000));
	link_close(&l);
}

/* A rate limit's buckets are spent in plaintext bytes, in both
 * directions and in a group's totals. */
static void
rate_limits_count_plaintext_bytes(void **state)
{
	struct link l;
	struct ev_token_bucket_cfg *cfg;
	struct bufferevent_rate_limit_group *g;
	/* An hour's tick: buckets refill on tick boundaries, and a slow run
	 * (valgrind) could cross a 10 s one between the send and the reads
	 * below, finding the buckets full again. */
	struct timeval tick = { 3600, 0 };
	ev_uint64_t total_read, total_written;

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	cfg = ev_token_bucket_cfg_new(1000000, 1000000, 1000000, 1000000,
	    &tick);
	g = bufferevent_rate_limit_group_new(base, cfg);
	assert_true(run_until(base, &l.server.connected, 1, 10));
	assert_true(run_until(base, &l.client.connected, 1, 10));
	assert_int_equal(bufferevent_set_rate_limit(l.server.bev, cfg), 0);
	assert_int_equal(bufferevent_set_rate_limit(l.client.bev, cfg), 0);
	assert_int_equal(bufferevent_add_to_rate_limit_group(l.server.bev, g),
	    0);
	side_send(&l.client, 12345);
	assert_true(run_until_got(base, &l.server, 12345, 10));
	run_for(base, 20);
	assert_int_equal(bufferevent_get_read_limit(l.server.bev),
	    1000000 - 12345);
	assert_int_equal(bufferevent_get_write_limit(l.client.bev),
	    1000000 - 12345);
	bufferevent_rate_limit_group_get_totals(g, &total_read, &total_written);
	assert_int_equal(total_read, 12345);
	assert_int_equal(total_written, 0);
	bufferevent_remove_from_rate_limit_group(l.server.bev);
	bufferevent_rate_limit_group_free(g);
	link_close(&l);
	ev_token_bucket_cfg_free(cfg);
}

/* libevent #1440: with the read bucket empty (driven below zero), data
 * that arrives is not read -- no zero-byte reservation, no assertion --
 * and is read after the refill. */
static void
empty_read_budget_reads_nothing_then_resumes(void **state)
{
	struct link l;
	struct ev_token_bucket_cfg *cfg;
	struct timeval tick = { 0, 200 * 1000 };

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_FILTER_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.server.connected, 1, 10));
	cfg = ev_token_bucket_cfg_new(4096, 4096, EV_RATE_LIMIT_MAX,
	    EV_RATE_LIMIT_MAX, &tick);
	assert_int_equal(bufferevent_set_rate_limit(l.server.bev, cfg), 0);
	assert_int_equal(bufferevent_decrement_read_limit(l.server.bev, 8192),
	    0);
	assert_true(bufferevent_get_read_limit(l.server.bev) <= 0);
	side_send(&l.client, 3000);
	run_for(base, 50);
	assert_int_equal(evbuffer_get_length(l.server.got), 0);
	assert_int_equal(l.server.reads, 0);
	assert_true(run_until_got(base, &l.server, 3000, 10));
	assert_true(pattern_matches(l.server.got, 3000));
	link_close(&l);
	ev_token_bucket_cfg_free(cfg);
}

/* libevent #1440 again, through a group: a group's bucket runs dry while
 * its members still hold decrypted records; each member's budget is then
 * 0 without its own bucket being empty.  Every byte still arrives. */
static void
empty_group_budget_never_reserves_nothing(void **state)
{
	struct link l[4];
	struct ev_token_bucket_cfg *cfg;
	struct bufferevent_rate_limit_group *g;
	struct timeval tick = { 0, 10 * 1000 };
	int i, done;

	(void)state;
	cfg = ev_token_bucket_cfg_new(300, 300, EV_RATE_LIMIT_MAX,
	    EV_RATE_LIMIT_MAX, &tick);
	g = bufferevent_rate_limit_group_new(base, cfg);
	bufferevent_rate_limit_group_set_min_share(g, 0);
	for (i = 0; i < 4; i++) {
		link_open(&l[i], base, MODE_SOCKET, MODE_SOCKET,
		    client_ctx(VERIFY_NONE, 0), server_ctx(0),
		    BEV_OPT_CLOSE_ON_FREE);
		assert_true(run_until(base, &l[i].server.connected, 1, 10));
		bufferevent_add_to_rate_limit_group(l[i].server.bev, g);
		side_send(&l[i].client, 3000);
	}
	for (done = 0; done < 4;) {
		run_until_got(base, &l[done].server, 3000, 20);
		if (!pattern_matches(l[done].server.got, 3000))
			print_message("member %d has %zu of 3000 bytes\n", done,
			    evbuffer_get_length(l[done].server.got));
		assert_true(pattern_matches(l[done].server.got, 3000));
		done++;
	}
	for (i = 0; i < 4; i++) {
		bufferevent_remove_from_rate_limit_group(l[i].server.bev);
		link_close(&l[i]);
	}
	bufferevent_rate_limit_group_free(g);
	ev_token_bucket_cfg_free(cfg);
}

/* Ticks of length tick since the epoch. */
static long
tick_count(const struct timeval *tick)
{
	struct timeval now;
	long us = tick->tv_sec * 1000000L + tick->tv_usec;

	gettimeofday(&now, NULL);
	return (long)((now.tv_sec * 1000000LL + now.tv_usec) / us);
}

/* A slow rate limit: never more than burst + rate per tick, all bytes
 * arrive in order. */
static void
slow_rate_limit_paces_plaintext(void **state)
{
	struct link l;
	struct ev_token_bucket_cfg *cfg;
	struct timeval tick = { 0, 50 * 1000 };
	long start, ticks;
	int i;

	(void)state;
	link_open(&l, base, MODE_FILTER_PAIR, MODE_FILTER_PAIR,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.server.connected, 1, 10));
	cfg = ev_token_bucket_cfg_new(2000, 2000, EV_RATE_LIMIT_MAX,
	    EV_RATE_LIMIT_MAX, &tick);
	assert_int_equal(bufferevent_set_rate_limit(l.server.bev, cfg), 0);
	/* Elapsed ticks are measured, not assumed: a slow machine only lets
	 * more ticks pass, and the bound grows with them. */
	start = tick_count(&tick);
	side_send(&l.client, 20000);
	for (i = 1; i <= 4; i++) {
		run_for(base, 50);
		ticks = tick_count(&tick) - start;
		assert_true(evbuffer_get_length(l.server.got) <=
		    (size_t)2000 * (size_t)(ticks + 2));
	}
	assert_true(run_until_got(base, &l.server, 20000, 20));
	assert_true(pattern_matches(l.server.got, 20000));
	link_close(&l);
	ev_token_bucket_cfg_free(cfg);
}

/* After the handshake socket mode reads the socket with an event of its
 * own.  A new descriptor (here a dup of the old one, which is then closed)
 * goes back to chapter 7's reader, and the stream goes on. */
static void
setfd_after_the_handshake_keeps_the_stream(void **state)
{
	struct link l;
	evutil_socket_t fd;

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	side_send(&l.server, 100000);
	assert_true(run_until_got(base, &l.client, 100000, 10));
	fd = dup(bufferevent_getfd(l.client.bev));
	assert_true(fd >= 0);
	assert_int_equal(bufferevent_setfd(l.client.bev, fd), 0);
	close(l.raw[0]);
	l.raw[0] = fd;
	side_send(&l.server, 100000);
	side_send(&l.client, 100000);
	assert_true(run_until_got(base, &l.client, 200000, 10));
	assert_true(run_until_got(base, &l.server, 100000, 10));
	assert_true(pattern_matches(l.client.got, 200000));
	assert_true(pattern_matches(l.server.got, 100000));
	assert_int_equal(l.client.error + l.server.error, 0);
	link_close(&l);
}

/* The write callback comes once the plaintext is in OpenSSL and the
 * ciphertext has left the transport, and only after the program wrote. */
static void
write_callback_waits_for_the_transport(void **state)
{
	struct link l;

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.client.connected, 1, 10));
	assert_true(run_until(base, &l.server.connected, 1, 10));
	run_for(base, 20);
	assert_int_equal(l.client.writes, 0);	/* handshake traffic only */
	l.server.keep_input = 1;
	side_send(&l.client, 100);
	assert_true(run_until(base, &l.client.writes, 1, 10));
	assert_int_equal(evbuffer_get_length(bufferevent_get_output(
	    l.client.bev)), 0);
	link_close(&l);
}

/* Read timeouts fire on an idle TLS bufferevent, with READING. */
static void
read_timeout_on_an_idle_connection(void **state)
{
	struct link l;
	struct timeval tv = { 0, 100 * 1000 };

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0),
	    BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.server.connected, 1, 10));
	bufferevent_set_timeouts(l.server.bev, &tv, NULL);
	assert_true(run_until(base, &l.server.timeout, 1, 10));
	assert_true(l.server.last_what & BEV_EVENT_READING);
	assert_false(bufferevent_get_enabled(l.server.bev) & EV_READ);
	link_close(&l);
}

/* BEV_FINISHED sends close_notify after the data; the peer reads it all,
 * then a clean EOF. */
static void
flush_finished_sends_close_notify(void **state)
{
	struct link l;

	(void)state;
	link_open(&l, base, MODE_FILTER_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.client.connected, 1, 10));
	side_send(&l.client, 5000);
	bufferevent_flush(l.client.bev, EV_WRITE, BEV_FINISHED);
	assert_true(run_until(base, &l.server.eof, 1, 10));
	assert_true(pattern_matches(l.server.got, 5000));
	assert_int_equal(l.server.error, 0);
	assert_true(SSL_get_shutdown(bufferevent_openssl_get_ssl(l.client.bev)) &
	    SSL_SENT_SHUTDOWN);
	link_close(&l);
}

/* Many small writes still travel as few records. */
static void
small_writes_are_gathered_into_records(void **state)
{
	struct link l;
	size_t ciphertext, i;
	unsigned char buf[10];

	(void)state;
	link_open(&l, base, MODE_FILTER_PAIR, MODE_FILTER_PAIR,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.client.connected, 1, 10));
	assert_true(run_until(base, &l.server.connected, 1, 10));
	run_for(base, 20);
	bufferevent_disable(l.client.bev, EV_WRITE);
	for (i = 0; i < 1000; i++) {
		fill_pattern(buf, sizeof(buf), i * sizeof(buf));
		bufferevent_write(l.client.bev, buf, sizeof(buf));
	}
	bufferevent_disable(l.under[1], EV_READ);
	bufferevent_enable(l.client.bev, EV_WRITE);
	run_for(base, 50);
	ciphertext = evbuffer_get_length(bufferevent_get_input(l.under[1]));
	/* 10000 bytes in one record is 10022; one record each, 32000. */
	assert_true(ciphertext < 10000 + 5 * 30);
	bufferevent_enable(l.under[1], EV_READ);
	assert_true(run_until_got(base, &l.server, 10000, 10));
	assert_true(pattern_matches(l.server.got, 10000));
	link_close(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sixteen_mib_each_way_socket_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(sixteen_mib_each_way_filters_over_a_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(sixteen_mib_each_way_filters_over_sockets, setup, teardown),
		cmocka_unit_test_setup_teardown(sixteen_mib_each_way_socket_to_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(sixteen_mib_each_way_over_loopback_tcp, setup, teardown),
		cmocka_unit_test_setup_teardown(renegotiation_mid_stream_keeps_every_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(client_renegotiates_at_its_high_watermark, setup, teardown),
		cmocka_unit_test_setup_teardown(server_renegotiates_while_the_client_is_at_its_mark, setup, teardown),
		cmocka_unit_test_setup_teardown(client_renegotiates_with_no_read_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(server_renegotiates_while_the_client_has_no_read_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(client_renegotiation_over_a_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(key_updates_mid_stream_keep_every_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(read_that_must_write_waits_for_the_transport, setup, teardown),
		cmocka_unit_test_setup_teardown(high_watermark_holds_reading_until_drained, setup, teardown),
		cmocka_unit_test_setup_teardown(low_watermark_waits_for_enough_plaintext, setup, teardown),
		cmocka_unit_test_setup_teardown(rate_limits_count_plaintext_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_read_budget_reads_nothing_then_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_group_budget_never_reserves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(slow_rate_limit_paces_plaintext, setup, teardown),
		cmocka_unit_test_setup_teardown(setfd_after_the_handshake_keeps_the_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(write_callback_waits_for_the_transport, setup, teardown),
		cmocka_unit_test_setup_teardown(read_timeout_on_an_idle_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(flush_finished_sends_close_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(small_writes_are_gathered_into_records, setup, teardown),
	};
	int r;

	signal(SIGPIPE, SIG_IGN);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	tls_test_cleanup();
	return r;
}
